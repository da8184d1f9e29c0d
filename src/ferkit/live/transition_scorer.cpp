// Transition-fair scoring of a live run (ferkit/live/transition_scorer.h has the definitions).
#include "ferkit/live/transition_scorer.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "ferkit/error.h"

namespace ferkit {
namespace {

// Timestamps are written with 4 decimals; comparisons of durations allow for that rounding.
constexpr double kEps = 1e-6;

struct FrameView {
  double t = 0.0;
  int displayed = -1;
};

int choose_track(const std::vector<FrameLogRow>& rows) {
  std::map<int, int64_t> classified;
  for (const auto& r : rows)
    if (r.track >= 0 && r.has_probs) ++classified[r.track];
  int best = -1;
  int64_t best_n = 0;
  for (const auto& [id, n] : classified)
    if (n > best_n) {
      best = id;
      best_n = n;
    }
  return best;
}

}  // namespace

ScoreReport score_live_log(const std::vector<FrameLogRow>& rows, const std::vector<OperatorLabel>& labels, const ScoreOptions& o) {
  FERKIT_CHECK(o.min_segment_s >= 0 && o.settle_s >= 0 && o.grace_s >= 0 && o.lock_s >= 0,
               "score: durations must be >= 0 (min_segment_s " << o.min_segment_s << ", settle_s " << o.settle_s << ", grace_s "
                                                               << o.grace_s << ", lock_s " << o.lock_s << ")");
  if (rows.empty()) throw Error("frame log", "at least one row", "none");
  ScoreReport rep;
  rep.options = o;
  rep.track = o.track >= 0 ? o.track : choose_track(rows);

  // One view per frame, in frame order.
  std::map<int64_t, FrameView> by_frame;
  for (const auto& r : rows) {
    auto [it, fresh] = by_frame.try_emplace(r.frame);
    if (fresh) it->second.t = r.timestamp_s;
    else if (std::abs(it->second.t - r.timestamp_s) > kEps)
      throw Error("frame log, frame " + std::to_string(r.frame), "one timestamp per frame",
                  std::to_string(it->second.t) + " and " + std::to_string(r.timestamp_s));
    if (r.track == rep.track && rep.track >= 0) it->second.displayed = r.final_label;
  }
  std::vector<FrameView> frames;
  for (const auto& [idx, v] : by_frame) {
    if (!frames.empty() && v.t < frames.back().t)
      throw Error("frame log, frame " + std::to_string(idx), "timestamps that grow with the frame number",
                  std::to_string(v.t) + " after " + std::to_string(frames.back().t));
    frames.push_back(v);
  }
  rep.frames = static_cast<int64_t>(frames.size());
  for (size_t i = 1; i < labels.size(); ++i)
    if (labels[i].timestamp_s < labels[i - 1].timestamp_s)
      throw Error("label events", "events in time order", std::to_string(labels[i].timestamp_s) + " after " + std::to_string(labels[i - 1].timestamp_s));

  std::array<int64_t, kNumClasses> tp{}, fp{}, fn{}, support{};
  std::vector<double> locks;
  double scored_seconds = 0.0;
  const double last_t = frames.back().t;
  for (size_t i = 0; i < labels.size(); ++i) {
    const int truth = labels[i].label;
    if (truth < 0) continue;
    const bool last = i + 1 == labels.size();
    const double start = labels[i].timestamp_s;
    const double end = last ? last_t : labels[i + 1].timestamp_s;
    if (end - start < o.min_segment_s - kEps) {
      ++rep.segments_dropped_short;
      continue;
    }
    ++rep.segments;
    std::vector<const FrameView*> seg;
    for (const auto& f : frames)
      if (f.t >= start - kEps && (last ? f.t <= end + kEps : f.t < end - kEps)) seg.push_back(&f);
    rep.frames_in_segments += static_cast<int64_t>(seg.size());

    // Time to lock: the first run of matching frames lasting >= lock_s.
    std::optional<double> lock;
    for (size_t a = 0; a < seg.size() && !lock; ++a) {
      if (seg[a]->displayed != truth) continue;
      size_t b = a;
      while (b + 1 < seg.size() && seg[b + 1]->displayed == truth) ++b;
      if (seg[b]->t - seg[a]->t >= o.lock_s - kEps) lock = seg[a]->t - start;
      a = b;
    }
    rep.time_to_lock_s.push_back(lock);
    if (lock) locks.push_back(*lock);
    else ++rep.segments_never_locked;

    const double scored_from = start + o.settle_s + o.grace_s;
    const FrameView* prev = nullptr;
    double first_scored_t = 0.0;
    for (const FrameView* f : seg) {
      if (f->t < scored_from - kEps) {
        ++rep.frames_excluded_settling;
        continue;
      }
      ++rep.frames_scored;
      ++support[truth];
      if (f->displayed == truth) {
        ++rep.correct;
        ++tp[truth];
      } else {
        ++fn[truth];
        if (f->displayed >= 0) ++fp[f->displayed];
      }
      if (f->displayed < 0) ++rep.unknown;
      if (prev) {
        if (prev->displayed != f->displayed) ++rep.label_changes;
      } else {
        first_scored_t = f->t;
      }
      prev = f;
    }
    if (prev) scored_seconds += prev->t - first_scored_t;
  }
  if (rep.frames_scored > 0) {
    rep.accuracy = static_cast<double>(rep.correct) / rep.frames_scored;
    rep.unknown_rate = static_cast<double>(rep.unknown) / rep.frames_scored;
    double sum = 0;
    int present = 0;
    for (int k = 0; k < kNumClasses; ++k) {
      if (support[k] == 0) continue;
      const double f1 = 2.0 * tp[k] / (2.0 * tp[k] + fp[k] + fn[k]);
      rep.f1[k] = f1;
      sum += f1;
      ++present;
    }
    rep.macro_f1 = sum / present;
  }
  rep.scored_minutes = scored_seconds / 60.0;
  rep.jitter_per_min = rep.scored_minutes > 0 ? rep.label_changes / rep.scored_minutes : 0.0;
  if (!locks.empty()) {
    std::sort(locks.begin(), locks.end());
    const size_t n = locks.size();
    rep.median_time_to_lock_s = n % 2 == 1 ? locks[n / 2] : 0.5 * (locks[n / 2 - 1] + locks[n / 2]);
  }
  return rep;
}

nlohmann::json ScoreReport::to_json() const {
  auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json j;
  j["frames"] = frames;
  j["track"] = track;
  j["segments"] = segments;
  j["segments_dropped_short"] = segments_dropped_short;
  j["frames_in_segments"] = frames_in_segments;
  j["frames_excluded_settling"] = frames_excluded_settling;
  j["frames_scored"] = frames_scored;
  j["correct"] = correct;
  j["accuracy"] = accuracy;
  j["macro_f1"] = macro_f1;
  nlohmann::json f1j = nlohmann::json::object();
  for (int k = 0; k < kNumClasses; ++k)
    if (f1[k]) f1j[class_name(k)] = *f1[k];
  j["f1_per_class"] = f1j;
  j["unknown"] = unknown;
  j["unknown_rate"] = unknown_rate;
  j["label_changes"] = label_changes;
  j["scored_minutes"] = scored_minutes;
  j["jitter_per_min"] = jitter_per_min;
  nlohmann::json ttl = nlohmann::json::array();
  for (const auto& t : time_to_lock_s) ttl.push_back(opt(t));
  j["time_to_lock_s"] = ttl;
  j["median_time_to_lock_s"] = opt(median_time_to_lock_s);
  j["segments_never_locked"] = segments_never_locked;
  j["options"] = {{"min_segment_s", options.min_segment_s}, {"settle_s", options.settle_s}, {"grace_s", options.grace_s},
                  {"lock_s", options.lock_s}, {"track", options.track}};
  return j;
}

}  // namespace ferkit
