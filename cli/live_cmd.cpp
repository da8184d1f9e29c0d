// ferkit live — run a trained model on a camera, a video or an image folder.
#include <iostream>
#include <memory>

#include "commands.h"
#include "ferkit/console.h"
#include "ferkit/live/live_session.h"

namespace ferkit::cli {
namespace {

struct LiveFlags {
  std::string config;
  std::vector<std::string> set;
  std::vector<std::string> overrides;  // from the named flags, in the order CLI11 saw them
};

// A named flag becomes a key=value override, applied after --config and before --set.
template <class T>
CLI::Option* add_override(CLI::App* cmd, std::shared_ptr<LiveFlags> f, const std::string& flag, const std::string& key, const std::string& help) {
  return cmd->add_option_function<T>(flag, [f, key](const T& v) {
    nlohmann::json j = v;
    f->overrides.push_back(key + "=" + j.dump());
  }, help);
}

void add_switch(CLI::App* cmd, std::shared_ptr<LiveFlags> f, const std::string& flag, const std::string& key, bool value,
                const std::string& help) {
  cmd->add_flag_callback(flag, [f, key, value] { f->overrides.push_back(key + "=" + (value ? "true" : "false")); }, help);
}

}  // namespace

void register_live_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("live", "Run a model on live video: detect, track, align, enhance, classify, smooth, gate, log");
  cmd->description(
      "Runs a trained ferkit model on a camera, a video file or a folder of images. Each frame goes through\n"
      "face detection (every N frames, optical-flow tracking in between, stable track IDs), box\n"
      "stabilisation, eye-level alignment, blur + CLAHE, one batched classifier call, per-track smoothing\n"
      "(EMA -> window vote -> hysteresis) and the unknown gate. Results go to a window (when a display\n"
      "exists and --headless is not given), an annotated video, a per-frame CSV and an events CSV.\n"
      "Every stage parameter can be set in a TOML file (--config; tables [capture] [detect] [track]\n"
      "[stabilize] [align] [enhance] [classify] [ema] [vote] [hysteresis] [gate] [output]), by the named\n"
      "flags below, or by --set table.key=value (applied last). docs/live.md lists them all.\n"
      "Window keys: 1 neutral, 2 happiness, 3 surprise, 4 sadness, 5 anger, 6 disgust, 7 fear, 8 contempt\n"
      "(operator's true label), 0 clears it; a/A, d/D, u/U lower/raise alpha, delta and the unknown\n"
      "threshold by 0.05; q or Esc quits. Ctrl-C stops cleanly with the logs flushed.");
  auto f = std::make_shared<LiveFlags>();
  add_override<std::string>(cmd, f, "--source", "capture.source", "Camera index (0), video file or image folder")->required();
  add_override<std::string>(cmd, f, "--model", "model", "Model file (a .pt/.onnx with its sidecar, or a .csv script for --backend scripted)")->required();
  add_override<std::string>(cmd, f, "--backend", "backend", "Classifier backend: auto, libtorch, opencv, faceapi, scripted");
  add_override<std::string>(cmd, f, "--out", "output.video", "Annotated video to write (mp4v)");
  add_override<std::string>(cmd, f, "--log", "output.frame_log", "Per-frame CSV log to write");
  add_override<std::string>(cmd, f, "--events", "output.events", "Events CSV to write (label changes, operator labels, tracks)");
  add_override<std::string>(cmd, f, "--labels", "output.labels", "Headless: operator labels from this events CSV (event true_label)");
  add_switch(cmd, f, "--headless", "output.headless", true, "Never open a window");
  cmd->add_option("--config", f->config, "TOML file with stage options (TOML key = option name)");
  cmd->add_option("--set", f->set, "Override any option: table.key=value (repeatable), e.g. --set gate.min_probability=0.5");
  add_switch(cmd, f, "--mirror", "capture.mirror", true, "Flip frames left-right");
  add_override<int64_t>(cmd, f, "--max-frames", "capture.max_frames", "Stop after this many frames");
  add_override<double>(cmd, f, "--folder-fps", "capture.folder_fps", "Frame rate of an image folder (default 30)");
  add_override<std::string>(cmd, f, "--detector", "detect.method", "Face detector: auto, dlib_hog, haar, yunet, tinyface (face-api; see --set detect.tinyface_model)");
  add_override<std::string>(cmd, f, "--yunet-model", "detect.yunet_model", "YuNet .onnx file (selects the yunet detector)");
  add_override<int>(cmd, f, "--upsample", "detect.upsample", "dlib_hog: upsample the frame 2^N times (default 1)");
  add_override<int>(cmd, f, "--min-face", "detect.min_face_px", "Smallest face side in pixels (default 40)");
  add_override<int>(cmd, f, "--detect-every", "track.detect_every", "Run the detector every N frames (default 3)");
  add_override<int>(cmd, f, "--max-missed", "track.max_missed", "End a track after K detection frames without it (default 3)");
  add_override<double>(cmd, f, "--margin", "stabilize.margin", "Crop side = (1 + margin) * face size (default 0.30)");
  add_override<std::string>(cmd, f, "--landmarks", "align.landmarks", "Landmarks for alignment: dlib68 (default) or faceapi68tiny (face-api)");
  add_switch(cmd, f, "--no-align", "align.enabled", false, "Do not rotate faces to level eyes");
  add_switch(cmd, f, "--no-enhance", "enhance.enabled", false, "Skip blur and CLAHE");
  add_override<double>(cmd, f, "--blur-sigma", "enhance.blur_sigma", "Gaussian blur sigma before CLAHE, 0 = none (default 0.5)");
  add_switch(cmd, f, "--no-calibration", "classify.calibrated", false, "Ignore the sidecar temperature (T = 1)");
  add_override<double>(cmd, f, "--alpha", "ema.alpha", "EMA weight of the new frame (default 0.65; 1 = no smoothing)");
  add_override<double>(cmd, f, "--vote-window", "vote.window_s", "Label vote window in seconds (default 0.5; 0 = off)");
  add_override<int>(cmd, f, "--vote-min", "vote.min_count", "Votes a label needs to win (default 3)");
  add_override<double>(cmd, f, "--delta", "hysteresis.delta", "Hysteresis margin for switching labels (default 0.20)");
  add_override<double>(cmd, f, "--unknown-threshold", "gate.min_probability", "Show unknown below this smoothed probability (default 0.40)");
  cmd->footer(
      "Examples:\n"
      "  ferkit live --source 0 --model models/default.pt --events session.csv\n"
      "  ferkit live --source clip.mp4 --model model.onnx --backend opencv --headless \\\n"
      "              --out annotated.mp4 --log frames.csv --events events.csv --labels truth.csv\n"
      "  ferkit live --source frames/ --model script.csv --backend scripted --headless --log frames.csv\n"
      "  ferkit score --log frames.csv --labels events.csv");
  cmd->callback([f] {
    std::vector<std::string> all = f->overrides;
    all.insert(all.end(), f->set.begin(), f->set.end());
    LiveOptions o = load_live_options(f->config, all);
    auto clf = open_live_classifier(o.model, o.backend);
    LiveSummary s = run_live(o, *clf);
    std::cout << s.to_json().dump(2) << "\n";
  });
}

}  // namespace ferkit::cli
