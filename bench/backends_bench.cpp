// Inference latency per face of the Classifier backends on the same model: LibTorch (the .pt
// checkpoint) vs OpenCV DNN (the float32 ONNX export), batch 1 and batch 8, and OpenCV's own int8
// (cv::dnn::Net::quantize of the float32 graph on calibration faces) when it runs. Each iteration is
// Classifier::logits on N 48x48 gray faces (preprocessing + one batched forward; preprocessing is the
// same function for every backend and takes microseconds); the counter ms_per_face = real time / N.
// The ONNX files are written to --out-dir so that bench/compare_backends.sh can time onnxruntime
// (node) on exactly the same models, int8 QDQ included.
//
//   build/bin/ferkit_backends_bench --threads=2 [--model=mobilenetv3_small_48] [--checkpoint=PATH]
//       [--calibration-data=data/sample] [--out-dir=DIR] [--iterations=N] [--benchmark_* flags]
// Without --checkpoint the model has random weights (speed does not depend on their values).
#include <torch/torch.h>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/build_paths.h"  // FERKIT_SOURCE_DIR
#include "ferkit/checkpoint.h"
#include "ferkit/classifier.h"
#include "ferkit/libtorch_classifier.h"
#include "ferkit/onnx_export.h"
#include "ferkit/opencv_dnn_classifier.h"
#include "ferkit/preprocess.h"
#include "ferkit/readers.h"

namespace {

struct BenchOptions {
  int threads = 2;
  int64_t iterations = 0;
  std::string model = "mobilenetv3_small_48";
  std::string checkpoint;
  std::string calibration = std::string(FERKIT_SOURCE_DIR) + "/data/sample";
  std::string out_dir;
};

std::vector<cv::Mat> faces(int n) {
  cv::RNG rng(11);
  std::vector<cv::Mat> out;
  for (int i = 0; i < n; ++i) {
    cv::Mat m(48, 48, CV_8UC1);
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(m, m, cv::Size(5, 5), 0);
    out.push_back(m);
  }
  return out;
}

void run_classifier(benchmark::State& state, ferkit::Classifier& clf, int batch, int threads) {
  const std::vector<cv::Mat> f = faces(batch);
  for (int i = 0; i < 5; ++i) benchmark::DoNotOptimize(clf.logits(f));
  for (auto _ : state) benchmark::DoNotOptimize(clf.logits(f));
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["ms_per_face"] =
      benchmark::Counter(static_cast<double>(state.iterations() * batch) / 1000.0,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["threads"] = threads;
  state.counters["batch"] = batch;
}

// OpenCV's own post-training quantisation: the float32 graph with `batch` declared (as the OpenCV
// backend runs it), quantised on `batch` calibration faces (int8 layers, float32 input and output).
void run_opencv_int8(benchmark::State& state, const std::string& onnx, const ferkit::InputSpec& in,
                     const cv::Mat& calibration, int batch, int threads) {
  try {
    cv::setNumThreads(threads);
    cv::dnn::Net net = ferkit::read_opencv_dnn_net(onnx, batch);
    const cv::Range rows[4] = {cv::Range(0, batch), cv::Range::all(), cv::Range::all(), cv::Range::all()};
    std::vector<cv::Mat> calib = {calibration(rows).clone()};
    cv::dnn::Net q = net.quantize(calib, CV_32F, CV_32F);
    const std::vector<cv::Mat> f = faces(batch);
    const int shape[4] = {batch, in.channels, in.size, in.size};
    cv::Mat blob(4, shape, CV_32F);
    for (int i = 0; i < batch; ++i) ferkit::preprocess_face_into(f[static_cast<size_t>(i)], in, blob.ptr<float>() + i * in.size * in.size);
    q.setInput(blob);
    for (int i = 0; i < 3; ++i) benchmark::DoNotOptimize(q.forward());
    for (auto _ : state) {
      // Preprocessing included, as in the Classifier rows.
      for (int i = 0; i < batch; ++i) ferkit::preprocess_face_into(f[static_cast<size_t>(i)], in, blob.ptr<float>() + i * in.size * in.size);
      q.setInput(blob);
      benchmark::DoNotOptimize(q.forward());
    }
  } catch (const std::exception& e) {
    state.SkipWithError(("OpenCV int8 does not run this model: " + std::string(e.what()).substr(0, 300)).c_str());
    return;
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["ms_per_face"] =
      benchmark::Counter(static_cast<double>(state.iterations() * batch) / 1000.0,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["threads"] = threads;
  state.counters["batch"] = batch;
}

std::string flag_value(const std::string& arg, const std::string& name) {
  const std::string prefix = "--" + name + "=";
  return arg.rfind(prefix, 0) == 0 ? arg.substr(prefix.size()) : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions o;
  if (const char* t = std::getenv("FERKIT_THREADS")) o.threads = std::atoi(t);
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (auto v = flag_value(a, "threads"); !v.empty()) o.threads = std::stoi(v);
    else if (auto v2 = flag_value(a, "iterations"); !v2.empty()) o.iterations = std::stoll(v2);
    else if (auto v3 = flag_value(a, "model"); !v3.empty()) o.model = v3;
    else if (auto v4 = flag_value(a, "checkpoint"); !v4.empty()) o.checkpoint = v4;
    else if (auto v5 = flag_value(a, "calibration-data"); !v5.empty()) o.calibration = v5;
    else if (auto v6 = flag_value(a, "out-dir"); !v6.empty()) o.out_dir = v6;
    else rest.push_back(argv[i]);
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  torch::set_num_threads(o.threads);
  cv::setNumThreads(o.threads);

  const std::filesystem::path dir = o.out_dir.empty() ? std::filesystem::temp_directory_path() / "ferkit-backends-bench"
                                                      : std::filesystem::path(o.out_dir);
  std::filesystem::create_directories(dir);
  std::filesystem::path ckpt = o.checkpoint;
  if (ckpt.empty()) {
    torch::manual_seed(0);
    ferkit::ModelSpec spec;
    spec.architecture = o.model;
    ferkit::FerNet net = ferkit::create_model(spec);
    net->eval();
    ckpt = dir / "model.pt";
    ferkit::save_checkpoint(ckpt, net, ferkit::Sidecar{});
  }
  const std::filesystem::path fp32 = dir / "model.onnx", int8 = dir / "model-int8.onnx";
  ferkit::export_onnx(ckpt, fp32);
  ferkit::OnnxExportOptions q;
  q.int8 = true;
  q.calibration.path = o.calibration;
  q.calibration.count = 256;
  q.threads = o.threads;
  ferkit::export_onnx(ckpt, int8, q);
  std::cerr << "models: " << ckpt.string() << ", " << fp32.string() << ", " << int8.string() << " (" << o.threads
            << " threads)\n";

  ferkit::LibtorchClassifierOptions lo;
  lo.threads = o.threads;
  ferkit::OpencvDnnClassifierOptions co;
  co.threads = o.threads;
  static std::unique_ptr<ferkit::Classifier> libtorch = ferkit::open_libtorch_classifier(ckpt, lo);
  static std::unique_ptr<ferkit::Classifier> opencv = ferkit::open_opencv_dnn_classifier(fp32, co);
  const ferkit::InputSpec in = opencv->info().input;

  // Calibration faces for OpenCV's quantiser: the first 8 of the calibration data.
  static cv::Mat calibration;
  {
    ferkit::ReadOptions ro;
    ro.format = "ferplus";
    ro.path = o.calibration;
    ro.split = "train";
    ferkit::Dataset d = ferkit::read_dataset(ro);
    const int n = 8;
    if (d.samples.size() < static_cast<size_t>(n)) {
      std::cerr << o.calibration << ": expected at least " << n << " training faces for OpenCV's int8, got "
                << d.samples.size() << "\n";
      return 1;
    }
    const int shape[4] = {n, in.channels, in.size, in.size};
    calibration.create(4, shape, CV_32F);
    for (int i = 0; i < n; ++i) {
      ferkit::preprocess_face_into(ferkit::load_image(d, d.samples[static_cast<size_t>(i)], in.channels == 1), in,
                                   calibration.ptr<float>() + static_cast<size_t>(i) * in.channels * in.size * in.size);
    }
  }

  for (int batch : {1, 8}) {
    const std::string suffix = "/" + o.model + "/batch:" + std::to_string(batch);
    auto* a = benchmark::RegisterBenchmark(("LibTorch" + suffix).c_str(), [=](benchmark::State& s) {
      run_classifier(s, *libtorch, batch, o.threads);
    });
    auto* b = benchmark::RegisterBenchmark(("OpenCvDnn" + suffix).c_str(), [=](benchmark::State& s) {
      run_classifier(s, *opencv, batch, o.threads);
    });
    auto* c = benchmark::RegisterBenchmark(("OpenCvDnnInt8" + suffix).c_str(), [=](benchmark::State& s) {
      run_opencv_int8(s, fp32.string(), in, calibration, batch, o.threads);
    });
    for (auto* r : {a, b, c}) {
      r->UseRealTime()->Unit(benchmark::kMillisecond);
      if (o.iterations > 0) r->Iterations(o.iterations);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
