// A whole live run (ferkit/live/live_session.h): the capture loop, window and hotkeys, logs,
// annotated video, Ctrl-C.
#include "ferkit/live/live_session.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

#include <opencv2/highgui.hpp>
#include <opencv2/videoio.hpp>

#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/live/frame_log.h"
#include "ferkit/live/scripted_classifier.h"
#include "ferkit/options.h"

namespace ferkit {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_sigint(int) { g_interrupted = 1; }

// Installs the SIGINT handler for the life of the run and restores the previous one.
class SigintScope {
 public:
  SigintScope() {
    g_interrupted = 0;
    previous_ = std::signal(SIGINT, on_sigint);
  }
  ~SigintScope() { std::signal(SIGINT, previous_ == SIG_ERR ? SIG_DFL : previous_); }

 private:
  void (*previous_)(int) = SIG_DFL;
};

bool display_available() {
  const char* x = std::getenv("DISPLAY");
  const char* w = std::getenv("WAYLAND_DISPLAY");
  return (x && *x) || (w && *w);
}

std::string param_text(const char* name, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s=%.2f", name, v);
  return buf;
}

}  // namespace

int operator_label_for_key(int key) {
  if (key >= '1' && key <= '0' + kNumClasses) return key - '1';
  if (key == '0') return -1;
  return kNoKey;
}

std::unique_ptr<Classifier> open_live_classifier(const std::filesystem::path& model, const std::string& backend) {
  if (model.empty()) throw Error("--model", "a model file", "none given");
  if (!std::filesystem::exists(model)) throw Error(model.string(), "a model file", "no such file");
  if (std::filesystem::is_directory(model)) throw Error(model.string(), "a model file", "a directory");
  if (backend == "scripted" || (backend == "auto" && model.extension() == ".csv")) return ScriptedClassifier::from_csv(model);
  return open_classifier(model, backend);
}

LiveOptions load_live_options(const std::filesystem::path& toml, const std::vector<std::string>& overrides) {
  nlohmann::json cfg = toml.empty() ? nlohmann::json::object() : read_toml(toml);
  for (const auto& o : overrides) apply_override(cfg, o);
  LiveOptions opts;
  bind_options(cfg, opts, "live");
  return opts;
}

nlohmann::json LiveSummary::to_json() const {
  nlohmann::json j;
  j["frames"] = frames;
  j["frames_with_face"] = frames_with_face;
  j["detection_frames"] = detection_frames;
  j["detections"] = detections;
  j["face_rows"] = face_rows;
  j["classified"] = classified;
  j["tracks"] = tracks;
  j["unknown_rows"] = unknown_rows;
  j["label_changes"] = label_changes;
  j["skipped_images"] = skipped_images;
  j["small_faces_dropped"] = small_faces_dropped;
  j["interrupted"] = interrupted;
  j["enhanced"] = enhanced;
  j["seconds"] = seconds;
  j["fps"] = seconds > 0 ? frames / seconds : 0.0;
  auto per_frame = [&](double ms) { return times.frames ? ms / times.frames : 0.0; };
  j["ms_per_frame"] = {{"detect", per_frame(times.detect_ms)},   {"track", per_frame(times.track_ms)},
                       {"stabilize", per_frame(times.stabilize_ms)}, {"align", per_frame(times.align_ms)},
                       {"enhance", per_frame(times.enhance_ms)}, {"classify", per_frame(times.classify_ms)},
                       {"smooth", per_frame(times.smooth_ms)}};
  return j;
}

LiveSummary run_live(const LiveOptions& options, Classifier& classifier) {
  const auto t0 = std::chrono::steady_clock::now();
  LivePipeline pipeline(options.pipeline, classifier);
  if (options.pipeline.enhance.enabled && !pipeline.options().enhance.enabled)
    info("enhancement (blur + CLAHE) off: the model was trained without CLAHE (enhance.follow_model = false forces it)");
  FrameSource source(options.capture);
  const LiveOutputOptions& out = options.output;

  std::vector<OperatorLabel> script;
  if (!out.labels.empty()) script = read_operator_labels(out.labels);
  size_t next_script = 0;
  std::optional<FrameLogWriter> frame_log;
  std::optional<EventLogWriter> events;
  if (!out.frame_log.empty()) frame_log.emplace(out.frame_log);
  if (!out.events.empty()) events.emplace(out.events);
  cv::VideoWriter video;

  const bool window = !out.headless && display_available();
  if (!out.headless && !window) info("no display found (DISPLAY/WAYLAND_DISPLAY unset): running headless");
  const std::string window_name = "ferkit live";
  if (window) cv::namedWindow(window_name, cv::WINDOW_AUTOSIZE);
  if (window && !script.empty()) info("window mode: operator labels come from the keys; --labels is used only headless");
  if (window) script.clear();

  SigintScope sigint;
  LiveSummary s;
  std::map<int, int> shown;  // track -> last final label
  int true_label = -1;
  Frame frame;
  auto log_event = [&](const LiveEvent& e) {
    if (events) events->write(e);
  };
  while (!g_interrupted && source.read(frame)) {
    // Operator labels from the script apply from the first frame at or after their time.
    while (next_script < script.size() && script[next_script].timestamp_s <= frame.timestamp_s) {
      const OperatorLabel& l = script[next_script++];
      true_label = l.label;
      log_event({l.timestamp_s, frame.index, -1, "true_label", label_text(l.label, "none"), ""});
    }
    FrameResult r = pipeline.process(frame);
    ++s.frames;
    if (r.detection_frame) {
      ++s.detection_frames;
      s.detections += r.detections;
    }
    for (int id : r.started) {
      ++s.tracks;
      log_event({r.timestamp_s, r.frame_index, id, "track_start", "", ""});
    }
    for (int id : r.ended) {
      log_event({r.timestamp_s, r.frame_index, id, "track_end", "", label_text(shown.count(id) ? shown[id] : -1, "unknown")});
      shown.erase(id);
    }
    if (!r.faces.empty()) ++s.frames_with_face;
    for (const FaceResult& f : r.faces) {
      ++s.face_rows;
      if (f.classified) ++s.classified;
      if (f.final_label < 0) ++s.unknown_rows;
      auto it = shown.find(f.track_id);
      const int before = it == shown.end() ? -1 : it->second;
      if (it == shown.end() || before != f.final_label) {
        if (it != shown.end() || f.final_label >= 0) {
          ++s.label_changes;
          log_event({r.timestamp_s, r.frame_index, f.track_id, "label_change", label_text(f.final_label, "unknown"),
                     label_text(before, "unknown")});
        }
        shown[f.track_id] = f.final_label;
      }
      if (frame_log) {
        FrameLogRow row;
        row.timestamp_s = r.timestamp_s;
        row.frame = r.frame_index;
        row.track = f.track_id;
        row.has_box = true;
        row.x = f.box.x;
        row.y = f.box.y;
        row.w = f.box.width;
        row.h = f.box.height;
        row.has_probs = f.classified;
        row.probs = f.raw.probs;
        row.smoothed_label = f.smoothed_label;
        row.final_label = f.final_label;
        row.unknown = f.final_label < 0;
        row.true_label = true_label;
        frame_log->write(row);
      }
    }
    if (r.faces.empty() && frame_log) {
      FrameLogRow row;
      row.timestamp_s = r.timestamp_s;
      row.frame = r.frame_index;
      row.true_label = true_label;
      frame_log->write(row);
    }
    if (window || !out.video.empty()) {
      cv::Mat canvas = frame.image.clone();
      char status[160];
      std::snprintf(status, sizeof status, "t %.2fs  true %s  alpha %.2f  delta %.2f  unknown<%.2f", r.timestamp_s,
                    label_text(true_label, "-").c_str(), pipeline.alpha(), pipeline.delta(), pipeline.min_probability());
      draw_overlay(canvas, r, out.overlay, status);
      if (!out.video.empty()) {
        if (!video.isOpened()) {
          const double fps = out.video_fps > 0 ? out.video_fps : source.fps() > 0 ? source.fps() : 30.0;
          video.open(out.video, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, canvas.size());
          if (!video.isOpened()) throw Error(out.video, "a video file OpenCV can write with the mp4v codec", "it did not open");
        }
        video.write(canvas);
      }
      if (window) {
        cv::imshow(window_name, canvas);
        const int key = cv::waitKey(1);
        if (key >= 0) {
          const int k = key & 0xFF;
          const int label = operator_label_for_key(k);
          if (label != kNoKey) {
            true_label = label;
            log_event({r.timestamp_s, r.frame_index, -1, "true_label", label_text(label, "none"), ""});
          } else if (k == 'q' || k == 27) {
            s.interrupted = true;
            break;
          } else {
            std::string changed;
            if (k == 'a' || k == 'A') {
              pipeline.set_alpha(std::clamp(pipeline.alpha() + (k == 'A' ? 0.05 : -0.05), 0.05, 1.0));
              changed = param_text("alpha", pipeline.alpha());
            } else if (k == 'd' || k == 'D') {
              pipeline.set_delta(std::clamp(pipeline.delta() + (k == 'D' ? 0.05 : -0.05), 0.0, 0.95));
              changed = param_text("delta", pipeline.delta());
            } else if (k == 'u' || k == 'U') {
              pipeline.set_min_probability(std::clamp(pipeline.min_probability() + (k == 'U' ? 0.05 : -0.05), 0.0, 1.0));
              changed = param_text("min_probability", pipeline.min_probability());
            }
            if (!changed.empty()) log_event({r.timestamp_s, r.frame_index, -1, "parameter", changed, ""});
          }
        }
      }
    }
  }
  if (g_interrupted) {
    s.interrupted = true;
    info("interrupted: logs flushed and closed");
  }
  if (frame_log) frame_log->close();
  if (events) events->close();
  if (video.isOpened()) video.release();
  if (window) cv::destroyWindow(window_name);
  s.skipped_images = source.skipped();
  s.small_faces_dropped = pipeline.detector().dropped_small();
  s.times = pipeline.times();
  s.enhanced = pipeline.options().enhance.enabled;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace ferkit
