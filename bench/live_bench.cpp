// Live pipeline speed: milliseconds per stage and end-to-end frames per second on a 640x480 video
// with one face (built here from face-api's demo/sample1.jpg: a slow pan and zoom), detection every
// N frames with optical-flow tracking in between. The classifier is a ScriptedClassifier (no model
// cost): `ferkit bench live` runs the same clip with the real backends.
//
//   FERKIT_CACHE=/work/main/.cache OMP_NUM_THREADS=1 build/bench/ferkit_live_bench --benchmark_min_time=0.05
#include <benchmark/benchmark.h>

#include "ferkit/build_paths.h"

#include <cstdlib>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "ferkit/live/box_stabilizer.h"
#include "ferkit/live/face_aligner.h"
#include "ferkit/live/face_detector.h"
#include "ferkit/live/face_enhancer.h"
#include "ferkit/live/face_tracker.h"
#include "ferkit/live/frame_source.h"
#include "ferkit/live/live_benchmark.h"
#include "ferkit/live/live_pipeline.h"
#include "ferkit/live/scripted_classifier.h"

namespace {

std::filesystem::path cache_dir() {
  const char* env = std::getenv("FERKIT_CACHE");
  return std::filesystem::path(env ? env : FERKIT_SOURCE_DIR "/.cache");
}

// 60 frames of 640x480 at 30 fps: the camera pans over sample1's left woman (only her face in view,
// about 220 px wide, as on a webcam) and zooms in 7%.
struct BenchVideo {
  std::vector<cv::Mat> frames;
  std::filesystem::path file;
  cv::Rect2f face;  // the face in frame 0 (from the detector)
  bool ok = false;
};

const BenchVideo& bench_video() {
  static BenchVideo v = [] {
    BenchVideo b;
    const auto photo = cache_dir() / "npm" / "face-api" / "demo" / "sample1.jpg";
    if (!std::filesystem::exists(photo)) return b;
    b.file = std::filesystem::temp_directory_path() / "ferkit_live_bench.mp4";
    ferkit::write_webcam_bench_clip(photo, b.file, 60);
    ferkit::FrameSourceOptions o;
    o.source = b.file.string();
    ferkit::FrameSource src(o);
    ferkit::Frame f;
    while (src.read(f)) b.frames.push_back(f.image.clone());
    auto found = ferkit::make_face_detector(ferkit::FaceDetectorOptions{})->detect(b.frames.at(0));
    if (found.size() != 1) return b;  // the clip must show exactly one face
    b.face = found[0].box;
    b.ok = !b.frames.empty();
    return b;
  }();
  return v;
}

#define NEED_VIDEO(state)                                                                      \
  const BenchVideo& video = bench_video();                                                     \
  if (!video.ok) {                                                                             \
    state.SkipWithError("face-api demo photo not found or no face found (set FERKIT_CACHE)"); \
    return;                                                                                    \
  }

void BM_DetectDlibHog(benchmark::State& state) {
  NEED_VIDEO(state);
  ferkit::FaceDetectorOptions o;
  o.upsample = static_cast<int>(state.range(0));
  auto det = ferkit::make_face_detector(o);
  det->detect(video.frames[0]);  // first-call set-up is not per-frame cost
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(det->detect(video.frames[i++ % video.frames.size()]));
}
BENCHMARK(BM_DetectDlibHog)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_DetectHaar(benchmark::State& state) {
  NEED_VIDEO(state);
  ferkit::FaceDetectorOptions o;
  o.method = "haar";
  auto det = ferkit::make_face_detector(o);
  det->detect(video.frames[0]);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(det->detect(video.frames[i++ % video.frames.size()]));
}
BENCHMARK(BM_DetectHaar)->Unit(benchmark::kMillisecond);

void BM_TrackFlow(benchmark::State& state) {
  NEED_VIDEO(state);
  cv::Mat a, b;
  cv::cvtColor(video.frames[0], a, cv::COLOR_BGR2GRAY);
  cv::cvtColor(video.frames[1], b, cv::COLOR_BGR2GRAY);
  for (auto _ : state) {
    cv::Rect2f box = video.face;
    benchmark::DoNotOptimize(ferkit::carry_box_by_flow(a, b, box, ferkit::TrackerOptions{}));
  }
}
BENCHMARK(BM_TrackFlow)->Unit(benchmark::kMillisecond);

void BM_Stabilize(benchmark::State& state) {
  NEED_VIDEO(state);
  ferkit::BoxStabilizer s(ferkit::BoxStabilizerOptions{});
  for (auto _ : state) benchmark::DoNotOptimize(ferkit::square_roi(s.update(1, video.face), 0.3, cv::Size(640, 480)));
}
BENCHMARK(BM_Stabilize)->Unit(benchmark::kMicrosecond);

void BM_Align(benchmark::State& state) {
  NEED_VIDEO(state);
  ferkit::FaceAligner aligner(ferkit::AlignerOptions{});
  const cv::Rect roi = ferkit::square_roi(video.face, 0.3, cv::Size(640, 480));
  aligner.align(video.frames[0], video.face, roi);
  for (auto _ : state) benchmark::DoNotOptimize(aligner.align(video.frames[0], video.face, roi));
}
BENCHMARK(BM_Align)->Unit(benchmark::kMillisecond);

void BM_Enhance(benchmark::State& state) {
  NEED_VIDEO(state);
  ferkit::FaceEnhancer e(ferkit::EnhancerOptions{});
  const cv::Mat crop = video.frames[0](ferkit::square_roi(video.face, 0.3, cv::Size(640, 480))).clone();
  e.apply(crop);  // CLAHE's first call allocates its tables
  for (auto _ : state) benchmark::DoNotOptimize(e.apply(crop));
}
BENCHMARK(BM_Enhance)->Unit(benchmark::kMillisecond);

// The whole per-frame pipeline; one iteration is the whole 60-frame clip (so that detection and
// tracking-only frames are mixed as in a run). Counters: frames/s and ms per stage per frame.
void BM_EndToEnd(benchmark::State& state) {
  NEED_VIDEO(state);
  ferkit::LivePipelineOptions o;
  o.track.detect_every = static_cast<int>(state.range(0));
  o.detect.upsample = static_cast<int>(state.range(1));
  ferkit::ScriptedClassifier clf({{0.1f, 0.7f, 0.05f, 0.05f, 0.04f, 0.03f, 0.02f, 0.01f}});
  ferkit::LivePipeline pipe(o, clf);
  {
    ferkit::LivePipeline warm(o, clf);  // first-call set-up of the detector, CLAHE and flow
    ferkit::Frame f;
    f.image = video.frames[0];
    warm.process(f);
  }
  int64_t n = 0;
  for (auto _ : state) {
    for (const cv::Mat& image : video.frames) {
      ferkit::Frame f;
      f.index = n;
      f.timestamp_s = n / 30.0;
      f.image = image;
      benchmark::DoNotOptimize(pipe.process(f));
      ++n;
    }
  }
  const ferkit::StageTimes& t = pipe.times();
  const double frames = static_cast<double>(t.frames);
  state.counters["fps"] = benchmark::Counter(frames, benchmark::Counter::kIsRate);
  state.counters["faces_per_frame"] = t.faces / frames;
  state.counters["detect_ms"] = t.detect_ms / frames;
  state.counters["track_ms"] = t.track_ms / frames;
  state.counters["align_ms"] = t.align_ms / frames;
  state.counters["enhance_ms"] = t.enhance_ms / frames;
  state.counters["classify_ms"] = t.classify_ms / frames;
  state.counters["smooth_ms"] = (t.stabilize_ms + t.smooth_ms) / frames;
}
// Args: detect every N frames, dlib upsample.
BENCHMARK(BM_EndToEnd)->Args({1, 1})->Args({3, 1})->Args({1, 0})->Args({3, 0})->Args({5, 0})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
