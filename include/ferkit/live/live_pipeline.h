// The per-frame live pipeline: detect -> track -> stabilise -> align -> enhance -> classify ->
// smooth (EMA -> vote -> hysteresis) -> gate, for every face of a frame.
//
//   ferkit::LivePipelineOptions o;                            // every stage's defaults
//   auto clf = ferkit::open_classifier("model.pt", "libtorch");
//   ferkit::LivePipeline pipe(o, *clf);
//   ferkit::FrameResult r = pipe.process(frame);              // frame from ferkit::FrameSource
//   for (const ferkit::FaceResult& f : r.faces) { f.track_id; f.final_label; f.raw.probs; }
//
// Contract:
// - All faces of a frame go to the classifier in one batch (ferkit/live/batch_classifier.h).
// - Each track has its own smoothing state (EMA, vote, hysteresis); it starts with the track and
//   is discarded when the track ends (FrameResult::ended lists those tracks).
// - A track the detector missed on the last detection frame (Track::missed > 0) is shown as
//   unknown and not classified, unless classify_missed is on (then its flow-carried box is
//   classified). A frame with no track has no faces: the caller logs it as "no face" (unknown).
// - final_label is kNoLabel (unknown) when the gate rejects the shown label.
// Options are grouped by stage; the TOML table of each group has the group's name
// ([detect], [track], [stabilize], ...), and a key is the field's name.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "ferkit/classifier.h"
#include "ferkit/live/batch_classifier.h"
#include "ferkit/live/box_stabilizer.h"
#include "ferkit/live/ema_smoother.h"
#include "ferkit/live/face_aligner.h"
#include "ferkit/live/face_detector.h"
#include "ferkit/live/face_enhancer.h"
#include "ferkit/live/face_tracker.h"
#include "ferkit/live/frame_source.h"
#include "ferkit/live/label_hysteresis.h"
#include "ferkit/live/label_vote.h"
#include "ferkit/live/unknown_gate.h"

namespace ferkit {

struct EnhanceStageOptions {
  bool enabled = true;      // run the enhancement stage at all
  // Run it only when the model was trained with CLAHE (ClassifierInfo::trained_with_clahe): on
  // FERPlus valid, CLAHE on a model trained without it costs the default model 8 points.
  bool follow_model = true;
  EnhancerOptions enhancer; // blur and CLAHE parameters
  template <class V> void visit(V& v) {
    v("enabled", enabled, "run the enhancement stage");
    v("follow_model", follow_model, "run it only when the model was trained with CLAHE (its sidecar says)");
    v("blur_sigma", enhancer.blur_sigma, "Gaussian blur sigma in pixels (0 = no blur)");
    v("clahe", enhancer.clahe, "apply CLAHE after the blur");
    v("clahe_clip", enhancer.clahe_clip, "CLAHE clip limit");
    v("clahe_tiles", enhancer.clahe_tiles, "CLAHE grid: tiles x tiles");
  }
};

struct LivePipelineOptions {
  FaceDetectorOptions detect;
  TrackerOptions track;
  BoxStabilizerOptions stabilize;
  AlignerOptions align;
  EnhanceStageOptions enhance;
  ClassifyOptions classify;
  EmaOptions ema;
  VoteOptions vote;
  HysteresisOptions hysteresis;
  UnknownGateOptions gate;
  bool classify_missed = false;  // classify tracks the detector missed (flow-carried box) instead of showing unknown
  template <class V> void visit(V& v) {
    v("detect", detect, "face detection");
    v("track", track, "tracking between detections");
    v("stabilize", stabilize, "box median and crop region");
    v("align", align, "eye-level alignment");
    v("enhance", enhance, "blur and CLAHE");
    v("classify", classify, "classifier call");
    v("ema", ema, "exponential moving average of probabilities");
    v("vote", vote, "sliding-window label vote");
    v("hysteresis", hysteresis, "label switching hysteresis");
    v("gate", gate, "unknown gating");
    v("classify_missed", classify_missed, "classify tracks the detector missed instead of showing them as unknown");
  }
};

struct FaceResult {
  int track_id = 0;
  cv::Rect2f box;          // stabilised face box (frame pixels)
  cv::Rect roi;            // square crop region given to alignment
  bool classified = false; // false: missed by the detector and not classified
  bool detected = false;   // matched a detection in this frame
  double align_angle_deg = 0.0;
  ClassScores raw;         // classifier output (calibrated unless classify.calibrated = false)
  ClassProbs smoothed{};   // after EMA
  int vote_label = kNoLabel;
  int smoothed_label = kNoLabel;  // after hysteresis
  int final_label = kNoLabel;     // after the gate (kNoLabel = unknown)
  cv::Mat crop;            // the enhanced crop given to the classifier (kept only when keep_crops)
};

struct FrameResult {
  int64_t frame_index = 0;
  double timestamp_s = 0.0;
  bool detection_frame = false;    // the detector ran on this frame
  int detections = 0;              // faces the detector returned (0 on tracking-only frames)
  std::vector<FaceResult> faces;   // in track-ID order
  std::vector<int> started, ended; // tracks that started / ended in this frame
};

// Per-stage wall time, summed over process() calls (milliseconds), for benchmarks and --verbose.
struct StageTimes {
  double detect_ms = 0, track_ms = 0, stabilize_ms = 0, align_ms = 0, enhance_ms = 0,
         classify_ms = 0, smooth_ms = 0;
  int64_t frames = 0, detection_frames = 0, faces = 0;
};

class LivePipeline {
 public:
  // The classifier must outlive the pipeline. Throws ferkit::Error for invalid options or missing
  // detector/landmark files.
  LivePipeline(const LivePipelineOptions& options, Classifier& classifier);
  ~LivePipeline();
  FrameResult process(const Frame& frame);

  // Live adjustments (hotkeys): apply to every current and future track.
  void set_alpha(double alpha);
  void set_delta(double delta);
  void set_min_probability(double p);
  double alpha() const { return opt_.ema.alpha; }
  double delta() const { return opt_.hysteresis.delta; }
  double min_probability() const { return gate_.min_probability(); }

  void keep_crops(bool keep) { keep_crops_ = keep; }
  const StageTimes& times() const { return times_; }
  const LivePipelineOptions& options() const { return opt_; }
  const FaceDetector& detector() const { return *detector_; }

 private:
  struct TrackState;
  LivePipelineOptions opt_;
  Classifier& classifier_;
  std::unique_ptr<FaceDetector> detector_;
  FaceTracker tracker_;
  BoxStabilizer stabilizer_;
  std::unique_ptr<FaceAligner> aligner_;
  FaceEnhancer enhancer_;
  UnknownGate gate_;
  std::map<int, std::unique_ptr<TrackState>> states_;
  StageTimes times_;
  bool keep_crops_ = false;
};

}  // namespace ferkit
