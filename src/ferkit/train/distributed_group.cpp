// DataParallelGroup: a thin layer over c10d (TCPStore rendezvous, ProcessGroupGloo or
// ProcessGroupNCCL) that adds what training needs: gradient buckets in a fixed order, rank-0
// broadcasts, errors that name the rank and the operation, and store-based waits for rank 0.
//
// Debian's libtorch is built with Gloo; its c10d headers hide ProcessGroupGloo behind
// USE_C10D_GLOO, which TorchConfig.cmake passes on. The guard below keeps this file compiling
// with a LibTorch whose CMake config does not.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include "ferkit/distributed.h"

#include <torch/torch.h>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#if defined(FERKIT_WITH_CUDA) && __has_include(<torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>)
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#define FERKIT_HAVE_NCCL 1
#endif

#include <cstdlib>
#include <functional>

#include "ferkit/error.h"

namespace ferkit {
namespace {

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}

std::string first_line(const std::string& text) {
  const auto nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end != '\0') throw Error(std::string("environment variable ") + name, "an integer", "\"" + std::string(v) + "\"");
  return static_cast<int>(x);
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

}  // namespace

void validate(const DistributedOptions& o) {
  if (o.world_size < 1) throw Error("distributed world_size (WORLD_SIZE)", "a value >= 1", std::to_string(o.world_size));
  if (o.rank < 0 || o.rank >= o.world_size)
    throw Error("distributed rank (RANK)", "a value in [0, " + std::to_string(o.world_size) + ")", std::to_string(o.rank));
  if (o.local_rank < 0) throw Error("distributed local_rank (LOCAL_RANK)", "a value >= 0", std::to_string(o.local_rank));
  if (o.master_port < 0 || o.master_port > 65535)
    throw Error("distributed master_port (MASTER_PORT)", "a port in [0, 65535]", std::to_string(o.master_port));
  if (o.master_addr.empty()) throw Error("distributed master_addr (MASTER_ADDR)", "a host name or address", "\"\"");
  if (!(o.timeout_s > 0)) throw Error("distributed timeout_s", "a value > 0", std::to_string(o.timeout_s));
  if (!(o.wait_timeout_s > 0)) throw Error("distributed wait_timeout_s", "a value > 0", std::to_string(o.wait_timeout_s));
  if (o.bucket_mb < 0) throw Error("distributed bucket_mb", "a value >= 0", std::to_string(o.bucket_mb));
}

DistributedOptions distributed_from_env(DistributedOptions o) {
  if (const char* a = std::getenv("MASTER_ADDR"); a && *a) o.master_addr = a;
  o.master_port = env_int("MASTER_PORT", o.master_port);
  o.rank = env_int("RANK", o.rank);
  o.world_size = env_int("WORLD_SIZE", o.world_size);
  o.local_rank = env_int("LOCAL_RANK", o.local_rank);
  validate(o);
  return o;
}

std::vector<std::vector<size_t>> plan_buckets(const std::vector<int64_t>& sizes_bytes, int64_t cap_bytes) {
  std::vector<std::vector<size_t>> buckets;
  int64_t filled = 0;
  for (size_t i = 0; i < sizes_bytes.size(); ++i) {
    if (buckets.empty() || cap_bytes <= 0 || filled + sizes_bytes[i] > cap_bytes) {
      buckets.emplace_back();
      filled = 0;
    }
    buckets.back().push_back(i);
    filled += sizes_bytes[i];
  }
  return buckets;
}

ShardRange shard_range(int64_t n, int rank, int world_size) {
  ShardRange r;
  r.begin = n * rank / world_size;
  r.end = n * (rank + 1) / world_size;
  return r;
}

struct DataParallelGroup::State {
  DistributedOptions options;
  std::string device;
  c10::intrusive_ptr<c10d::Store> store;  // ferkit's own keys (prefix "ferkit/")
  c10::intrusive_ptr<c10d::ProcessGroup> pg;

  // Runs one c10d operation, turning its failure into an Error that names the rank and op.
  void guarded(const std::string& op, const std::function<void()>& f) const {
    try {
      f();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error("rank " + std::to_string(options.rank) + " of " + std::to_string(options.world_size) + ": " + op,
                  "every rank to take part within timeout_s = " + std::to_string(options.timeout_s) +
                      " s (did another rank die?)",
                  first_line(e.what()));
    }
  }

  // Bucketed collective over tensors of one dtype at a time (consecutive same-dtype runs).
  void bucketed(const std::vector<at::Tensor>& tensors, const std::string& what,
                const std::function<void(std::vector<at::Tensor>&)>& collective) const {
    std::vector<int64_t> sizes;
    sizes.reserve(tensors.size());
    for (const auto& t : tensors) sizes.push_back(t.numel() * static_cast<int64_t>(t.element_size()));
    const int64_t cap = static_cast<int64_t>(options.bucket_mb * 1024.0 * 1024.0);
    // A dtype change also closes a bucket: flatten needs one dtype.
    std::vector<std::vector<size_t>> plan;
    for (auto& b : plan_buckets(sizes, cap)) {
      std::vector<size_t> cur;
      for (size_t i : b) {
        if (!cur.empty() && tensors[i].scalar_type() != tensors[cur.front()].scalar_type()) {
          plan.push_back(cur);
          cur.clear();
        }
        cur.push_back(i);
      }
      if (!cur.empty()) plan.push_back(cur);
    }
    for (size_t k = 0; k < plan.size(); ++k) {
      std::vector<at::Tensor> parts;
      for (size_t i : plan[k]) parts.push_back(tensors[i].reshape({-1}));
      std::vector<at::Tensor> flat{torch::cat(parts)};
      guarded(what + " (bucket " + std::to_string(k + 1) + " of " + std::to_string(plan.size()) + ")",
              [&] { collective(flat); });
      int64_t off = 0;
      for (size_t i : plan[k]) {
        const int64_t n = tensors[i].numel();
        tensors[i].copy_(flat[0].narrow(0, off, n).view_as(tensors[i]));
        off += n;
      }
    }
  }
};

DataParallelGroup::DataParallelGroup(std::unique_ptr<State> s) : state_(std::move(s)) {}
DataParallelGroup::~DataParallelGroup() = default;

std::unique_ptr<DataParallelGroup> DataParallelGroup::connect(const DistributedOptions& o, const std::string& device) {
  validate(o);
  auto s = std::make_unique<State>();
  s->options = o;
  s->device = device;
  const std::string where = "rendezvous at " + o.master_addr + ":" + std::to_string(o.master_port) + " (rank " +
                            std::to_string(o.rank) + " of " + std::to_string(o.world_size) + ")";
  c10::intrusive_ptr<c10d::Store> tcp;
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(o.master_port);
    so.isServer = o.rank == 0;
    so.numWorkers = static_cast<std::size_t>(o.world_size);
    so.waitWorkers = true;
    so.timeout = to_ms(o.timeout_s);
    tcp = c10::make_intrusive<c10d::TCPStore>(o.master_addr, so);
  } catch (const std::exception& e) {
    throw Error(where, "every rank to reach rank 0's TCPStore within timeout_s = " + std::to_string(o.timeout_s) + " s",
                first_line(e.what()));
  }
  s->store = c10::make_intrusive<c10d::PrefixStore>("ferkit", tcp);
  auto pg_store = c10::make_intrusive<c10d::PrefixStore>("pg", tcp);
  try {
    if (device.rfind("cuda", 0) == 0) {
#ifdef FERKIT_HAVE_NCCL
      auto opts = c10d::ProcessGroupNCCL::Options::create();
      opts->timeout = to_ms(o.timeout_s);
      s->pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(pg_store, o.rank, o.world_size, opts);
#else
      throw Error(where, "a build with NCCL (-DFERKIT_CUDA=ON against a CUDA LibTorch) for device " + device,
                  "a CPU-only build");
#endif
    } else {
      auto opts = c10d::ProcessGroupGloo::Options::create(to_ms(o.timeout_s));
      // GLOO_SOCKET_IFNAME picks the interface as in torch; loopback runs stay on loopback.
      if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
        opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      else if (is_loopback(o.master_addr))
        opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      opts->threads = 1;  // one collective at a time: the trainer waits on each
      s->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(pg_store, o.rank, o.world_size, opts);
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(where, "a process group on device " + device, first_line(e.what()));
  }
  return std::unique_ptr<DataParallelGroup>(new DataParallelGroup(std::move(s)));
}

int DataParallelGroup::rank() const { return state_->options.rank; }
int DataParallelGroup::world_size() const { return state_->options.world_size; }
const DistributedOptions& DataParallelGroup::options() const { return state_->options; }

void DataParallelGroup::broadcast_from_root(const std::vector<at::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  state_->bucketed(tensors, "broadcast from rank 0", [&](std::vector<at::Tensor>& flat) {
    c10d::BroadcastOptions bo;
    bo.rootRank = 0;
    state_->pg->broadcast(flat, bo)->wait();
  });
}

void DataParallelGroup::average_gradients(const std::vector<at::Tensor>& params, double share) {
  torch::NoGradGuard no_grad;
  std::vector<at::Tensor> grads;
  grads.reserve(params.size());
  for (const auto& p : params) {
    at::Tensor param = p;  // grad() is a handle on the parameter's gradient
    if (!param.grad().defined()) param.mutable_grad() = torch::zeros_like(param);
    grads.push_back(param.grad());
  }
  const double w = static_cast<double>(world_size());
  const double scale = share * w;
  state_->bucketed(grads, "gradient all-reduce", [&](std::vector<at::Tensor>& flat) {
    if (scale != 1.0) flat[0].mul_(scale);
    state_->pg->allreduce(flat)->wait();  // SUM
    flat[0].div_(w);
  });
}

void DataParallelGroup::all_reduce_sum(at::Tensor& t) {
  std::vector<at::Tensor> v{t};
  state_->guarded("all-reduce", [&] { state_->pg->allreduce(v)->wait(); });
}

void DataParallelGroup::barrier() {
  state_->guarded("barrier", [&] { state_->pg->barrier()->wait(); });
}

void DataParallelGroup::share_from_root(const std::string& key, std::string& bytes) {
  state_->guarded("sharing " + key + " from rank 0", [&] {
    if (is_root()) {
      state_->store->set("share/" + key, std::vector<uint8_t>(bytes.begin(), bytes.end()));
    } else {
      state_->store->wait({"share/" + key}, to_ms(state_->options.wait_timeout_s));
      auto v = state_->store->get("share/" + key);
      bytes.assign(v.begin(), v.end());
    }
  });
}

void DataParallelGroup::release(const std::string& tag) {
  state_->guarded("releasing " + tag, [&] { state_->store->set("done/" + tag, std::vector<uint8_t>{1}); });
}

void DataParallelGroup::wait_for_root(const std::string& tag) {
  try {
    state_->store->wait({"done/" + tag}, to_ms(state_->options.wait_timeout_s));
  } catch (const std::exception& e) {
    throw Error("rank " + std::to_string(rank()) + ": waiting for rank 0 (" + tag + ")",
                "rank 0 to finish within wait_timeout_s = " + std::to_string(state_->options.wait_timeout_s) +
                    " s (did rank 0 die?)",
                first_line(e.what()));
  }
}

void exit_if_fault_injected(int rank, int64_t step) {
  static const int fault_rank = env_int("FERKIT_FAULT_EXIT_RANK", -1);
  static const int fault_step = env_int("FERKIT_FAULT_EXIT_STEP", -1);
  if (fault_rank == rank && fault_step == step) std::_Exit(3);
}

}  // namespace ferkit
