// A whole live run: capture -> LivePipeline -> overlay, window, video file, frame and event logs.
//
//   ferkit::LiveOptions o = ferkit::load_live_options("live.toml", {"ema.alpha=0.5"});
//   o.capture.source = "clip.mp4";
//   o.output.headless = true;
//   o.output.frame_log = "frames.csv";
//   auto clf = ferkit::open_classifier(o.model, o.backend);
//   ferkit::LiveSummary s = ferkit::run_live(o, *clf);
//
// Contract:
// - The loop ends at the end of the source, on q/Esc in the window, or on Ctrl-C (a SIGINT handler
//   sets a flag; the frame in progress finishes, logs are flushed and files closed; the previous
//   handler is restored on return).
// - Window mode (not headless, and a display exists: DISPLAY or WAYLAND_DISPLAY set) shows the
//   overlay with cv::imshow. Keys: 1 neutral, 2 happiness, 3 surprise, 4 sadness, 5 anger,
//   6 disgust, 7 fear, 8 contempt set the operator's true label, 0 clears it; a / A lower / raise
//   the EMA alpha by 0.05, d / D the hysteresis delta by 0.05, u / U the unknown threshold by 0.05;
//   q or Esc quits. Each change is written to the events log.
// - Headless mode takes operator labels from output.labels (an events CSV, ferkit/live/frame_log.h):
//   a label applies from the first frame whose timestamp is >= its timestamp.
// - One frame-log row per face per frame; a frame without faces gets one row with track -1.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/live/frame_source.h"
#include "ferkit/live/live_pipeline.h"
#include "ferkit/live/overlay.h"

namespace ferkit {

struct LiveOutputOptions {
  bool headless = false;       // never open a window
  std::string video;           // annotated video to write (mp4v), "" = none
  std::string frame_log;       // per-frame CSV, "" = none
  std::string events;          // events CSV, "" = none
  std::string labels;          // headless operator labels (events CSV), "" = none
  double video_fps = 0.0;      // fps of the written video (0 = the source's, else 30)
  OverlayOptions overlay;
  template <class V> void visit(V& v) {
    v("headless", headless, "never open a window");
    v("video", video, "annotated video to write (mp4v), empty = none");
    v("frame_log", frame_log, "per-frame CSV, empty = none");
    v("events", events, "events CSV, empty = none");
    v("labels", labels, "headless operator labels (an events CSV), empty = none");
    v("video_fps", video_fps, "fps of the written video (0 = the source's, else 30)");
    v("overlay", overlay, "drawing");
  }
};

struct LiveOptions {
  std::string model;             // classifier model file
  std::string backend = "auto";  // classifier backend: auto, libtorch, opencv, scripted
  FrameSourceOptions capture;
  LivePipelineOptions pipeline;
  LiveOutputOptions output;
  template <class V> void visit(V& v) {
    v("model", model, "classifier model file");
    v("backend", backend, "classifier backend: auto, libtorch, opencv, scripted");
    v("capture", capture, "frame source");
    pipeline.visit(v);  // the stage tables sit at the top level: [detect], [ema], ...
    v("output", output, "window, video and logs");
  }
};

// Reads a TOML file (may be "") and then key=value overrides (dotted field names, e.g.
// "ema.alpha=0.5"); unknown keys are Errors suggesting the nearest name. Tables: [capture],
// [detect], [track], [stabilize], [align], [enhance], [classify], [ema], [vote], [hysteresis],
// [gate], [output] (and top-level model, backend, classify_missed).
LiveOptions load_live_options(const std::filesystem::path& toml, const std::vector<std::string>& overrides);

struct LiveSummary {
  int64_t frames = 0;
  int64_t frames_with_face = 0;
  int64_t detection_frames = 0;
  int64_t detections = 0;          // boxes returned by the detector, summed over detection frames
  int64_t face_rows = 0;           // (frame, track) pairs
  int64_t classified = 0;          // faces sent to the classifier
  int64_t tracks = 0;              // distinct track IDs
  int64_t unknown_rows = 0;        // face rows gated to unknown (no-face frames not included)
  int64_t label_changes = 0;
  int64_t skipped_images = 0;      // undecodable folder images
  int64_t small_faces_dropped = 0; // detections below min_face_px
  bool interrupted = false;        // stopped by Ctrl-C or a quit key
  bool enhanced = false;           // the enhancement stage ran (see EnhanceStageOptions::follow_model)
  double seconds = 0.0;            // wall time
  StageTimes times;
  nlohmann::json to_json() const;
};

LiveSummary run_live(const LiveOptions& options, Classifier& classifier);

// The classifier for a live run: backend "scripted" (or "auto" with a .csv model) is a
// ScriptedClassifier read from the CSV (ferkit/live/scripted_classifier.h); any other backend goes
// to open_classifier(). A missing model file is an Error naming it.
std::unique_ptr<Classifier> open_live_classifier(const std::filesystem::path& model, const std::string& backend);

// Key -> action in window mode (exposed for tests): the class index for '1'..'8', -1 for '0',
// kNoKey for other keys.
constexpr int kNoKey = -100;
int operator_label_for_key(int key);

}  // namespace ferkit
