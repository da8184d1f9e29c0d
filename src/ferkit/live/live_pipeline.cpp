// The per-frame live pipeline (ferkit/live/live_pipeline.h): runs the stages in order and keeps
// the per-track smoothing state.
#include "ferkit/live/live_pipeline.h"

#include <algorithm>
#include <chrono>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"

namespace ferkit {
namespace {

class Stopwatch {
 public:
  Stopwatch() : t_(std::chrono::steady_clock::now()) {}
  double lap_ms() {
    auto now = std::chrono::steady_clock::now();
    double ms = std::chrono::duration<double, std::milli>(now - t_).count();
    t_ = now;
    return ms;
  }

 private:
  std::chrono::steady_clock::time_point t_;
};

int argmax(const ClassProbs& p) { return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin()); }

}  // namespace

struct LivePipeline::TrackState {
  TrackState(const LivePipelineOptions& o) : ema(o.ema), vote(o.vote), hysteresis(o.hysteresis) {}
  EmaSmoother ema;
  LabelVote vote;
  LabelHysteresis hysteresis;
};

LivePipeline::LivePipeline(const LivePipelineOptions& options, Classifier& classifier)
    : opt_(options),
      classifier_(classifier),
      detector_(make_face_detector(options.detect)),
      tracker_(options.track),
      stabilizer_(options.stabilize),
      aligner_(std::make_unique<FaceAligner>(options.align)),
      enhancer_(options.enhance.enhancer),
      gate_(options.gate, classifier.info().abstain_thresholds) {
  // The enhancement the model was trained without would be a train/serve skew (see follow_model).
  if (opt_.enhance.follow_model && !classifier.info().trained_with_clahe) opt_.enhance.enabled = false;
  // Construct once to validate the smoothing options before the first frame.
  TrackState check(opt_);
  (void)check;
}

LivePipeline::~LivePipeline() = default;

void LivePipeline::set_alpha(double alpha) {
  EmaSmoother check(EmaOptions{alpha});  // validates before anything changes
  for (auto& [id, s] : states_) s->ema.set_alpha(alpha);
  opt_.ema.alpha = alpha;
}

void LivePipeline::set_delta(double delta) {
  LabelHysteresis check(HysteresisOptions{delta});
  for (auto& [id, s] : states_) s->hysteresis.set_delta(delta);
  opt_.hysteresis.delta = delta;
}

void LivePipeline::set_min_probability(double p) {
  gate_.set_min_probability(p);
  opt_.gate.min_probability = p;
}

FrameResult LivePipeline::process(const Frame& frame) {
  FERKIT_CHECK(!frame.image.empty() && frame.image.depth() == CV_8U, "live pipeline: frame " << frame.index << " is empty or not 8-bit");
  FrameResult r;
  r.frame_index = frame.index;
  r.timestamp_s = frame.timestamp_s;
  Stopwatch sw;

  std::vector<Detection> dets;
  r.detection_frame = tracker_.wants_detection(frame.index);
  if (r.detection_frame) {
    dets = detector_->detect(frame.image);
    r.detections = static_cast<int>(dets.size());
    ++times_.detection_frames;
  }
  times_.detect_ms += sw.lap_ms();

  cv::Mat gray;
  if (frame.image.channels() == 3) cv::cvtColor(frame.image, gray, cv::COLOR_BGR2GRAY);
  else if (frame.image.channels() == 4) cv::cvtColor(frame.image, gray, cv::COLOR_BGRA2GRAY);
  else gray = frame.image;
  const std::vector<Track>& tracks = tracker_.update(gray, r.detection_frame ? &dets : nullptr);
  r.started = tracker_.started();
  r.ended = tracker_.ended();
  for (int id : r.ended) {
    stabilizer_.forget(id);
    states_.erase(id);
  }
  times_.track_ms += sw.lap_ms();

  for (const Track& t : tracks) {
    FaceResult f;
    f.track_id = t.id;
    f.detected = t.detected;
    f.box = stabilizer_.update(t.id, t.box);
    f.roi = square_roi(f.box, opt_.stabilize.margin, frame.image.size());
    f.classified = (t.missed == 0 || opt_.classify_missed) && f.roi.area() > 0;
    r.faces.push_back(f);
  }
  times_.stabilize_ms += sw.lap_ms();

  std::vector<cv::Mat> crops;
  std::vector<size_t> which;
  for (size_t i = 0; i < r.faces.size(); ++i) {
    FaceResult& f = r.faces[i];
    if (!f.classified) continue;
    AlignedFace a = aligner_->align(frame.image, f.box, f.roi);
    f.align_angle_deg = a.angle_deg;
    crops.push_back(a.image);
    which.push_back(i);
  }
  times_.align_ms += sw.lap_ms();

  if (opt_.enhance.enabled)
    for (auto& c : crops) c = enhancer_.apply(c);
  times_.enhance_ms += sw.lap_ms();

  std::vector<ClassScores> scores = classify_batch(classifier_, crops, opt_.classify);
  times_.classify_ms += sw.lap_ms();

  for (size_t j = 0; j < which.size(); ++j) {
    FaceResult& f = r.faces[which[j]];
    f.raw = scores[j];
    if (keep_crops_) f.crop = crops[j];
  }
  for (FaceResult& f : r.faces) {
    auto& state = states_[f.track_id];
    if (!state) state = std::make_unique<TrackState>(opt_);
    if (!f.classified) {
      // Not seen by the detector: keep the track's state, show unknown.
      f.smoothed = state->ema.value();
      f.smoothed_label = state->hysteresis.label();
      f.final_label = kNoLabel;
      continue;
    }
    f.smoothed = state->ema.update(f.raw.probs);
    f.vote_label = state->vote.update(frame.timestamp_s, argmax(f.smoothed));
    f.smoothed_label = state->hysteresis.update(f.vote_label, f.smoothed);
    f.final_label = gate_.apply(f.smoothed_label, f.smoothed);
  }
  times_.smooth_ms += sw.lap_ms();
  ++times_.frames;
  times_.faces += static_cast<int64_t>(r.faces.size());
  return r;
}

}  // namespace ferkit
