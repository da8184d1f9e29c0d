// The distributed sampler: every global batch is split into disjoint rank parts that together are
// exactly the batch an unsharded loader with world_size x batch_size yields (same samples, same
// augmented pixels), and the gradient buckets cover every tensor once, in order.
#include <torch/torch.h>

#include <set>

#include <gtest/gtest.h>

#include "ferkit/distributed.h"
#include "ferkit/error.h"
#include "ferkit/loader.h"
#include "loader/loader_fixtures.h"

namespace ferkit {
namespace {

TEST(ShardRange, PartsAreContiguousDisjointAndBalanced) {
  for (int w : {1, 2, 3, 5})
    for (int64_t n : {0, 1, 2, 7, 16, 17}) {
      int64_t expect_begin = 0;
      for (int r = 0; r < w; ++r) {
        ShardRange p = shard_range(n, r, w);
        EXPECT_EQ(p.begin, expect_begin) << n << " " << r << "/" << w;
        EXPECT_GE(p.size(), n / w);
        EXPECT_LE(p.size(), n / w + 1);
        expect_begin = p.end;
      }
      EXPECT_EQ(expect_begin, n);
    }
  // The documented split of a last short batch of 7 over 2 ranks: 3 + 4; 2 over 3 ranks: 0, 1, 1.
  EXPECT_EQ(shard_range(7, 0, 2).size(), 3);
  EXPECT_EQ(shard_range(7, 1, 2).size(), 4);
  EXPECT_EQ(shard_range(2, 0, 3).size(), 0);
  EXPECT_EQ(shard_range(2, 2, 3).size(), 1);
}

TEST(PlanBuckets, CoversEveryTensorOnceInOrderUnderTheCap) {
  const std::vector<int64_t> sizes = {40, 30, 100, 10, 10, 60, 5};
  auto b = plan_buckets(sizes, 70);
  // Hand-computed: [40 30] [100 (over the cap, alone)] [10 10] [60 5]
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0], (std::vector<size_t>{0, 1}));
  EXPECT_EQ(b[1], (std::vector<size_t>{2}));
  EXPECT_EQ(b[2], (std::vector<size_t>{3, 4}));
  EXPECT_EQ(b[3], (std::vector<size_t>{5, 6}));
  EXPECT_EQ(plan_buckets(sizes, 0).size(), sizes.size());  // cap 0: one tensor per bucket
  EXPECT_EQ(plan_buckets(sizes, 1 << 20).size(), 1u);
  EXPECT_TRUE(plan_buckets({}, 10).empty());
}

// The concatenation of the rank parts of each batch equals the unsharded loader's batch.
void expect_shards_rebuild_global_batches(const Dataset& d, int per_rank, int world, bool balanced) {
  LoaderOptions lo;
  lo.threads = 0;
  lo.seed = 7;
  lo.balanced = balanced;
  AugmentOptions aug;  // default augmentation: flips, affine jitter, brightness, contrast
  LoaderOptions global_lo = lo;
  global_lo.batch_size = per_rank * world;
  InputSpec in{32, 1, {0.5}, {0.25}};
  DataLoader global(d, in, global_lo, aug);
  lo.batch_size = per_rank;
  std::vector<std::unique_ptr<DataLoader>> ranks;
  for (int r = 0; r < world; ++r) {
    ranks.push_back(std::make_unique<DataLoader>(d, in, lo, aug));
    ranks.back()->shard(r, world);
    EXPECT_EQ(ranks.back()->batches_per_epoch(), global.batches_per_epoch());
  }
  for (int64_t epoch : {0, 3}) {
    global.set_epoch(epoch);
    for (auto& l : ranks) l->set_epoch(epoch);
    Batch g;
    int64_t batches = 0;
    while (global.next(g)) {
      std::vector<torch::Tensor> idx, img;
      for (int r = 0; r < world; ++r) {
        Batch p;
        ASSERT_TRUE(ranks[static_cast<size_t>(r)]->next(p));
        EXPECT_EQ(p.global_size, g.size());
        EXPECT_EQ(p.size(), shard_range(g.size(), r, world).size());
        idx.push_back(p.indices);
        img.push_back(p.images);
      }
      EXPECT_TRUE(torch::equal(torch::cat(idx), g.indices)) << "epoch " << epoch << " batch " << batches;
      EXPECT_TRUE(torch::equal(torch::cat(img), g.images)) << "epoch " << epoch << " batch " << batches;
      ++batches;
    }
    EXPECT_EQ(batches, global.batches_per_epoch());
    for (auto& l : ranks) {
      Batch extra;
      EXPECT_FALSE(l->next(extra));
    }
  }
}

TEST(ShardedLoader, PartsRebuildTheGlobalBatchesWithoutOverlapOrLoss) {
  test::TempDir dir("shard");
  Dataset d = test::png_dataset(dir, 23);
  // 23 samples, global batch 8: 8, 8, 7 (the last split 3 + 4).
  expect_shards_rebuild_global_batches(d, 4, 2, false);
  // 3 ranks of 3: global batches 9, 9, 5 (split 1, 2, 2).
  expect_shards_rebuild_global_batches(d, 3, 3, false);
  // Class-balanced sampling draws global batches too.
  expect_shards_rebuild_global_batches(d, 4, 2, true);
}

TEST(ShardedLoader, EveryEpochSampleIsSeenByExactlyOneRank) {
  test::TempDir dir("shard_once");
  Dataset d = test::png_dataset(dir, 11);
  LoaderOptions lo;
  lo.threads = 1;
  lo.batch_size = 2;
  std::multiset<int64_t> seen;
  for (int r = 0; r < 3; ++r) {
    DataLoader l(d, InputSpec{16, 1, {0.5}, {0.25}}, lo);
    l.shard(r, 3);
    l.set_epoch(1);
    Batch b;
    while (l.next(b))
      for (int64_t i = 0; i < b.size(); ++i) seen.insert(b.indices[i].item<int64_t>());
  }
  ASSERT_EQ(seen.size(), 11u);
  for (int64_t i = 0; i < 11; ++i) EXPECT_EQ(seen.count(i), 1u) << i;
}

TEST(ShardedLoader, RejectsABadShardNamingIt) {
  test::TempDir dir("shard_bad");
  Dataset d = test::png_dataset(dir, 4);
  DataLoader l(d, InputSpec{16, 1, {0.5}, {0.25}}, LoaderOptions{});
  try {
    l.shard(2, 2);
    FAIL() << "rank 2 of 2 must be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("rank 2 of 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
