// DataParallelGroup on Gloo over loopback, two ranks as two threads of this process (each with
// its own TCPStore client and process group, exactly as two processes would have).
#include <torch/torch.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "ferkit/distributed.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

// Runs body(rank, group) on `world` threads; rethrows the first failure.
void run_ranks(int world, const std::function<void(int, DataParallelGroup&)>& body, double bucket_mb = 25) {
  const int port = free_local_port();
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(static_cast<size_t>(world));
  for (int r = 0; r < world; ++r)
    threads.emplace_back([&, r] {
      try {
        DistributedOptions o;
        o.master_port = port;
        o.rank = r;
        o.world_size = world;
        o.timeout_s = 20;
        o.bucket_mb = bucket_mb;
        auto g = DataParallelGroup::connect(o);
        body(r, *g);
      } catch (...) {
        errors[static_cast<size_t>(r)] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

class ProcessGroupTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::set_num_threads(1); }
};

TEST_F(ProcessGroupTest, AverageGradientsIsTheGradientOfTheGlobalMeanLoss) {
  // A global batch of 5 rows split 2 + 3; loss = mean over the global batch of (x . w)^2.
  torch::manual_seed(0);
  const torch::Tensor x = torch::randn({5, 6}, torch::kFloat64);
  torch::Tensor w0 = torch::randn({6}, torch::kFloat64);
  torch::Tensor b0 = torch::randn({2, 3}, torch::kFloat64);
  // Reference: autograd on the whole batch in one process.
  auto w = w0.clone().requires_grad_(), b = b0.clone().requires_grad_();
  ((x.matmul(w) + b.sum()).pow(2).mean()).backward();
  for (double mb : {25.0, 0.0, 1e-5}) {  // one bucket, one per tensor, tiny buckets
    std::vector<torch::Tensor> gw(2), gb(2);
    run_ranks(
        2,
        [&](int r, DataParallelGroup& g) {
          const ShardRange part = shard_range(5, r, 2);
          auto wr = w0.clone().requires_grad_(), br = b0.clone().requires_grad_();
          auto xr = x.narrow(0, part.begin, part.size());
          ((xr.matmul(wr) + br.sum()).pow(2).mean()).backward();
          g.average_gradients({wr, br}, static_cast<double>(part.size()) / 5.0);
          gw[static_cast<size_t>(r)] = wr.grad();
          gb[static_cast<size_t>(r)] = br.grad();
        },
        mb);
    for (int r = 0; r < 2; ++r) {
      EXPECT_TRUE(torch::allclose(gw[static_cast<size_t>(r)], w.grad(), 1e-12, 1e-12)) << "bucket_mb " << mb;
      EXPECT_TRUE(torch::allclose(gb[static_cast<size_t>(r)], b.grad(), 1e-12, 1e-12)) << "bucket_mb " << mb;
    }
  }
}

TEST_F(ProcessGroupTest, ARankWithoutSamplesContributesZeroAndMissingGradientsAreFilled) {
  std::vector<torch::Tensor> out(2);
  run_ranks(2, [&](int r, DataParallelGroup& g) {
    auto p = torch::zeros({3}, torch::kFloat32).requires_grad_();
    if (r == 0) p.mutable_grad() = torch::tensor({2.f, 4.f, 6.f});
    g.average_gradients({p}, r == 0 ? 1.0 : 0.0);  // rank 0 holds the whole batch
    out[static_cast<size_t>(r)] = p.grad();
  });
  for (auto& t : out) EXPECT_TRUE(torch::equal(t, torch::tensor({2.f, 4.f, 6.f})));
}

TEST_F(ProcessGroupTest, BroadcastSharesAndStoreCarriesRankZeroState) {
  std::vector<torch::Tensor> a(3), b(3);
  std::vector<std::string> bytes(3);
  run_ranks(3, [&](int r, DataParallelGroup& g) {
    EXPECT_EQ(g.world_size(), 3);
    auto x = torch::full({4}, static_cast<float>(r + 1));
    auto y = torch::full({2, 2}, static_cast<double>(10 * r));  // another dtype: its own bucket
    g.broadcast_from_root({x, y});
    std::string s = r == 0 ? std::string("state\0bytes", 11) : "";
    g.share_from_root("blob", s);
    if (r == 0) g.release("epoch 1");
    else g.wait_for_root("epoch 1");
    auto sum = torch::tensor({static_cast<double>(r)});
    g.all_reduce_sum(sum);
    EXPECT_EQ(sum.item<double>(), 3.0);  // 0 + 1 + 2
    a[static_cast<size_t>(r)] = x;
    b[static_cast<size_t>(r)] = y;
    bytes[static_cast<size_t>(r)] = s;
  });
  for (int r = 0; r < 3; ++r) {
    EXPECT_TRUE(torch::equal(a[static_cast<size_t>(r)], torch::full({4}, 1.f)));
    EXPECT_TRUE(torch::equal(b[static_cast<size_t>(r)], torch::zeros({2, 2}, torch::kFloat64)));
    EXPECT_EQ(bytes[static_cast<size_t>(r)], std::string("state\0bytes", 11));
  }
}

TEST(DistributedOptions, ReadsTorchLauncherVariablesAndNamesBadOnes) {
  ::setenv("MASTER_ADDR", "10.1.2.3", 1);
  ::setenv("MASTER_PORT", "29611", 1);
  ::setenv("RANK", "1", 1);
  ::setenv("WORLD_SIZE", "4", 1);
  ::setenv("LOCAL_RANK", "1", 1);
  DistributedOptions o = distributed_from_env();
  EXPECT_EQ(o.master_addr, "10.1.2.3");
  EXPECT_EQ(o.master_port, 29611);
  EXPECT_EQ(o.rank, 1);
  EXPECT_EQ(o.world_size, 4);
  EXPECT_TRUE(o.enabled());
  ::setenv("RANK", "4", 1);
  try {
    distributed_from_env();
    FAIL() << "rank 4 of 4 must be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("RANK"), std::string::npos) << e.what();
  }
  ::setenv("RANK", "one", 1);
  try {
    distributed_from_env();
    FAIL() << "a non-numeric RANK must be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("RANK"), std::string::npos) << e.what();
  }
  for (const char* v : {"MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE", "LOCAL_RANK"}) ::unsetenv(v);
}

TEST(DataParallelGroup, RendezvousWithoutRankZeroFailsWithinTheTimeout) {
  DistributedOptions o;
  o.master_port = free_local_port();  // nobody listens there
  o.rank = 1;
  o.world_size = 2;
  o.timeout_s = 1.5;
  const auto start = std::chrono::steady_clock::now();
  try {
    DataParallelGroup::connect(o);
    FAIL() << "connect must fail without rank 0";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("rendezvous at 127.0.0.1:" + std::to_string(o.master_port)), std::string::npos)
        << e.what();
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 30.0);
}

}  // namespace
}  // namespace ferkit
