// Data-parallel training across processes and machines on torch's c10d engine: Gloo on CPU,
// NCCL in CUDA builds (-DFERKIT_CUDA=ON), rendezvous through c10d::TCPStore.
//
//   // every rank (`ferkit train --nproc 2` sets these for its children; torchrun's names)
//   ferkit::DistributedOptions d = ferkit::distributed_from_env();   // MASTER_ADDR MASTER_PORT RANK ...
//   auto group = ferkit::DataParallelGroup::connect(d);              // blocks until all ranks joined
//   group->broadcast_from_root(tensors);          // parameters and buffers of rank 0 everywhere
//   loss.backward();
//   group->average_gradients(params, share);      // bucketed all-reduce, share = my samples / global batch
//
//   // the launcher (the parent of N local ranks)
//   ferkit::launch_local_ranks("/proc/self/exe", {"train", "--config", "r.toml"}, 2, d);
//
// Contract:
// - Every collective is called in the same order on every rank. A collective that cannot finish
//   (a peer died, the network broke) throws ferkit::Error naming this rank and the operation
//   within DistributedOptions::timeout_s; a dead peer usually fails it at once (closed socket).
// - average_gradients flattens the gradients into buckets of about bucket_mb in parameter order
//   (the same on every rank), multiplies each rank's gradients by share * world_size, all-reduces
//   SUM and divides by world_size: the result is the gradient of the mean loss over the global
//   batch, even when the ranks hold unequal parts of the last short batch.
// - launch_local_ranks starts N children with MASTER_ADDR/MASTER_PORT/RANK/WORLD_SIZE/LOCAL_RANK
//   set, waits, and as soon as one fails kills the others (SIGTERM, then SIGKILL after
//   kill_grace_s) and throws an Error naming the rank and its exit status or signal.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace at { class Tensor; }

namespace ferkit {

struct DistributedOptions {
  std::string master_addr = "127.0.0.1";  // host of rank 0's TCPStore (MASTER_ADDR)
  int master_port = 29500;                // its port (MASTER_PORT; 0 = a free port, launcher only)
  int rank = 0;                           // this process, 0 .. world_size - 1 (RANK)
  int world_size = 1;                     // number of processes (WORLD_SIZE)
  int local_rank = 0;                     // rank on this machine, picks cuda:local_rank (LOCAL_RANK)
  double timeout_s = 120;                 // longest a collective or the rendezvous may wait
  double wait_timeout_s = 3600;           // longest other ranks wait for rank 0's validation and checkpoints
  double bucket_mb = 25;                  // gradient bucket size in MB (0 = one all-reduce per tensor)
  double kill_grace_s = 5;                // launcher: SIGTERM to SIGKILL delay for the surviving ranks
  template <class V>
  void visit(V& v) {
    v("master_addr", master_addr, "host of rank 0's TCPStore (MASTER_ADDR)");
    v("master_port", master_port, "its port (MASTER_PORT)");
    v("rank", rank, "this process (RANK)");
    v("world_size", world_size, "number of processes (WORLD_SIZE)");
    v("local_rank", local_rank, "rank on this machine (LOCAL_RANK)");
    v("timeout_s", timeout_s, "longest a collective or the rendezvous may wait");
    v("wait_timeout_s", wait_timeout_s, "longest other ranks wait for rank 0's validation and checkpoints");
    v("bucket_mb", bucket_mb, "gradient bucket size in MB (0 = one all-reduce per tensor)");
    v("kill_grace_s", kill_grace_s, "launcher: SIGTERM to SIGKILL delay");
  }
  bool enabled() const { return world_size > 1; }
};

// base with MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE and LOCAL_RANK from the environment where
// set (an unparsable value is an Error naming the variable), then validated.
DistributedOptions distributed_from_env(DistributedOptions base = {});
// Error naming the field unless 0 <= rank < world_size, 0 <= port < 65536, timeouts > 0.
void validate(const DistributedOptions& o);

// Gradient buckets: consecutive tensors, in the given order, grouped until a bucket would exceed
// cap_bytes (a tensor larger than the cap gets a bucket of its own; cap 0 = one tensor each).
// Entries are indices into sizes_bytes; every index appears exactly once, in order.
std::vector<std::vector<size_t>> plan_buckets(const std::vector<int64_t>& sizes_bytes, int64_t cap_bytes);

// The part [begin, end) of an n-sample global batch that rank r of w holds: contiguous parts,
// begin = floor(r * n / w), so part sizes differ by at most one (a rank may get 0 when n < w).
struct ShardRange {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};
ShardRange shard_range(int64_t n, int rank, int world_size);

class DataParallelGroup {
 public:
  // Rendezvous: rank 0 hosts the TCPStore, every rank joins the Gloo (device "cpu") or NCCL
  // ("cuda[:N]", CUDA builds only) process group. Throws an Error naming the address on failure.
  static std::unique_ptr<DataParallelGroup> connect(const DistributedOptions& o, const std::string& device = "cpu");
  ~DataParallelGroup();
  DataParallelGroup(const DataParallelGroup&) = delete;
  DataParallelGroup& operator=(const DataParallelGroup&) = delete;

  int rank() const;
  int world_size() const;
  bool is_root() const { return rank() == 0; }
  const DistributedOptions& options() const;

  // Overwrites the tensors in place with rank 0's values (bucketed like the gradients).
  void broadcast_from_root(const std::vector<at::Tensor>& tensors);
  // See the contract above. Parameters without a gradient get one (zeros before the reduction).
  void average_gradients(const std::vector<at::Tensor>& params, double share);
  // In-place SUM over the ranks.
  void all_reduce_sum(at::Tensor& t);
  void barrier();
  // Bytes from rank 0 (its `bytes` argument) to every rank, through the store.
  void share_from_root(const std::string& key, std::string& bytes);
  // Rank 0 calls release(tag) when done; the others block in wait_for_root(tag) up to wait_timeout_s.
  void release(const std::string& tag);
  void wait_for_root(const std::string& tag);

 private:
  struct State;
  explicit DataParallelGroup(std::unique_ptr<State> s);
  std::unique_ptr<State> state_;
};

// Fault injection for tests and drills: when FERKIT_FAULT_EXIT_RANK equals rank and
// FERKIT_FAULT_EXIT_STEP equals step, the process exits at once with status 3 (no clean-up,
// like a crash).
void exit_if_fault_injected(int rank, int64_t step);

// Starts nproc local ranks of `program args...` (master_port 0 picks a free port), supervises
// them and returns 0 when all exit with 0. A failure stops the rest and throws (see above).
// A loopback port the kernel considers free right now (bound to port 0, then released); the
// launcher's default rendezvous port, and what tests and benchmarks use for theirs.
int free_local_port();

int launch_local_ranks(const std::string& program, const std::vector<std::string>& args, int nproc,
                       const DistributedOptions& base);

}  // namespace ferkit
