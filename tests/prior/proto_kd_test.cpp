// Proto-KD: hand-computed KL on 2-D features, PyTorch's kl_div as the reference, the bank check of
// the recipe term, and finite gradients that never reach the frozen prototypes.
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include <gtest/gtest.h>

#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/npz.h"
#include "ferkit/prototype_bank.h"
#include "prior_fixtures.h"

namespace ferkit {
namespace {

NpyArray npy(const torch::Tensor& t) {
  torch::Tensor c = t.contiguous().to(torch::kFloat64);
  return NpyArray::from<double>(std::vector<int64_t>(c.sizes().begin(), c.sizes().end()), c.data_ptr<double>());
}

// A bank file with K = grid^2 random unit prototypes of dimension dim.
std::filesystem::path bank_file(const test::TempDir& dir, int dim, const std::string& name) {
  std::vector<float> f, v, a;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < dim; ++j) f.push_back(std::sin(1.0f + i * 0.7f + j * 1.3f));
    v.push_back(i % 2 ? 0.8f : -0.8f);
    a.push_back(i % 4 < 2 ? 0.8f : -0.8f);
  }
  PrototypeBankOptions o;
  o.grid = 2;
  o.feature_dim = dim;
  PrototypeBank b = build_prototype_bank(f, 8, dim, v, a, o);
  const auto file = dir / name;
  write_prototype_bank(b, file);
  return file;
}

TEST(ProtoKd, HandComputedTwoPrototypes) {
  // f = (1, 0), prototypes (1, 0) and (0, 1): cosines (1, 0); at tau = 1
  // q_stu = (e, 1) / (e + 1), and with prior (1/2, 1/2): KL = sum 1/2 (ln 1/2 - ln q_stu,k).
  auto f = torch::tensor({{1.0, 0.0}}, torch::kFloat64);
  auto p = torch::tensor({{1.0, 0.0}, {0.0, 1.0}}, torch::kFloat64);
  auto prior = torch::tensor({0.5, 0.5}, torch::kFloat64);
  const double e = std::exp(1.0);
  const double kl = 0.5 * (std::log(0.5) - std::log(e / (e + 1))) + 0.5 * (std::log(0.5) - std::log(1 / (e + 1)));
  EXPECT_NEAR(proto_kd_loss(f, p, prior, 1.0).item<double>(), kl, 1e-12);
  // Scale does not matter (cosine): f = (5, 0) and prototypes of any length give the same loss.
  EXPECT_NEAR(proto_kd_loss(f * 5, p * 3, prior, 1.0).item<double>(), kl, 1e-12);
  // tau = 0.9 sharpens: q_stu = (e^(1/0.9), 1) / (e^(1/0.9) + 1).
  const double e9 = std::exp(1 / 0.9);
  const double kl9 = 0.5 * (std::log(0.5) - std::log(e9 / (e9 + 1))) + 0.5 * (std::log(0.5) - std::log(1 / (e9 + 1)));
  EXPECT_NEAR(proto_kd_loss(f, p, prior, 0.9).item<double>(), kl9, 1e-12);
  // When the prior is the student's own distribution the loss is 0; a zero-mass bin is fine (0 log 0).
  auto q = torch::tensor({e / (e + 1), 1 / (e + 1)}, torch::kFloat64);
  EXPECT_NEAR(proto_kd_loss(f, p, q, 1.0).item<double>(), 0.0, 1e-12);
  auto onehot = torch::tensor({1.0, 0.0}, torch::kFloat64);
  EXPECT_NEAR(proto_kd_loss(f, p, onehot, 1.0).item<double>(), -std::log(e / (e + 1)), 1e-12);
  EXPECT_THROW(proto_kd_loss(f, p, prior, 0.0), Error);
  EXPECT_THROW(proto_kd_loss(torch::ones({1, 3}, torch::kFloat64), p, prior, 1.0), Error);
}

TEST(ProtoKd, MatchesPytorchKlDivBatchmean) {
  FERKIT_REQUIRE_PYTHON("torch, numpy");
  torch::manual_seed(11);
  auto f = torch::randn({6, 8}, torch::kFloat64);
  auto p = torch::randn({5, 8}, torch::kFloat64);
  auto prior = torch::softmax(torch::randn({5}, torch::kFloat64), 0);
  test::TempDir dir("protokd");
  write_npz(dir / "in.npz", {{"f", npy(f)}, {"p", npy(p)}, {"q", npy(prior)}});
  std::istringstream ref(test::run_python(
      "import numpy as np, torch, torch.nn.functional as F\n"
      "d = np.load('" + (dir / "in.npz").string() + "')\n"
      "f, p, q = (torch.tensor(d[k]) for k in ('f', 'p', 'q'))\n"
      "s = F.cosine_similarity(f[:, None, :], p[None, :, :], dim=2)\n"
      "for tau in (0.9, 0.3):\n"
      "    print(repr(F.kl_div(F.log_softmax(s / tau, 1), q.expand(6, 5), reduction='batchmean').item()))\n"));
  double r09, r03;
  ref >> r09 >> r03;
  EXPECT_NEAR(proto_kd_loss(f, p, prior, 0.9).item<double>(), r09, 1e-10);
  EXPECT_NEAR(proto_kd_loss(f, p, prior, 0.3).item<double>(), r03, 1e-10);
}

TEST(ProtoKd, GradientsAreFiniteAndTheBankStaysFrozen) {
  torch::manual_seed(2);
  auto f = torch::randn({16, 32}, torch::kFloat64).requires_grad_(true);
  auto p = torch::randn({25, 32}, torch::kFloat64).requires_grad_(true);
  auto prior = torch::softmax(torch::randn({25}, torch::kFloat64), 0);
  proto_kd_loss(f, p, prior, 0.9).backward();
  EXPECT_TRUE(torch::isfinite(f.grad()).all().item<bool>());
  EXPECT_GT(f.grad().abs().sum().item<double>(), 0.0);
  EXPECT_FALSE(p.grad().defined());
}

TEST(ProtoKd, RecipeTermChecksTheBankAgainstTheStudent) {
  test::TempDir dir("protokd-term");
  const auto bank8 = bank_file(dir, 8, "bank8.npz");
  LossSetup setup;
  setup.feature_dim = 8;
  CompositeLoss loss = build_loss(nlohmann::json::parse(R"([{"name": "proto_kd", "bank": ")" + bank8.string() + R"("}])"), setup);
  LossBatch b;
  torch::manual_seed(4);
  b.student.features = torch::nn::functional::normalize(torch::randn({4, 8}), torch::nn::functional::NormalizeFuncOptions().dim(1));
  b.student.logits = torch::randn({4, 8});
  LossTerms t = loss.forward(b);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].first, "proto_kd");
  PrototypeBank bank = read_prototype_bank(bank8);
  auto p = torch::from_blob(bank.prototypes.data(), {4, 8}, torch::kFloat32).clone();
  auto q = torch::tensor(bank.prior, torch::kFloat64).to(torch::kFloat32);
  EXPECT_NEAR(t[0].second.item<double>(), 0.12 * proto_kd_loss(b.student.features, p, q, 0.9).item<double>(), 1e-6);

  // The student's features are 256-D by default: an 8-D bank is refused, naming both.
  LossSetup wide;
  std::string e = test::error_of([&] {
    build_loss(nlohmann::json::parse(R"([{"name": "proto_kd", "bank": ")" + bank8.string() + R"("}])"), wide);
  });
  EXPECT_NE(e.find("loss[0].bank"), std::string::npos) << e;
  EXPECT_NE(e.find("256"), std::string::npos) << e;
  EXPECT_NE(e.find("8-D prototypes"), std::string::npos) << e;
  e = test::error_of([&] { build_loss(nlohmann::json::parse(R"([{"name": "proto_kd"}])"), setup); });
  EXPECT_NE(e.find("bank"), std::string::npos) << e;
  e = test::error_of([&] {
    build_loss(nlohmann::json::parse(R"([{"name": "proto_kd", "bank": "x.npz", "temprature": 1}])"), setup);
  });
  EXPECT_NE(e.find("temperature"), std::string::npos) << e;  // unknown key, nearest suggested
}

}  // namespace
}  // namespace ferkit
