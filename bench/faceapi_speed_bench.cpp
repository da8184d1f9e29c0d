// face-api's expression model through ferkit (the "faceapi" Classifier backend: face-api's input
// preparation + LibTorch), one face at a time, on real face crops. bench/compare_faceapi_speed.sh
// runs it at 1 and 2 threads and face-api's own node/wasm build on the same crops, then prints one
// table.
//
//   build/bin/ferkit_faceapi_speed_bench --write-crops=DIR     # crops of face-api's demo photos (PPM)
//   build/bin/ferkit_faceapi_speed_bench --crops=DIR --threads=1 [--model=...] [--benchmark_* flags]
// Crops: every face the tiny face detector finds on demo/sample1..6.jpg (face-api's defaults:
// input 416, score 0.5), cut as face-api's extractFaceTensors cuts them (clipped, floored).
// FaceapiExpressionPerFace: items = faces; ms per face = 1000 / items_per_second.
#include <torch/torch.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "ferkit/build_paths.h"  // FERKIT_SOURCE_DIR
#include "ferkit/classifier.h"
#include "ferkit/faceapi/faceapi_classifier.h"
#include "ferkit/faceapi/tiny_face_detector.h"

namespace {

struct BenchOptions {
  std::string crops;        // directory of crop PPMs to time on
  std::string write_crops;  // write crops here and exit
  int threads = 1;
  std::string model;        // expression model: checkpoint or manifest ("" = the npm cache's manifest)
};

std::filesystem::path npm_dir() {
  const char* env = std::getenv("FERKIT_CACHE");
  return std::filesystem::path(env ? env : FERKIT_SOURCE_DIR "/.cache") / "npm" / "face-api";
}

int write_crops(const std::filesystem::path& dir) {
  ferkit::faceapi::TinyFaceDetectorOptions o;
  o.model = (npm_dir() / "model" / "tiny_face_detector_model-weights_manifest.json").string();
  ferkit::faceapi::TinyFaceDetector det(o);
  std::filesystem::create_directories(dir);
  int n = 0;
  for (int i = 1; i <= 6; ++i) {
    const cv::Mat img = cv::imread((npm_dir() / "demo" / ("sample" + std::to_string(i) + ".jpg")).string());
    if (img.empty()) {
      std::cerr << "faceapi_speed_bench: demo/sample" << i << ".jpg not found under " << npm_dir() << " (set FERKIT_CACHE)\n";
      return 1;
    }
    for (const auto& f : det.detect(img)) {
      // face-api's Box.clipAtImageBorders (clip, then floor).
      const double x = std::max(f.box.x, 0.0), y = std::max(f.box.y, 0.0);
      const double w = std::min(f.box.x + f.box.width - x, img.cols - x), h = std::min(f.box.y + f.box.height - y, img.rows - y);
      const cv::Rect r(static_cast<int>(std::floor(x)), static_cast<int>(std::floor(y)), static_cast<int>(std::floor(w)),
                       static_cast<int>(std::floor(h)));
      if (r.width <= 0 || r.height <= 0) continue;
      char name[64];
      std::snprintf(name, sizeof name, "crop_%02d.ppm", n++);
      cv::imwrite((dir / name).string(), img(r));
    }
  }
  std::cout << n << " crops written to " << dir.string() << "\n";
  return n > 0 ? 0 : 1;
}

void per_face(benchmark::State& state, const BenchOptions& o) {
  torch::set_num_threads(o.threads);
  std::vector<cv::Mat> faces;
  for (const auto& e : std::filesystem::directory_iterator(o.crops))
    if (e.path().extension() == ".ppm") faces.push_back(cv::imread(e.path().string()));
  if (faces.empty()) {
    state.SkipWithError(("no .ppm crops in " + o.crops).c_str());
    return;
  }
  const std::string model = o.model.empty() ? (npm_dir() / "model" / "face_expression_model-weights_manifest.json").string() : o.model;
  auto clf = ferkit::open_classifier(model, "faceapi");
  for (const auto& f : faces) benchmark::DoNotOptimize(clf->logits({f}));  // warm-up
  for (auto _ : state)
    for (const auto& f : faces) benchmark::DoNotOptimize(clf->logits({f}));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(faces.size()));
  state.counters["faces"] = static_cast<double>(faces.size());
  state.counters["threads"] = o.threads;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions o;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const std::string& key) { return a.rfind(key, 0) == 0 ? a.substr(key.size()) : std::string(); };
    if (!value("--crops=").empty()) o.crops = value("--crops=");
    else if (!value("--write-crops=").empty()) o.write_crops = value("--write-crops=");
    else if (!value("--threads=").empty()) o.threads = std::stoi(value("--threads="));
    else if (!value("--model=").empty()) o.model = value("--model=");
    else rest.push_back(argv[i]);
  }
  if (!o.write_crops.empty()) return write_crops(o.write_crops);
  if (o.crops.empty()) {
    std::cerr << "faceapi_speed_bench: give --crops=DIR (write them first with --write-crops=DIR)\n";
    return 2;
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RegisterBenchmark(("FaceapiExpressionPerFace/threads:" + std::to_string(o.threads)).c_str(),
                               [o](benchmark::State& s) { per_face(s, o); })
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
