#include "ferkit/balanced_sampler.h"

#include <set>

#include <gtest/gtest.h>

#include "ferkit/error.h"

namespace ferkit {
namespace {

// 500 neutral, 50 happiness, 3 sadness, 1 contempt: as skewed as FERPlus.
std::vector<int> skewed_labels() {
  std::vector<int> labels;
  labels.insert(labels.end(), 500, kNeutral);
  labels.insert(labels.end(), 50, kHappiness);
  labels.insert(labels.end(), 3, kSadness);
  labels.insert(labels.end(), 1, kContempt);
  return labels;
}

TEST(BalancedSampler, EveryBatchHoldsTwoOfEachPresentClass) {
  const auto labels = skewed_labels();
  ClassBalancedSampler sampler(labels);
  EXPECT_EQ(sampler.present_classes(), (std::vector<int>{kNeutral, kHappiness, kSadness, kContempt}));
  ASSERT_TRUE(sampler.guarantees_two_per_class(8));
  EXPECT_FALSE(sampler.guarantees_two_per_class(7));
  for (int batch_size : {8, 13, 32}) {
    AugmentRng rng(static_cast<uint64_t>(batch_size));
    auto batches = sampler.epoch(300, batch_size, rng);
    ASSERT_EQ(batches.size(), 300u);
    for (size_t b = 0; b < batches.size(); ++b) {
      ASSERT_EQ(batches[b].size(), static_cast<size_t>(batch_size));
      std::array<int, kNumClasses> count{};
      for (int64_t i : batches[b]) {
        ASSERT_GE(i, 0);
        ASSERT_LT(i, static_cast<int64_t>(labels.size()));
        ++count[labels[static_cast<size_t>(i)]];
      }
      for (int c : sampler.present_classes()) ASSERT_GE(count[c], 2) << "batch " << b << ", class " << c;
      EXPECT_EQ(count[kAnger], 0);  // absent classes never appear
    }
  }
}

TEST(BalancedSampler, DrawsAreBalancedAcrossClasses) {
  const auto labels = skewed_labels();
  ClassBalancedSampler sampler(labels);
  AugmentRng rng(1);
  auto batches = sampler.epoch(200, 16, rng);
  std::array<int, kNumClasses> count{};
  std::set<int64_t> happiness_seen;
  for (const auto& batch : batches)
    for (int64_t i : batch) {
      ++count[labels[static_cast<size_t>(i)]];
      if (labels[static_cast<size_t>(i)] == kHappiness) happiness_seen.insert(i);
    }
  // 3200 draws over 4 classes: 800 each expected; 8 free slots per batch are multinomial
  // (sd ~17 per class), so +-80 is a 5-sigma band.
  for (int c : sampler.present_classes()) EXPECT_NEAR(count[c], 800, 80) << "class " << c;
  EXPECT_EQ(happiness_seen.size(), 50u);  // a shuffled cycle visits every member before repeats

  const auto w = sampler.sample_weights();
  double total = 0;
  for (double x : w) total += x;
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_NEAR(w[0], 0.25 / 500, 1e-15);     // neutral
  EXPECT_NEAR(w[553], 0.25 / 1, 1e-15);     // the one contempt sample
}

TEST(BalancedSampler, SmallBatchesFallBackToWeightedDraws) {
  ClassBalancedSampler sampler(skewed_labels());
  AugmentRng rng(2);
  auto batches = sampler.epoch(10, 3, rng);
  for (const auto& b : batches) EXPECT_EQ(b.size(), 3u);
}

TEST(BalancedSampler, SameGeneratorSameEpoch) {
  ClassBalancedSampler sampler(skewed_labels());
  AugmentRng a(5), b(5), c(6);
  EXPECT_EQ(sampler.epoch(20, 16, a), sampler.epoch(20, 16, b));
  EXPECT_NE(sampler.epoch(20, 16, a), sampler.epoch(20, 16, c));
}

TEST(BalancedSampler, RejectsBadLabels) {
  try {
    ClassBalancedSampler sampler({0, 1, 9});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sample 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ClassBalancedSampler(std::vector<int>{}), Error);
}

}  // namespace
}  // namespace ferkit
