// `ferkit bench live`: milliseconds per stage and end-to-end frames/s of the whole live pipeline
// (detect every N frames, track, stabilise, align, enhance, classify with a real model, smooth, gate)
// on one video, for each classifier backend side by side.
//
//   ferkit::LiveBenchmarkOptions o;
//   o.model = "models/default.pt";            // LibTorch checkpoint; exported to ONNX for "opencv"
//   o.backends = {"libtorch", "opencv"};
//   std::vector<ferkit::LiveBenchmarkRow> rows = ferkit::run_live_benchmark(o);
//
// Contract:
// - Without a source, the clip is written first: write_webcam_bench_clip() turns one face photo
//   (face-api's demo/sample1.jpg) into a 640x480, 30 fps pan-and-zoom with a single ~220 px face,
//   the framing of a laptop webcam. A given source is used as it is.
// - Each (backend, upsample[, TTA]) configuration runs `repeats` times headless with no outputs after one
//   untimed warm-up pass; the row reports the repeat with the median wall-clock frame rate, so one
//   slow pass on a shared machine does not set the figure.
// - Torch (LibTorch backend) and OpenCV (cv::setNumThreads, the OpenCV DNN backend) both get
//   `threads`; dlib's HOG detector is single-threaded.
// - A .pt model is exported to float32 ONNX (in `work_dir`) for the opencv backend; an .onnx model
//   runs only on "opencv". Errors name the backend or file that failed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferkit {

struct LiveBenchmarkOptions {
  std::filesystem::path model;             // .pt checkpoint (with sidecar) or .onnx
  std::filesystem::path source;            // video file; empty = write the webcam clip from `photo`
  std::filesystem::path photo;             // face photo for the clip (empty = face-api demo/sample1.jpg)
  std::filesystem::path work_dir;          // clip and ONNX go here (empty = a temp folder)
  std::vector<std::string> backends = {"libtorch", "opencv"};
  std::vector<int> upsample = {1, 0};      // dlib HOG upsampling levels to compare
  int detect_every = 3;                    // run the detector every N frames (tracking in between)
  int threads = 2;
  int repeats = 3;
  int clip_frames = 90;                    // length of the written clip (3 s at 30 fps)
  bool with_tta = false;                   // also time each configuration with flip TTA (classify.flip_tta)
};

struct LiveBenchmarkRow {
  std::string backend;
  int upsample = 0;
  int detect_every = 0;
  bool tta = false;                        // classify.flip_tta: each face and its mirror
  int64_t frames = 0;
  int64_t faces = 0;                       // faces classified in the reported pass
  double fps = 0.0;                        // frames / wall seconds (median pass)
  double fps_min = 0.0, fps_max = 0.0;     // over the repeats
  double detect_ms = 0, track_ms = 0, stabilize_ms = 0, align_ms = 0, enhance_ms = 0, classify_ms = 0,
         smooth_ms = 0;                    // per frame
  double classify_ms_per_face = 0.0;
  nlohmann::json to_json() const;
};

// Writes a 640x480, 30 fps mp4v clip of `frames` frames: a slow pan and 7% zoom over the face
// photo resized to 1280 px width, so one face of about 220 px stays in view. Throws if the photo
// cannot be read or the video cannot be written.
void write_webcam_bench_clip(const std::filesystem::path& photo, const std::filesystem::path& out, int frames = 90);

std::vector<LiveBenchmarkRow> run_live_benchmark(const LiveBenchmarkOptions& options);

// The rows as a Markdown table (one line per configuration).
std::string live_benchmark_markdown(const std::vector<LiveBenchmarkRow>& rows);

}  // namespace ferkit
