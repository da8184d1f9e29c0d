#include "ferkit/mixing.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ferkit/taxonomy.h"

namespace ferkit {
namespace {

// B images of h x w whose pixels all equal (row index + 1), one-hot targets on class i % 8.
Batch constant_batch(int64_t b, int64_t h, int64_t w) {
  Batch batch;
  batch.images = torch::arange(1, b + 1, torch::kFloat32).view({b, 1, 1, 1}).expand({b, 1, h, w}).contiguous();
  batch.targets = torch::zeros({b, kNumClasses});
  for (int64_t i = 0; i < b; ++i) batch.targets[i][i % kNumClasses] = 1.0f;
  batch.labels = torch::arange(b, torch::kLong).remainder(kNumClasses);
  batch.indices = torch::arange(100, 100 + b, torch::kLong);
  batch.votes = batch.targets.mul(10.0);
  batch.mix_lambda = torch::ones({b});
  batch.mix_partner = torch::arange(b, torch::kLong);
  return batch;
}

TEST(Mixing, MixupIsTheStatedConvexCombination) {
  torch::set_num_threads(1);
  Batch b = constant_batch(4, 6, 5);
  torch::Tensor partner = torch::tensor({1, 2, 3, 0}, torch::kLong);
  mixup(b, 0.3, partner);
  for (int64_t i = 0; i < 4; ++i) {
    const int64_t p = partner[i].item<int64_t>();
    const float expected = 0.3f * (i + 1) + 0.7f * (p + 1);
    EXPECT_TRUE(torch::allclose(b.images[i], torch::full({1, 6, 5}, expected), 1e-6, 1e-6)) << i;
    EXPECT_NEAR(b.targets[i][i].item<float>(), 0.3f, 1e-6);
    EXPECT_NEAR(b.targets[i][p].item<float>(), 0.7f, 1e-6);
    EXPECT_NEAR(b.targets[i].sum().item<float>(), 1.0f, 1e-6);
    EXPECT_NEAR(b.votes[i][p].item<float>(), 7.0f, 1e-5);  // votes mixed like targets
    EXPECT_FLOAT_EQ(b.mix_lambda[i].item<float>(), 0.3f);
    EXPECT_EQ(b.mix_partner[i].item<int64_t>(), p);
  }
  EXPECT_TRUE(torch::equal(b.labels, torch::arange(4, torch::kLong)));  // never mixed
}

TEST(Mixing, CutmixLambdaIsTheShareOfOwnPixels) {
  Batch b = constant_batch(3, 10, 12);
  torch::Tensor partner = torch::tensor({2, 0, 1}, torch::kLong);
  CutBox box{2, 3, 8, 7};  // 6 x 4 = 24 of 120 pixels
  cutmix(b, box, partner);
  const double lambda = 1.0 - 24.0 / 120.0;
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t p = partner[i].item<int64_t>();
    const int64_t from_partner = b.images[i].eq(static_cast<float>(p + 1)).sum().item<int64_t>();
    const int64_t own = b.images[i].eq(static_cast<float>(i + 1)).sum().item<int64_t>();
    EXPECT_EQ(from_partner, 24);
    EXPECT_EQ(own, 96);
    EXPECT_EQ(b.images[i][0][4][5].item<float>(), static_cast<float>(p + 1));  // inside the box
    EXPECT_NEAR(b.targets[i][i].item<float>(), lambda, 1e-6);
    EXPECT_NEAR(b.targets[i][p].item<float>(), 1.0 - lambda, 1e-6);
    EXPECT_NEAR(b.mix_lambda[i].item<float>(), lambda, 1e-6);
  }
}

TEST(Mixing, MixBatchTargetsMatchPixelProportions) {
  torch::set_num_threads(1);
  AugmentOptions cut;
  cut.mixup_p = 0.0;
  cut.cutmix_p = 1.0;
  cut.cutmix_alpha = 1.0;
  AugmentOptions mix;
  mix.mixup_p = 1.0;
  mix.mixup_alpha = 0.4;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    {
      Batch b = constant_batch(8, 12, 16);
      AugmentRng rng(seed);
      ASSERT_EQ(mix_batch(b, cut, rng), MixKind::kCutmix);
      for (int64_t i = 0; i < 8; ++i) {
        const int64_t p = b.mix_partner[i].item<int64_t>();
        const double lambda = b.mix_lambda[i].item<float>();
        EXPECT_NEAR(b.targets[i].sum().item<float>(), 1.0, 1e-6);
        EXPECT_GE(b.targets[i].min().item<float>(), 0.0f);
        if (p == i) continue;  // mixed with itself: pixels cannot tell
        const double partner_share = b.images[i].eq(static_cast<float>(p + 1)).sum().item<int64_t>() / (12.0 * 16.0);
        EXPECT_NEAR(partner_share, 1.0 - lambda, 1e-6) << "seed " << seed;
        EXPECT_NEAR(b.targets[i][i % 8].item<float>(), lambda, 1e-6);
      }
    }
    {
      Batch b = constant_batch(8, 4, 4);
      AugmentRng rng(seed);
      ASSERT_EQ(mix_batch(b, mix, rng), MixKind::kMixup);
      for (int64_t i = 0; i < 8; ++i) {
        const int64_t p = b.mix_partner[i].item<int64_t>();
        const double lambda = b.mix_lambda[i].item<float>();
        EXPECT_GE(lambda, 0.0);
        EXPECT_LE(lambda, 1.0);
        EXPECT_NEAR(b.images[i][0][1][2].item<float>(), lambda * (i + 1) + (1 - lambda) * (p + 1), 1e-5);
        EXPECT_NEAR(b.targets[i].sum().item<float>(), 1.0, 1e-6);
      }
    }
  }
}

TEST(Mixing, NoMixingWhenProbabilitiesAreZero) {
  Batch b = constant_batch(4, 3, 3);
  Batch before = constant_batch(4, 3, 3);
  AugmentOptions none;
  AugmentRng rng(1);
  EXPECT_EQ(mix_batch(b, none, rng), MixKind::kNone);
  EXPECT_TRUE(torch::equal(b.images, before.images));
  EXPECT_TRUE(torch::equal(b.targets, before.targets));
}

TEST(Mixing, CutmixBoxHasTheDrawnArea) {
  AugmentRng rng(4);
  for (int i = 0; i < 200; ++i) {
    const double lambda = 0.25;
    CutBox box = cutmix_box(40, 40, lambda, rng);
    EXPECT_GE(box.x0, 0);
    EXPECT_LE(box.x1, 40);
    // Sides round(sqrt(0.75) * 40) = 35 before clipping; a centre in the corner keeps 18.
    EXPECT_LE(box.area(), 35 * 35);
    EXPECT_GE(box.area(), 18 * 18);
  }
  EXPECT_EQ(cutmix_box(10, 10, 1.0, rng).area(), 0);  // lambda 1: nothing is pasted
}

TEST(Mixing, BetaDrawsHaveTheBetaMoments) {
  // Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1)).
  for (double alpha : {0.2, 1.0, 4.0}) {
    AugmentRng rng(99);
    const int n = 20000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const double x = sample_beta(alpha, rng);
      ASSERT_GE(x, 0.0);
      ASSERT_LE(x, 1.0);
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    EXPECT_NEAR(mean, 0.5, 0.01) << alpha;
    EXPECT_NEAR(var, 1.0 / (4.0 * (2.0 * alpha + 1.0)), 0.01) << alpha;
  }
}

}  // namespace
}  // namespace ferkit
