// Temporal smoothing, sliding-window vote (ferkit/live/label_vote.h).
#include "ferkit/live/label_vote.h"

#include <map>

#include "ferkit/error.h"

namespace ferkit {

LabelVote::LabelVote(const VoteOptions& options) : window_s_(options.window_s), min_count_(options.min_count) {
  FERKIT_CHECK(window_s_ >= 0, "vote.window_s must be >= 0, got " << window_s_);
  FERKIT_CHECK(min_count_ >= 1, "vote.min_count must be >= 1, got " << min_count_);
}

int LabelVote::update(double timestamp_s, int label) {
  if (window_s_ <= 0) return label;
  FERKIT_CHECK(votes_.empty() || timestamp_s >= votes_.back().first,
               "vote: timestamps must not decrease, got " << timestamp_s << " after " << votes_.back().first);
  votes_.emplace_back(timestamp_s, label);
  while (!votes_.empty() && votes_.front().first <= timestamp_s - window_s_) votes_.pop_front();
  // label -> (count, position of its latest vote)
  std::map<int, std::pair<int, size_t>> tally;
  for (size_t i = 0; i < votes_.size(); ++i) {
    auto& t = tally[votes_[i].second];
    ++t.first;
    t.second = i;
  }
  int best = kNoLabel;
  std::pair<int, size_t> best_t{0, 0};
  for (const auto& [l, t] : tally) {
    if (l == kNoLabel) continue;
    if (t.first > best_t.first || (t.first == best_t.first && t.second > best_t.second)) {
      best = l;
      best_t = t;
    }
  }
  return best_t.first >= min_count_ ? best : kNoLabel;
}

}  // namespace ferkit
