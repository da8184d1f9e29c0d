// Decode + train-mode augmentation throughput of DataLoader on the real FERPlus train split
// (48x48 gray, default AugmentOptions, batch 64, no image cache), at 0 (caller's thread), 1 and 2
// worker threads. One iteration = one pass over the first kImages samples.
//
//   build/bin/ferkit_loader_bench                 # needs ../shared/data/ferplus (or FERKIT_FERPLUS)
//
// Torch runs on 1 thread so that the worker count is the only parallelism measured.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>

#include "ferkit/build_paths.h"

#include "ferkit/loader.h"
#include "ferkit/readers.h"

namespace {

constexpr size_t kImages = 3000;

std::filesystem::path ferplus_root() {
  if (const char* env = std::getenv("FERKIT_FERPLUS")) return env;
  return std::filesystem::path(FERKIT_SOURCE_DIR).parent_path() / "shared" / "data" / "ferplus";
}

// The first kImages train samples, read once; empty when the data is absent.
const ferkit::Dataset& ferplus_train() {
  static const ferkit::Dataset d = [] {
    ferkit::Dataset out;
    const auto root = ferplus_root();
    if (!std::filesystem::exists(root / "FER2013Train" / "label.csv")) return out;
    ferkit::ReadOptions o;
    o.format = "ferplus";
    o.path = root;
    o.split = "train";
    out = ferkit::read_ferplus(o);
    if (out.samples.size() > kImages) out.samples.resize(kImages);  // a benchmark subset, by design
    return out;
  }();
  return d;
}

void run_epochs(benchmark::State& state, const std::string& mode, bool cache) {
  const ferkit::Dataset& d = ferplus_train();
  if (d.samples.empty()) {
    state.SkipWithError(("FERPlus train split not found under " + ferplus_root().string() +
                         " (set FERKIT_FERPLUS); benchmark skipped").c_str());
    return;
  }
  ferkit::LoaderOptions o;
  o.batch_size = 64;
  o.threads = static_cast<int>(state.range(0));
  o.mode = mode;
  o.cache_images = cache;
  ferkit::InputSpec in{48, 1, {0.5}, {0.5}};
  ferkit::DataLoader loader(d, in, o, ferkit::AugmentOptions{});
  int64_t epoch = 0, images = 0;
  for (auto _ : state) {
    loader.set_epoch(epoch++);
    ferkit::Batch b;
    while (loader.next(b)) images += b.size();
    benchmark::DoNotOptimize(b.images.data_ptr<float>());
  }
  state.SetItemsProcessed(images);
  state.counters["images"] = static_cast<double>(d.samples.size());
}

void BM_LoaderTrain(benchmark::State& state) { run_epochs(state, "train", false); }
void BM_LoaderTrainCached(benchmark::State& state) { run_epochs(state, "train", true); }
void BM_LoaderEval(benchmark::State& state) { run_epochs(state, "eval", false); }

BENCHMARK(BM_LoaderTrain)->ArgName("threads")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoaderTrainCached)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoaderEval)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  at::set_num_threads(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
