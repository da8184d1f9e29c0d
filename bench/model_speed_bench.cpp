// Model speed on CPU, measured the same way as bench/python/model_speed.py measures PyTorch:
//   TrainStep/<arch>: forward + cross-entropy + backward + AdamW step on a fixed batch of 48x48
//                     grayscale images (items_per_second = images/s);
//   InferBatch1/<arch>: one image, eval mode, no autograd (real time per iteration = latency).
// bench/compare_model_speed.sh runs both programs one after the other and prints the ratio.
//
//   build/bench/ferkit_model_speed_bench --threads=2 [--models=mobilenetv3_small_48,resnet18_48]
//       [--batch=64] [--iterations=N]   (N = 0: Google Benchmark chooses) [--benchmark_* flags]
// FERKIT_THREADS sets the default thread count (2).
#include <torch/torch.h>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ferkit/model.h"

namespace {

struct BenchOptions {
  int threads = 2;
  int batch = 64;
  int64_t iterations = 0;
  std::vector<std::string> models = {"mobilenetv3_small_48", "resnet18_48"};
};

ferkit::FerNet make_net(const std::string& arch) {
  torch::manual_seed(0);
  ferkit::ModelSpec spec;
  spec.architecture = arch;
  spec.input_size = 48;
  spec.in_channels = 1;
  return ferkit::create_model(spec);
}

void train_step(benchmark::State& state, const std::string& arch, const BenchOptions& o) {
  ferkit::FerNet net = make_net(arch);
  net->train();
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(1e-3).weight_decay(0.05));
  torch::Tensor x = torch::randn({o.batch, 1, 48, 48});
  torch::Tensor y = torch::randint(0, 8, {o.batch}, torch::kLong);
  auto step = [&] {
    opt.zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(x).logits, y);
    loss.backward();
    opt.step();
  };
  for (int i = 0; i < 2; ++i) step();  // warm-up: allocator, optimiser state
  for (auto _ : state) step();
  state.SetItemsProcessed(state.iterations() * o.batch);
  state.counters["params"] = static_cast<double>(ferkit::count_parameters(*net));
  state.counters["threads"] = o.threads;
  state.counters["batch"] = o.batch;
}

void infer_batch1(benchmark::State& state, const std::string& arch, const BenchOptions& o) {
  ferkit::FerNet net = make_net(arch);
  net->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randn({1, 1, 48, 48});
  for (int i = 0; i < 5; ++i) benchmark::DoNotOptimize(net->forward(x).logits);
  for (auto _ : state) benchmark::DoNotOptimize(net->forward(x).logits);
  state.SetItemsProcessed(state.iterations());
  state.counters["params"] = static_cast<double>(ferkit::count_parameters(*net));
  state.counters["threads"] = o.threads;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Takes our flags out of argv (Google Benchmark rejects flags it does not know).
BenchOptions parse(int& argc, char** argv) {
  BenchOptions o;
  if (const char* env = std::getenv("FERKIT_THREADS")) o.threads = std::atoi(env);
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const std::string& flag) { return a.rfind(flag + "=", 0) == 0 ? a.substr(flag.size() + 1) : std::string(); };
    if (!value("--threads").empty()) o.threads = std::stoi(value("--threads"));
    else if (!value("--batch").empty()) o.batch = std::stoi(value("--batch"));
    else if (!value("--iterations").empty()) o.iterations = std::stoll(value("--iterations"));
    else if (!value("--models").empty()) o.models = split(value("--models"));
    else argv[kept++] = argv[i];
  }
  argc = kept;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  static BenchOptions options = parse(argc, argv);
  if (options.threads < 1) {
    std::cerr << "model_speed_bench: --threads must be >= 1, got " << options.threads << "\n";
    return 1;
  }
  torch::set_num_threads(options.threads);
  for (const auto& arch : options.models) {
    auto* t = benchmark::RegisterBenchmark(("TrainStep/" + arch).c_str(),
                                           [arch](benchmark::State& s) { train_step(s, arch, options); });
    auto* i = benchmark::RegisterBenchmark(("InferBatch1/" + arch).c_str(),
                                           [arch](benchmark::State& s) { infer_batch1(s, arch, options); });
    for (auto* b : {t, i}) {
      b->Unit(benchmark::kMillisecond)->UseRealTime();
      if (options.iterations > 0) b->Iterations(options.iterations);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("torch_threads", std::to_string(torch::get_num_threads()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
