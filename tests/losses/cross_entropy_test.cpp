#include <torch/torch.h>

#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/npz.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

NpyArray to_npy(const torch::Tensor& t) {
  torch::Tensor c = t.contiguous().to(torch::kFloat64);
  std::vector<int64_t> shape(c.sizes().begin(), c.sizes().end());
  return NpyArray::from<double>(shape, c.data_ptr<double>());
}

TEST(CrossEntropy, HandComputedTwoClassCase) {
  torch::set_num_threads(1);
  // logits (0, ln 3) -> p = (1/4, 3/4); target (1, 0): loss = -ln(1/4) = ln 4.
  auto z = torch::tensor({{0.0, std::log(3.0)}}, torch::kFloat64);
  auto t = torch::tensor({{1.0, 0.0}}, torch::kFloat64);
  EXPECT_NEAR(soft_cross_entropy(z, t).item<double>(), std::log(4.0), 1e-12);
  // smoothing 0.5 over K = 2: t' = (0.75, 0.25): loss = 0.75 ln 4 + 0.25 ln(4/3)
  EXPECT_NEAR(soft_cross_entropy(z, t, 0.5).item<double>(), 0.75 * std::log(4.0) + 0.25 * std::log(4.0 / 3.0), 1e-12);
}

TEST(CrossEntropy, MatchesPytorchWithSmoothingAndWeights) {
  FERKIT_REQUIRE_PYTHON("torch, numpy");
  torch::set_num_threads(1);
  torch::manual_seed(3);
  auto z = torch::randn({16, 8}, torch::kFloat64) * 2;
  auto t = torch::softmax(torch::randn({16, 8}, torch::kFloat64) * 3, 1);
  std::array<int64_t, 8> counts = {900, 700, 300, 300, 200, 12, 50, 11};
  auto w = class_weight_tensor("effective_number", counts, 0.99).to(torch::kFloat64);
  test::TempDir dir("ce");
  write_npz(dir / "in.npz", {{"z", to_npy(z)}, {"t", to_npy(t)}, {"w", to_npy(w)}});
  std::string out = test::run_python(
      "import numpy as np, torch, torch.nn.functional as F\n"
      "d = np.load('" + (dir / "in.npz").string() + "')\n"
      "z, t, w = (torch.tensor(d[k]) for k in ('z', 't', 'w'))\n"
      "print(repr(F.cross_entropy(z, t, weight=w, label_smoothing=0.055).item()))\n"
      "print(repr(F.cross_entropy(z, t).item()))\n");
  std::istringstream ss(out);
  double with_all = 0, plain = 0;
  ss >> with_all >> plain;
  EXPECT_NEAR(soft_cross_entropy(z, t, 0.055, w).item<double>(), with_all, 1e-10);
  EXPECT_NEAR(soft_cross_entropy(z, t).item<double>(), plain, 1e-10);
}

TEST(ClassWeights, InverseFrequencyAndEffectiveNumberByHand) {
  std::array<int64_t, 8> counts = {10, 30, 0, 0, 0, 0, 0, 0};
  auto inv = class_weight_tensor("inverse_frequency", counts);
  EXPECT_NEAR(inv[0].item<float>(), 40.0 / (8 * 10), 1e-6);
  EXPECT_NEAR(inv[1].item<float>(), 40.0 / (8 * 30), 1e-6);
  EXPECT_EQ(inv[2].item<float>(), 0.0f);  // absent class
  auto eff = class_weight_tensor("effective_number", counts, 0.9);
  double w0 = 0.1 / (1 - std::pow(0.9, 10)), w1 = 0.1 / (1 - std::pow(0.9, 30));
  EXPECT_NEAR(eff[0].item<float>(), 2 * w0 / (w0 + w1), 1e-6);
  EXPECT_NEAR(eff[1].item<float>(), 2 * w1 / (w0 + w1), 1e-6);
  EXPECT_NEAR(eff.sum().item<float>(), 2.0, 1e-5);  // sums to the number of present classes
  EXPECT_THROW(class_weight_tensor("sqrt", counts), Error);
  EXPECT_THROW(class_weight_tensor("effective_number", counts, 1.0), Error);
}

TEST(LogitAdjustment, AddsTauLogPrior) {
  std::array<int64_t, 8> counts = {50, 25, 25, 0, 0, 0, 0, 0};
  auto z = torch::zeros({1, 8}, torch::kFloat64);
  auto a = logit_adjusted_logits(z, counts, 1.0);
  EXPECT_NEAR(a[0][0].item<double>(), std::log(0.5), 1e-12);
  EXPECT_NEAR(a[0][1].item<double>(), std::log(0.25), 1e-12);
  EXPECT_NEAR(a[0][3].item<double>(), std::log(1.0 / 100), 1e-12);  // absent: one-sample prior
}

TEST(FocalLoss, GammaZeroIsCrossEntropyAndHandValue) {
  torch::manual_seed(1);
  auto z = torch::randn({5, 8}, torch::kFloat64);
  auto t = torch::softmax(torch::randn({5, 8}, torch::kFloat64), 1);
  EXPECT_NEAR(focal_loss(z, t, 0.0).item<double>(), soft_cross_entropy(z, t).item<double>(), 1e-12);
  // p = (1/4, 3/4), t = (0, 1), gamma = 2: -(1/4)^2 ln(3/4)
  auto z2 = torch::tensor({{0.0, std::log(3.0)}}, torch::kFloat64);
  auto t2 = torch::tensor({{0.0, 1.0}}, torch::kFloat64);
  EXPECT_NEAR(focal_loss(z2, t2, 2.0).item<double>(), -0.0625 * std::log(0.75), 1e-12);
}

TEST(LossRecipe, BuildsNamedTermsAndRejectsTypos) {
  LossSetup setup;
  setup.class_counts = {10, 10, 10, 10, 10, 10, 10, 10};
  auto recipe = nlohmann::json::array({{{"name", "ce"}, {"label_smoothing", 0.1}},
                                       {{"name", "focal"}, {"weight", 0.5}, {"gamma", 1.0}}});
  CompositeLoss loss = build_loss(recipe, setup);
  LossBatch b;
  b.student.logits = torch::randn({4, 8});
  b.targets = torch::softmax(torch::randn({4, 8}), 1);
  LossTerms terms = loss.forward(b);
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].first, "ce");
  EXPECT_EQ(terms[1].first, "focal");
  EXPECT_NEAR(terms[1].second.item<float>(), 0.5f * focal_loss(b.student.logits, b.targets, 1.0).item<float>(), 1e-6);
  try {
    build_loss(nlohmann::json::array({{{"name", "ce"}, {"label_smothing", 0.1}}}), setup);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'loss[0].label_smoothing'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(build_loss(nlohmann::json::array({{{"name", "cee"}}}), setup), Error);
  EXPECT_THROW(build_loss(nlohmann::json::array(), setup), Error);
}

}  // namespace
}  // namespace ferkit
