#include <torch/torch.h>

#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/lr_schedule.h"
#include "ferkit/weight_ema.h"

namespace ferkit {
namespace {

TEST(WeightEma, AveragesParametersAndFloatBuffersWithWarmupDecay) {
  torch::nn::BatchNorm1d bn(2);
  {
    torch::NoGradGuard g;
    bn->weight.fill_(1.0);
  }
  WeightEma ema(*bn, 0.9);
  double expected_w = 1.0, expected_mean = 0.0;
  for (int step = 0; step < 30; ++step) {
    torch::NoGradGuard g;
    bn->weight.fill_(static_cast<double>(step + 2));
    bn->running_mean.fill_(static_cast<double>(-step));
    const double d = std::min(0.9, (1.0 + step) / (10.0 + step));
    EXPECT_NEAR(ema.current_decay(), d, 1e-12);
    ema.update(*bn);
    expected_w = d * expected_w + (1 - d) * (step + 2);
    expected_mean = d * expected_mean + (1 - d) * (-step);
  }
  EXPECT_NEAR(ema.shadow().at("weight")[0].item<double>(), expected_w, 1e-4);
  EXPECT_NEAR(ema.shadow().at("running_mean")[1].item<double>(), expected_mean, 1e-4);
  EXPECT_EQ(ema.shadow().at("num_batches_tracked").item<int64_t>(), bn->num_batches_tracked.item<int64_t>());
  // swap_into twice restores the raw weights
  auto raw = bn->weight.clone();
  ema.swap_into(*bn);
  EXPECT_NEAR(bn->weight[0].item<double>(), expected_w, 1e-4);
  ema.swap_into(*bn);
  EXPECT_TRUE(torch::equal(bn->weight, raw));
  EXPECT_THROW(WeightEma(*bn, 1.0), Error);
}

TEST(LrSchedule, WarmupThenCosineToTheFloor) {
  ScheduleOptions o;
  o.lr = 1.0;
  o.warmup_epochs = 1;
  o.warmup_start = 0.1;
  o.min_lr_ratio = 0.0;
  LrSchedule s(o, 10, 3);  // 10 steps per epoch, 3 epochs
  EXPECT_NEAR(s.at(0), 0.1, 1e-12);
  EXPECT_NEAR(s.at(5), 0.1 + 0.9 * 0.5, 1e-12);
  EXPECT_NEAR(s.at(10), 1.0, 1e-12);          // end of warm-up: the peak
  EXPECT_NEAR(s.at(20), 0.5, 1e-12);          // half-way through the cosine
  EXPECT_NEAR(s.at(30), 0.0, 1e-12);
  o.kind = "constant";
  EXPECT_NEAR(LrSchedule(o, 10, 3).at(25), 1.0, 1e-12);
  o.kind = "step";
  EXPECT_THROW(LrSchedule(o, 10, 3), Error);
}

}  // namespace
}  // namespace ferkit
