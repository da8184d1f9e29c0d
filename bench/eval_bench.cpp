// Cost of the evaluation library on a FERPlus-test-sized set (3,589 samples, 8 classes):
// the full report (both views, calibration, 1,000 stratified bootstrap resamples), the metrics
// alone, and temperature fitting. Single-threaded (torch::set_num_threads(1)).
//
//   build/bench/ferkit_eval_bench --benchmark_min_time=0.5
#include <cmath>
#include <random>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "ferkit/calibration.h"
#include "ferkit/metrics.h"

namespace {

struct Data {
  ferkit::LogitMatrix logits;
  ferkit::ProbabilityMatrix probs;
  std::vector<int> labels;
};

const Data& data() {
  static const Data d = [] {
    const int n = 3589;
    std::mt19937_64 rng(1);
    std::normal_distribution<double> normal(0.0, 1.5);
    Data d{ferkit::LogitMatrix(n, ferkit::kNumClasses), {}, {}};
    for (int i = 0; i < n; ++i) {
      const int y = static_cast<int>(rng() % ferkit::kNumClasses);
      d.labels.push_back(y);
      for (int k = 0; k < ferkit::kNumClasses; ++k) d.logits.at(i, k) = normal(rng) + (k == y ? 2.0 : 0.0);
    }
    d.probs = ferkit::softmax_with_temperature(d.logits, 1.0);
    return d;
  }();
  return d;
}

void BM_EvaluateWithBootstrap(benchmark::State& state) {
  const auto& d = data();
  ferkit::EvaluationOptions o;
  o.bootstrap.resamples = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(ferkit::evaluate(d.probs, d.labels, o));
}
BENCHMARK(BM_EvaluateWithBootstrap)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ClassificationMetrics(benchmark::State& state) {
  const auto& d = data();
  const auto classes = ferkit::all_classes(ferkit::kNumClasses);
  for (auto _ : state) benchmark::DoNotOptimize(ferkit::classification_metrics(d.probs, d.labels, classes));
}
BENCHMARK(BM_ClassificationMetrics)->Unit(benchmark::kMillisecond);

void BM_FitTemperature(benchmark::State& state) {
  torch::set_num_threads(1);
  const auto& d = data();
  for (auto _ : state) benchmark::DoNotOptimize(ferkit::fit_temperature(d.logits, d.labels));
}
BENCHMARK(BM_FitTemperature)->Unit(benchmark::kMillisecond);

void BM_FitClassTemperatures(benchmark::State& state) {
  torch::set_num_threads(1);
  const auto& d = data();
  for (auto _ : state) benchmark::DoNotOptimize(ferkit::fit_class_temperatures(d.logits, d.labels));
}
BENCHMARK(BM_FitClassTemperatures)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
