// GradScaler on CPU with fake overflows: the rules of torch.cuda.amp.GradScaler, by hand.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/grad_scaler.h"

namespace ferkit {
namespace {

struct Fixture {
  torch::Tensor w = torch::tensor({1.0f, 2.0f}).requires_grad_();
  torch::optim::SGD opt{std::vector<torch::Tensor>{w}, torch::optim::SGDOptions(0.5)};
  // Backward of scaler.scale(sum(w * c)): the true gradient is c.
  void backward(GradScaler& s, torch::Tensor c) {
    opt.zero_grad();
    s.scale((w * c).sum()).backward();
  }
};

TEST(GradScaler, ScalesUnscalesAndStepsWithTheTrueGradient) {
  torch::set_num_threads(1);
  Fixture f;
  GradScaler s(GradScalerOptions{true, 8.0, 2.0, 0.5, 3, 1.0});
  f.backward(s, torch::tensor({1.0f, -2.0f}));
  EXPECT_TRUE(torch::allclose(f.w.grad(), torch::tensor({8.0f, -16.0f})));  // scaled by 8
  EXPECT_TRUE(s.unscale({f.w}));
  EXPECT_TRUE(torch::allclose(f.w.grad(), torch::tensor({1.0f, -2.0f})));
  EXPECT_TRUE(s.step(f.opt, {f.w}));  // unscale is not applied twice
  EXPECT_TRUE(torch::allclose(f.w.detach(), torch::tensor({0.5f, 3.0f})));  // w - 0.5 * g
  s.update();
  EXPECT_EQ(s.current_scale(), 8.0);
  EXPECT_EQ(s.growth_tracker(), 1);
}

TEST(GradScaler, SkipsTheStepOnInfOrNanAndBacksOff) {
  Fixture f;
  GradScaler s(GradScalerOptions{true, 8.0, 2.0, 0.5, 3, 1.0});
  for (float bad : {std::numeric_limits<float>::infinity(), std::nanf("")}) {
    const auto before = f.w.detach().clone();
    f.backward(s, torch::tensor({1.0f, bad}));
    EXPECT_FALSE(s.step(f.opt, {f.w}));
    EXPECT_TRUE(torch::equal(f.w.detach(), before)) << "a step with a non-finite gradient must be skipped";
    s.update();
  }
  EXPECT_EQ(s.current_scale(), 2.0);  // 8 * 0.5 * 0.5
  EXPECT_EQ(s.skipped_steps(), 2);
  EXPECT_EQ(s.growth_tracker(), 0);
}

TEST(GradScaler, GrowsAfterGrowthIntervalCleanStepsAndNeverFallsBelowTheFloor) {
  Fixture f;
  GradScaler s(GradScalerOptions{true, 4.0, 2.0, 0.5, 3, 1.0});
  for (int i = 0; i < 3; ++i) {
    f.backward(s, torch::tensor({0.1f, 0.1f}));
    EXPECT_TRUE(s.step(f.opt, {f.w}));
    s.update();
  }
  EXPECT_EQ(s.current_scale(), 8.0);  // grown once after 3 clean steps
  EXPECT_EQ(s.growth_tracker(), 0);
  for (int i = 0; i < 5; ++i) {  // 8 -> 4 -> 2 -> 1 -> 1 -> 1
    f.backward(s, torch::tensor({std::numeric_limits<float>::infinity(), 0.0f}));
    s.step(f.opt, {f.w});
    s.update();
  }
  EXPECT_EQ(s.current_scale(), 1.0);
  // An overflow in the middle of a clean run restarts the count.
  GradScaler t(GradScalerOptions{true, 4.0, 2.0, 0.5, 3, 1.0});
  for (float g : {0.1f, 0.1f, std::numeric_limits<float>::infinity(), 0.1f, 0.1f}) {
    f.backward(t, torch::tensor({g, 0.0f}));
    t.step(f.opt, {f.w});
    t.update();
  }
  EXPECT_EQ(t.current_scale(), 2.0);
  EXPECT_EQ(t.growth_tracker(), 2);
}

TEST(GradScaler, DisabledIsTheIdentityAndBadOptionsAreNamed) {
  Fixture f;
  GradScalerOptions off;
  off.enabled = false;
  GradScaler s(off);
  f.backward(s, torch::tensor({3.0f, 4.0f}));
  EXPECT_TRUE(torch::allclose(f.w.grad(), torch::tensor({3.0f, 4.0f})));
  EXPECT_TRUE(s.step(f.opt, {f.w}));
  GradScalerOptions bad;
  bad.backoff_factor = 1.5;
  try {
    GradScaler g(bad);
    FAIL() << "backoff_factor 1.5 must be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("backoff_factor"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
