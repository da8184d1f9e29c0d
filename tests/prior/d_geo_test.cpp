// D-Geo: variance cap and margin computed by hand on 2-D features, the cosine ramp at its edges,
// absent and single-sample classes (never NaN), finite gradients, and the recipe term.
#include <torch/torch.h>

#include <cmath>

#include <gtest/gtest.h>

#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/taxonomy.h"
#include "prior_fixtures.h"

namespace ferkit {
namespace {

// happiness: (1, 0), (0, 1) -> mu (0.5, 0.5), sigma2 = mean of 0.5 and 0.5 = 0.5
// neutral:   (-1, 0)        -> mu (-1, 0) (one sample: no variance)
// surprise:  (0, -1)        -> mu (0, -1) (one sample: no variance, though it is a capped class)
torch::Tensor features() { return torch::tensor({{1.0, 0.0}, {0.0, 1.0}, {-1.0, 0.0}, {0.0, -1.0}}, torch::kFloat64); }
torch::Tensor labels() { return torch::tensor({kHappiness, kHappiness, kNeutral, kSurprise}, torch::kLong); }

TEST(DGeo, HandComputedVarianceAndMargin) {
  DGeoParts p = d_geo_loss(features(), labels(), {kHappiness, kSurprise}, 0.3, 2.0);
  EXPECT_EQ(p.classes_present, 3);
  EXPECT_EQ(p.variance_classes_used, 1);
  EXPECT_NEAR(p.variance.item<double>(), 0.5 - 0.3, 1e-12);
  // Unordered pairs: |neutral - happiness| = sqrt(2.5), |neutral - surprise| = sqrt 2,
  // |happiness - surprise| = sqrt(0.25 + 2.25) = sqrt(2.5); each below m = 2 contributes 2 - d.
  const double margin = (2 - std::sqrt(2.5)) + (2 - std::sqrt(2.0)) + (2 - std::sqrt(2.5));
  EXPECT_NEAR(p.margin.item<double>(), margin, 1e-6);
  // A cap above the spread and a margin below every distance cost nothing.
  DGeoParts q = d_geo_loss(features(), labels(), {kHappiness, kSurprise}, 0.6, 1.0);
  EXPECT_EQ(q.variance.item<double>(), 0.0);
  EXPECT_EQ(q.margin.item<double>(), 0.0);
}

TEST(DGeo, AbsentAndSingleSampleClassesAreNeverNan) {
  auto f = torch::tensor({{0.6, 0.8}}, torch::kFloat64).requires_grad_(true);
  DGeoParts p = d_geo_loss(f, torch::tensor({kFear}, torch::kLong), {kHappiness, kSurprise}, 0.3, 1.0);
  EXPECT_EQ(p.classes_present, 1);
  EXPECT_EQ(p.variance.item<double>(), 0.0);
  EXPECT_EQ(p.margin.item<double>(), 0.0);
  (p.variance + p.margin).backward();
  EXPECT_TRUE(torch::isfinite(f.grad()).all().item<bool>());
  // Two classes with the same mean: the distance's gradient stays finite (sqrt(d^2 + 1e-12)).
  auto g = torch::tensor({{0.6, 0.8}, {0.6, 0.8}}, torch::kFloat64).requires_grad_(true);
  DGeoParts same = d_geo_loss(g, torch::tensor({kAnger, kSadness}, torch::kLong), {}, 0.3, 1.0);
  EXPECT_NEAR(same.margin.item<double>(), 1.0, 1e-5);
  same.margin.backward();
  EXPECT_TRUE(torch::isfinite(g.grad()).all().item<bool>());
  EXPECT_THROW(d_geo_loss(g, torch::tensor({0}, torch::kLong), {}, 0.3, 1.0), Error);  // label count
}

TEST(DGeo, RandomBatchesHaveFiniteGradients) {
  torch::manual_seed(9);
  for (int trial = 0; trial < 5; ++trial) {
    auto f = torch::nn::functional::normalize(torch::randn({12, 16}, torch::kFloat64),
                                              torch::nn::functional::NormalizeFuncOptions().dim(1))
                 .requires_grad_(true);
    auto y = torch::randint(0, 8, {12}, torch::kLong);
    DGeoParts p = d_geo_loss(f, y, {kHappiness, kSurprise}, 0.1, 1.5);
    (p.variance + p.margin).backward();
    EXPECT_TRUE(torch::isfinite(f.grad()).all().item<bool>()) << "trial " << trial;
  }
}

TEST(DGeo, CosineRampEdges) {
  EXPECT_EQ(d_geo_ramp(0, 20, 60), 0.0);
  EXPECT_EQ(d_geo_ramp(19.99, 20, 60), 0.0);
  EXPECT_EQ(d_geo_ramp(20, 20, 60), 0.0);
  EXPECT_NEAR(d_geo_ramp(20.4, 20, 60), 0.5 * (1 - std::cos(M_PI * 0.01)), 1e-15);
  EXPECT_NEAR(d_geo_ramp(30, 20, 60), 0.5 * (1 - std::cos(M_PI / 4)), 1e-15);
  EXPECT_NEAR(d_geo_ramp(40, 20, 60), 0.5, 1e-15);
  EXPECT_NEAR(d_geo_ramp(59.99, 20, 60), 1.0, 1e-6);
  EXPECT_EQ(d_geo_ramp(60, 20, 60), 1.0);
  EXPECT_EQ(d_geo_ramp(75, 20, 60), 1.0);
  EXPECT_EQ(d_geo_ramp(4.9, 5, 5), 0.0);  // end <= start: a step
  EXPECT_EQ(d_geo_ramp(5, 5, 5), 1.0);
}

TEST(DGeo, RecipeTermWeightsRampsAndNamesItsParts) {
  LossSetup setup;
  CompositeLoss loss = build_loss(nlohmann::json::parse(
                                      R"([{"name": "d_geo", "weight": 0.5, "alpha_var": 2, "alpha_margin": 3,
                                           "variance_max": 0.3, "margin": 2.0, "ramp_start": 20, "ramp_end": 60}])"),
                                  setup);
  LossBatch b;
  b.student.features = features();
  b.student.logits = torch::zeros({4, 8}, torch::kFloat64);
  b.labels = labels();
  b.epoch = 10;
  LossTerms before = loss.forward(b);
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[0].first, "d_geo_var");
  EXPECT_EQ(before[1].first, "d_geo_margin");
  EXPECT_EQ(before[0].second.item<double>(), 0.0);
  EXPECT_EQ(before[1].second.item<double>(), 0.0);
  b.epoch = 39;
  b.epoch_fraction = 0.5;  // progress 39.5: ramp 1/2 (1 - cos(pi 19.5 / 40))
  const double ramp = 0.5 * (1 - std::cos(M_PI * 19.5 / 40));
  LossTerms mid = loss.forward(b);
  const double margin = (2 - std::sqrt(2.5)) + (2 - std::sqrt(2.0)) + (2 - std::sqrt(2.5));
  EXPECT_NEAR(mid[0].second.item<double>(), 0.5 * ramp * 2 * 0.2, 1e-9);
  EXPECT_NEAR(mid[1].second.item<double>(), 0.5 * ramp * 3 * margin, 1e-6);
  std::string e = test::error_of(
      [&] { build_loss(nlohmann::json::parse(R"([{"name": "d_geo", "variance_classes": ["glee"]}])"), setup); });
  EXPECT_NE(e.find("glee"), std::string::npos) << e;
  e = test::error_of([&] { build_loss(nlohmann::json::parse(R"([{"name": "d_geo", "margin": -1}])"), setup); });
  EXPECT_NE(e.find("margin"), std::string::npos) << e;
}

}  // namespace
}  // namespace ferkit
