// Cost of each webcam corruption (ferkit/corruptions.h) on one face: a 48x48 gray FER crop (what
// training with AugmentOptions::corruption_p pays per corrupted image) and a 160x160 BGR crop (a
// webcam face before resizing), at severity 3. One iteration = one corrupted image.
//
//   build/bin/ferkit_corruption_bench
#include <filesystem>

#include <benchmark/benchmark.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/build_paths.h"
#include "ferkit/corruptions.h"

namespace {

const cv::Mat& face(bool colour) {
  static const cv::Mat gray = cv::imread(
      (std::filesystem::path(FERKIT_SOURCE_DIR) / "data" / "sample" / "FER2013Valid" / "face0096.png").string(), cv::IMREAD_GRAYSCALE);
  static const cv::Mat bgr = [] {
    cv::Mat big, out;
    cv::resize(gray, big, cv::Size(160, 160), 0, 0, cv::INTER_CUBIC);
    cv::cvtColor(big, out, cv::COLOR_GRAY2BGR);
    out.forEach<cv::Vec3b>([](cv::Vec3b& p, const int*) { p[2] = cv::saturate_cast<uint8_t>(p[2] * 1.15); });  // a skin tint
    return out;
  }();
  return colour ? bgr : gray;
}

void BM_Corruption(benchmark::State& state, std::string name, bool colour) {
  const cv::Mat& img = face(colour);
  if (img.empty()) {
    state.SkipWithError("data/sample/FER2013Valid/face0096.png not found");
    return;
  }
  int64_t i = 0;
  for (auto _ : state) {
    ferkit::CorruptionRng rng = ferkit::corruption_rng(0, name, i++);
    benchmark::DoNotOptimize(ferkit::apply_corruption(name, img, 3, rng));
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

// One benchmark per registered corruption, registered here rather than by static initialisers.
int main(int argc, char** argv) {
  for (const auto& name : ferkit::corruption_names()) {
    benchmark::RegisterBenchmark(("gray48/" + name).c_str(), BM_Corruption, name, false)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("bgr160/" + name).c_str(), BM_Corruption, name, true)->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
