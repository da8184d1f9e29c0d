#include <torch/torch.h>

#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"

namespace ferkit {
namespace {

TEST(ArcFace, MarginMovesOnlyTheTrueClassAngle) {
  const double s = 30.0, m = 0.35;
  // cos values 0.5 (true class 0) and 0.2 (class 1).
  auto z = torch::tensor({{0.5 * s, 0.2 * s}}, torch::kFloat64);
  auto y = torch::tensor({0}, torch::kLong);
  auto a = arcface_logits(z, y, s, m);
  EXPECT_NEAR(a[0][0].item<double>(), s * std::cos(std::acos(0.5) + m), 1e-9);
  EXPECT_NEAR(a[0][1].item<double>(), 0.2 * s, 1e-9);
  // Zero margin gives the cosine logits back.
  EXPECT_TRUE(torch::allclose(arcface_logits(z, y, s, 0.0), z, 1e-9, 1e-9));
  // Past pi - m the fallback keeps the logit monotone (cos(theta) - m sin(m)).
  auto far = torch::tensor({{-0.99 * s, 0.0}}, torch::kFloat64);
  EXPECT_NEAR(arcface_logits(far, y, s, m)[0][0].item<double>(), s * (-0.99 - std::sin(M_PI - m) * m), 1e-9);
}

TEST(ArcFace, ScheduleWarmupThenLinearRampAtItsEdges) {
  EXPECT_EQ(arcface_margin_at(0.0, 0.35, 5, 5, 15), 0.0);
  EXPECT_EQ(arcface_margin_at(4.99, 0.35, 5, 5, 15), 0.0);   // still warm-up
  EXPECT_NEAR(arcface_margin_at(5.0, 0.35, 5, 5, 15), 0.0, 1e-12);
  EXPECT_NEAR(arcface_margin_at(10.0, 0.35, 5, 5, 15), 0.175, 1e-12);
  EXPECT_NEAR(arcface_margin_at(15.0, 0.35, 5, 5, 15), 0.35, 1e-12);
  EXPECT_NEAR(arcface_margin_at(40.0, 0.35, 5, 5, 15), 0.35, 1e-12);
}

TEST(ArcFace, TermNeedsACosineHeadAndIsPlainCeDuringWarmup) {
  LossSetup linear;
  EXPECT_THROW(build_loss(nlohmann::json::array({{{"name", "arcface"}}}), linear), Error);
  LossSetup cosine;
  cosine.head = "cosine";
  cosine.cosine_scale = 30.0;
  auto loss = build_loss(nlohmann::json::array({{{"name", "arcface"}, {"warmup_epochs", 2}, {"margin_start", 2},
                                                 {"margin_end", 4}}}), cosine);
  LossBatch b;
  b.student.logits = torch::tensor({{15.0, 6.0, -3.0}, {0.0, 12.0, 3.0}});
  b.labels = torch::tensor({0, 1}, torch::kLong);
  b.epoch = 1;  // warm-up: cross-entropy on the plain logits
  auto ce = soft_cross_entropy(b.student.logits, torch::one_hot(b.labels, 3).to(torch::kFloat32));
  EXPECT_NEAR(loss.forward(b)[0].second.item<float>(), ce.item<float>(), 1e-5);
  b.epoch = 4;  // full margin: larger loss than plain CE
  EXPECT_GT(loss.forward(b)[0].second.item<float>(), ce.item<float>());
}

}  // namespace
}  // namespace ferkit
