// Gradient all-reduce at 2 ranks on loopback (Gloo): the gradients of ferkit's resnet18 (about
// 11.3 M floats in 62 tensors), bucketed (25 MB buckets) vs one all-reduce per tensor. Rank 1 is
// a thread of this process with its own TCPStore client and process group (what a second
// process would have; the bytes still cross loopback TCP).
//
//   OMP_NUM_THREADS=1 build/bin/ferkit_allreduce_bench
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <thread>

#include "ferkit/distributed.h"
#include "ferkit/model.h"
#include "ferkit/model_spec.h"

namespace {

constexpr int kIterations = 10;

std::vector<torch::Tensor> resnet18_gradients() {
  ferkit::ModelSpec spec;
  spec.architecture = "resnet18";
  spec.input_size = 224;
  spec.in_channels = 3;
  ferkit::FerNet net = ferkit::create_model(spec);
  std::vector<torch::Tensor> params;
  for (auto& p : net->parameters()) {
    auto q = torch::zeros_like(p).requires_grad_();
    q.mutable_grad() = torch::randn_like(p);
    params.push_back(q);
  }
  return params;
}

void allreduce(benchmark::State& state, double bucket_mb) {
  at::set_num_threads(1);
  const int port = ferkit::free_local_port();
  auto make = [&](int rank) {
    ferkit::DistributedOptions o;
    o.master_port = port;
    o.rank = rank;
    o.world_size = 2;
    o.bucket_mb = bucket_mb;
    return ferkit::DataParallelGroup::connect(o);
  };
  const auto grads0 = resnet18_gradients(), grads1 = resnet18_gradients();
  int64_t floats = 0;
  for (auto& g : grads0) floats += g.numel();
  std::thread peer([&] {
    auto g = make(1);
    for (int i = 0; i < kIterations + 1; ++i) g->average_gradients(grads1, 0.5);
  });
  auto g = make(0);
  g->average_gradients(grads0, 0.5);  // warm-up (connections, buffers)
  for (auto _ : state) g->average_gradients(grads0, 0.5);
  peer.join();
  state.counters["floats"] = static_cast<double>(floats);
  state.counters["tensors"] = static_cast<double>(grads0.size());
  state.SetBytesProcessed(state.iterations() * floats * 4);
}

}  // namespace

BENCHMARK_CAPTURE(allreduce, bucketed_25MB, 25.0)->Iterations(kIterations)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(allreduce, per_tensor, 0.0)->Iterations(kIterations)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
