#include "ferkit/live/live_benchmark.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/libtorch_classifier.h"
#include "ferkit/live/live_session.h"
#include "ferkit/onnx_export.h"
#include "ferkit/opencv_dnn_classifier.h"
#include "ferkit/report/install_paths.h"

namespace fs = std::filesystem;

namespace ferkit {

nlohmann::json LiveBenchmarkRow::to_json() const {
  return {{"backend", backend},
          {"upsample", upsample},
          {"detect_every", detect_every},
          {"tta", tta},
          {"frames", frames},
          {"faces", faces},
          {"fps", fps},
          {"fps_min", fps_min},
          {"fps_max", fps_max},
          {"ms_per_frame",
           {{"detect", detect_ms}, {"track", track_ms}, {"stabilize", stabilize_ms}, {"align", align_ms},
            {"enhance", enhance_ms}, {"classify", classify_ms}, {"smooth", smooth_ms}}},
          {"classify_ms_per_face", classify_ms_per_face}};
}

void write_webcam_bench_clip(const fs::path& photo, const fs::path& out, int frames) {
  FERKIT_CHECK(frames >= 1, "bench live: the clip needs at least one frame, got " << frames);
  cv::Mat img = cv::imread(photo.string());
  if (img.empty()) throw Error(photo.string(), "a face photo OpenCV can read", "nothing readable");
  cv::resize(img, img, cv::Size(1280, img.rows * 1280 / img.cols), 0, 0, cv::INTER_AREA);
  cv::VideoWriter w(out.string(), cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 30.0, cv::Size(640, 480));
  if (!w.isOpened()) throw Error(out.string(), "a writable mp4v video", "OpenCV could not open it for writing");
  for (int i = 0; i < frames; ++i) {
    // The camera window over sample1's left face: scale 1.4 -> 1.5, origin drifting right and down.
    const double u = frames > 1 ? i / double(frames - 1) : 0.0, s = 1.4 + 0.1 * u, x0 = 60 + 40 * u, y0 = 150 + 20 * u;
    const cv::Mat m = (cv::Mat_<double>(2, 3) << s, 0, -s * x0, 0, s, -s * y0);
    cv::Mat frame;
    cv::warpAffine(img, frame, m, cv::Size(640, 480), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    w.write(frame);
  }
}

namespace {

std::unique_ptr<Classifier> open_backend(const std::string& backend, const fs::path& model, const fs::path& onnx, int threads) {
  if (backend == "libtorch") {
    FERKIT_CHECK(model.extension() == ".pt", "bench live: backend libtorch needs a .pt checkpoint, got " << model.string());
    LibtorchClassifierOptions o;
    o.threads = threads;
    return open_libtorch_classifier(model, o);
  }
  if (backend == "opencv") {
    OpencvDnnClassifierOptions o;
    o.threads = threads;
    return open_opencv_dnn_classifier(onnx, o);
  }
  throw Error("bench live: --backends", "libtorch or opencv", "'" + backend + "'");
}

std::vector<std::pair<int, bool>> configurations(const std::vector<int>& upsample, const std::vector<bool>& tta) {
  std::vector<std::pair<int, bool>> c;
  for (int u : upsample)
    for (bool t : tta) c.emplace_back(u, t);
  return c;
}

struct Pass {
  LiveSummary summary;
  double fps = 0.0;
};

Pass run_pass(const fs::path& source, int upsample, int detect_every, bool tta, Classifier& clf) {
  LiveOptions o = load_live_options("", {"detect.upsample=" + std::to_string(upsample),
                                         "track.detect_every=" + std::to_string(detect_every), "output.headless=true",
                                         std::string("classify.flip_tta=") + (tta ? "true" : "false")});
  o.capture.source = source.string();
  Pass p;
  p.summary = run_live(o, clf);
  p.fps = p.summary.seconds > 0 ? p.summary.frames / p.summary.seconds : 0.0;
  return p;
}

}  // namespace

std::vector<LiveBenchmarkRow> run_live_benchmark(const LiveBenchmarkOptions& in) {
  LiveBenchmarkOptions o = in;
  FERKIT_CHECK(o.threads >= 1, "bench live: --threads must be >= 1, got " << o.threads);
  FERKIT_CHECK(o.repeats >= 1, "bench live: --repeats must be >= 1, got " << o.repeats);
  FERKIT_CHECK(o.detect_every >= 1, "bench live: --detect-every must be >= 1, got " << o.detect_every);
  FERKIT_CHECK(!o.backends.empty(), "bench live: no backend to run");
  FERKIT_CHECK(!o.upsample.empty(), "bench live: no upsample level to run");
  for (int u : o.upsample) FERKIT_CHECK(u >= 0 && u <= 3, "bench live: --upsample levels must be 0..3, got " << u);
  if (!fs::exists(o.model)) throw Error(o.model.string(), "a model file (.pt with its .json sidecar, or .onnx)", "no such file");
  const bool is_onnx = o.model.extension() == ".onnx";
  if (o.work_dir.empty()) o.work_dir = fs::temp_directory_path() / "ferkit_bench_live";
  fs::create_directories(o.work_dir);

  if (o.source.empty()) {
    if (o.photo.empty()) o.photo = faceapi_demo_dir() / "sample1.jpg";
    if (!fs::exists(o.photo))
      throw Error(o.photo.string(), "the face photo the benchmark clip is made from (run scripts/setup.sh, or pass --source VIDEO)",
                  "no such file");
    o.source = o.work_dir / "webcam_clip.mp4";
    write_webcam_bench_clip(o.photo, o.source, o.clip_frames);
  } else if (!fs::exists(o.source)) {
    throw Error(o.source.string(), "a video file", "no such file");
  }

  fs::path onnx = is_onnx ? o.model : fs::path();
  if (!is_onnx && std::find(o.backends.begin(), o.backends.end(), "opencv") != o.backends.end()) {
    onnx = o.work_dir / (o.model.stem().string() + ".onnx");
    OnnxExportOptions e;
    e.threads = o.threads;
    export_onnx(o.model, onnx, e);
  }
  cv::setNumThreads(o.threads);

  std::vector<LiveBenchmarkRow> rows;
  for (const auto& backend : o.backends) {
    auto clf = open_backend(backend, o.model, onnx, o.threads);
    const std::vector<bool> tta_modes = o.with_tta ? std::vector<bool>{false, true} : std::vector<bool>{false};
    for (const auto& [up, tta] : configurations(o.upsample, tta_modes)) {
      run_pass(o.source, up, o.detect_every, tta, *clf);  // warm-up: caches, first-batch allocations
      std::vector<Pass> passes;
      for (int r = 0; r < o.repeats; ++r) passes.push_back(run_pass(o.source, up, o.detect_every, tta, *clf));
      std::sort(passes.begin(), passes.end(), [](const Pass& a, const Pass& b) { return a.fps < b.fps; });
      const Pass& m = passes[passes.size() / 2];
      const StageTimes& t = m.summary.times;
      LiveBenchmarkRow row;
      row.backend = backend;
      row.upsample = up;
      row.detect_every = o.detect_every;
      row.tta = tta;
      row.frames = m.summary.frames;
      row.faces = t.faces;
      row.fps = m.fps;
      row.fps_min = passes.front().fps;
      row.fps_max = passes.back().fps;
      const double n = std::max<int64_t>(1, t.frames);
      row.detect_ms = t.detect_ms / n;
      row.track_ms = t.track_ms / n;
      row.stabilize_ms = t.stabilize_ms / n;
      row.align_ms = t.align_ms / n;
      row.enhance_ms = t.enhance_ms / n;
      row.classify_ms = t.classify_ms / n;
      row.smooth_ms = t.smooth_ms / n;
      row.classify_ms_per_face = t.faces ? t.classify_ms / t.faces : 0.0;
      info("bench live: " + backend + ", upsample " + std::to_string(up) + (tta ? ", flip TTA" : "") + ": " +
           std::to_string(row.fps) + " frames/s");
      rows.push_back(row);
    }
  }
  return rows;
}

std::string live_benchmark_markdown(const std::vector<LiveBenchmarkRow>& rows) {
  std::ostringstream s;
  s << "| backend | upsample | detect every | TTA | frames/s (min-max) | detect | track | align | enhance | classify | "
       "classify per face | other |\n";
  s << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  char buf[512];
  for (const auto& r : rows) {
    std::snprintf(buf, sizeof buf, "| %s | %d | %d | %s | %.1f (%.1f-%.1f) | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
                  r.backend.c_str(), r.upsample, r.detect_every, r.tta ? "flip" : "no", r.fps, r.fps_min, r.fps_max, r.detect_ms, r.track_ms,
                  r.align_ms, r.enhance_ms, r.classify_ms, r.classify_ms_per_face, r.stabilize_ms + r.smooth_ms);
    s << buf;
  }
  s << "\nStage columns are milliseconds per frame (classify per face: per classified face); frames/s is wall "
       "clock over the whole pass, capture and decoding included.\n";
  return s.str();
}

}  // namespace ferkit
