#include <torch/torch.h>

#include <sstream>

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

std::vector<double> numbers(const std::string& text) {
  std::istringstream ss(text);
  std::vector<double> v;
  double x;
  while (ss >> x) v.push_back(x);
  return v;
}

TEST(Kd, HandComputedIdenticalAndTwoClass) {
  auto z = torch::randn({3, 8}, torch::kFloat64);
  EXPECT_NEAR(kd_loss(z, z, 4.0).item<double>(), 0.0, 1e-12);  // identical distributions
  // T = 1, teacher p = (1/2, 1/2), student p = (1/4, 3/4): KL = 0.5 ln 2 + 0.5 ln(2/3)
  auto zs = torch::tensor({{0.0, std::log(3.0)}}, torch::kFloat64);
  auto zt = torch::zeros({1, 2}, torch::kFloat64);
  EXPECT_NEAR(kd_loss(zs, zt, 1.0).item<double>(), 0.5 * std::log(2.0) + 0.5 * std::log(2.0 / 3.0), 1e-12);
  // T = 2 multiplies by T^2 = 4 the KL at T = 2.
  auto ps = torch::softmax(zs / 2, 1), pt = torch::softmax(zt / 2, 1);
  double kl2 = (pt * (pt.log() - ps.log())).sum().item<double>();
  EXPECT_NEAR(kd_loss(zs, zt, 2.0).item<double>(), 4 * kl2, 1e-12);
  EXPECT_THROW(kd_loss(zs, zt, 0.0), Error);
  EXPECT_THROW(kd_loss(zs, torch::zeros({1, 3}, torch::kFloat64), 1.0), Error);
}

TEST(Kd, MatchesPytorchKlDivBatchmeanTimesTSquared) {
  FERKIT_REQUIRE_PYTHON("torch, numpy");
  torch::manual_seed(5);
  auto zs = torch::randn({12, 8}, torch::kFloat64) * 3, zt = torch::randn({12, 8}, torch::kFloat64) * 3;
  test::TempDir dir("kd");
  write_npz(dir / "in.npz", {{"zs", to_npy(zs)}, {"zt", to_npy(zt)}});
  auto ref = numbers(test::run_python(
      "import numpy as np, torch, torch.nn.functional as F\n"
      "d = np.load('" + (dir / "in.npz").string() + "'); zs = torch.tensor(d['zs']); zt = torch.tensor(d['zt'])\n"
      "for T in (1.0, 4.0):\n"
      "    print(repr((F.kl_div(F.log_softmax(zs / T, 1), F.softmax(zt / T, 1), reduction='batchmean') * T * T).item()))\n"
      "print(repr(F.mse_loss(zs, zt).item()))\n"));
  ASSERT_EQ(ref.size(), 3u);
  EXPECT_NEAR(kd_loss(zs, zt, 1.0).item<double>(), ref[0], 1e-10);
  EXPECT_NEAR(kd_loss(zs, zt, 4.0).item<double>(), ref[1], 1e-10);
  EXPECT_NEAR(kd_mse_loss(zs, zt).item<double>(), ref[2], 1e-10);
}

TEST(Kd, TSquaredKeepsGradientScaleIndependentOfT) {
  torch::manual_seed(7);
  auto zt = torch::randn({32, 8}, torch::kFloat64);
  auto base = torch::randn({32, 8}, torch::kFloat64);
  std::vector<double> with_t2, without_t2;
  for (double T : {4.0, 8.0, 16.0}) {
    auto zs = base.clone().requires_grad_(true);
    kd_loss(zs, zt, T).backward();
    with_t2.push_back(zs.grad().norm().item<double>());
    auto zs2 = base.clone().requires_grad_(true);
    (kd_loss(zs2, zt, T) / (T * T)).backward();
    without_t2.push_back(zs2.grad().norm().item<double>());
  }
  // With T^2 the gradient norm converges to a constant as T grows; without it it falls as 1/T^2.
  EXPECT_NEAR(with_t2[1] / with_t2[0], 1.0, 0.1);
  EXPECT_NEAR(with_t2[2] / with_t2[1], 1.0, 0.05);
  EXPECT_NEAR(without_t2[1] / without_t2[0], 0.25, 0.03);
  EXPECT_NEAR(without_t2[2] / without_t2[1], 0.25, 0.02);
}

TEST(Dkd, MatchesPythonFormulaAndDecomposesKd) {
  torch::manual_seed(9);
  auto zs = torch::randn({10, 8}, torch::kFloat64) * 2, zt = torch::randn({10, 8}, torch::kFloat64) * 2;
  auto labels = torch::randint(0, 8, {10}, torch::kLong);
  DkdParts p = dkd_loss(zs, zt, labels, 4.0);
  // Decoupling identity (Zhao et al., Eq. 3): KL = TCKD + (1 - p_t^target) NCKD, per sample.
  double T = 4.0;
  auto pt = torch::softmax(zt / T, 1);
  auto one = torch::one_hot(labels, 8).to(torch::kFloat64);
  auto pt_target = (pt * one).sum(1);
  for (int i = 0; i < 10; ++i) {
    auto zi = zs.slice(0, i, i + 1), ti = zt.slice(0, i, i + 1), li = labels.slice(0, i, i + 1);
    DkdParts pi = dkd_loss(zi, ti, li, T);
    double kd = kd_loss(zi, ti, T).item<double>();
    double recon = pi.tckd.item<double>() + (1 - pt_target[i].item<double>()) * pi.nckd.item<double>();
    EXPECT_NEAR(kd, recon, 1e-6) << "sample " << i;
  }
  if (!test::python_has("torch, numpy")) GTEST_SKIP() << "python3-torch missing for the reference formula";
  test::TempDir dir("dkd");
  write_npz(dir / "in.npz", {{"zs", to_npy(zs)}, {"zt", to_npy(zt)}, {"y", to_npy(labels.to(torch::kFloat64))}});
  auto ref = numbers(test::run_python(
      "import numpy as np, torch, torch.nn.functional as F\n"
      "d = np.load('" + (dir / "in.npz").string() + "')\n"
      "zs, zt, y = torch.tensor(d['zs']), torch.tensor(d['zt']), torch.tensor(d['y']).long()\n"
      "T = 4.0\n"
      "gt = F.one_hot(y, 8).double(); other = 1 - gt\n"
      "ps, pt = F.softmax(zs / T, 1), F.softmax(zt / T, 1)\n"
      "bs = torch.stack([(ps * gt).sum(1), (ps * other).sum(1)], 1)\n"
      "bt = torch.stack([(pt * gt).sum(1), (pt * other).sum(1)], 1)\n"
      "tckd = F.kl_div(bs.log(), bt, reduction='batchmean') * T * T\n"
      "nckd = F.kl_div(F.log_softmax(zs / T - 1000 * gt, 1), F.softmax(zt / T - 1000 * gt, 1), reduction='batchmean') * T * T\n"
      "print(repr(tckd.item())); print(repr(nckd.item()))\n"));
  ASSERT_EQ(ref.size(), 2u);
  EXPECT_NEAR(p.tckd.item<double>(), ref[0], 1e-9);
  EXPECT_NEAR(p.nckd.item<double>(), ref[1], 1e-9);
}

TEST(Dkd, WarmupRampsLinearly) {
  LossSetup setup;
  setup.num_teachers = 1;
  auto loss = build_loss(nlohmann::json::array({{{"name", "dkd"}, {"warmup_epochs", 10}, {"alpha", 1.0}, {"beta", 8.0}}}), setup);
  LossBatch b;
  torch::manual_seed(2);
  b.student.logits = torch::randn({4, 8});
  b.teacher_logits = torch::randn({1, 4, 8});
  b.labels = torch::tensor({0, 1, 2, 3}, torch::kLong);
  auto full = dkd_loss(b.student.logits, b.teacher_logits[0], b.labels, 4.0);
  for (double progress : {0.0, 2.5, 5.0, 10.0, 15.0}) {
    b.epoch = static_cast<int>(progress);
    b.epoch_fraction = progress - b.epoch;
    auto terms = loss.forward(b);
    double ramp = std::min(1.0, progress / 10.0);
    EXPECT_NEAR(terms[0].second.item<float>(), ramp * full.tckd.item<float>(), 1e-5) << progress;
    EXPECT_NEAR(terms[1].second.item<float>(), ramp * 8 * full.nckd.item<float>(), 1e-4) << progress;
  }
}

TEST(MultiTeacher, PairwiseFusedSplitByHand) {
  torch::manual_seed(4);
  auto zs = torch::randn({6, 8}, torch::kFloat64);
  auto zt = torch::randn({2, 6, 8}, torch::kFloat64);
  auto labels = torch::tensor({0, 1, 2, 0, 1, 2}, torch::kLong);
  double T = 2.0;
  // pairwise: fused probabilities 0.25 p1 + 0.75 p2
  auto fused = 0.25 * torch::softmax(zt[0] / T, 1) + 0.75 * torch::softmax(zt[1] / T, 1);
  EXPECT_TRUE(torch::allclose(fuse_teacher_probs(zt, {0.25, 0.75}, T), fused));
  EXPECT_TRUE(torch::allclose(fuse_teacher_probs(zt, {1.0, 3.0}, T), fused));  // normalised
  // split with one-hot class columns: classes 0 and 2 from teacher 0, class 1 from teacher 1
  auto cw = torch::zeros({2, 8}, torch::kFloat64);
  cw[0][0] = 1; cw[0][2] = 1; cw[1][1] = 1;
  for (int c = 3; c < 8; ++c) cw[0][c] = 1;
  auto split = fuse_teacher_probs_by_class(zt, cw, labels, T);
  for (int i = 0; i < 6; ++i) {
    int teacher = labels[i].item<int64_t>() == 1 ? 1 : 0;
    EXPECT_TRUE(torch::allclose(split[i], torch::softmax(zt[teacher][i] / T, 0))) << i;
  }
  // fused mode = weighted sum of per-teacher KD terms
  LossSetup setup;
  setup.num_teachers = 2;
  auto loss = build_loss(nlohmann::json::array({{{"name", "multi_teacher"}, {"mode", "fused"}, {"temperature", T},
                                                 {"weights", {0.25, 0.75}}}}), setup);
  LossBatch b;
  b.student.logits = zs;
  b.teacher_logits = zt;
  b.labels = labels;
  double expected = 0.25 * kd_loss(zs, zt[0], T).item<double>() + 0.75 * kd_loss(zs, zt[1], T).item<double>();
  EXPECT_NEAR(loss.forward(b)[0].second.item<double>(), expected, 1e-10);
}

TEST(MultiTeacher, BadInputIsRejected) {
  LossSetup none;
  EXPECT_THROW(build_loss(nlohmann::json::array({{{"name", "multi_teacher"}}}), none), Error);  // empty ensemble
  EXPECT_THROW(build_loss(nlohmann::json::array({{{"name", "kd"}}}), none), Error);             // no teacher
  LossSetup two;
  two.num_teachers = 2;
  EXPECT_THROW(build_loss(nlohmann::json::array({{{"name", "kd"}, {"temperature", 0}}}), two), Error);
  EXPECT_THROW(build_loss(nlohmann::json::array({{{"name", "kd"}, {"teacher", 2}}}), two), Error);
  EXPECT_THROW(build_loss(nlohmann::json::array({{{"name", "multi_teacher"}, {"weights", {1.0}}}}), two), Error);
  EXPECT_THROW(build_loss(nlohmann::json::array({{{"name", "multi_teacher"}, {"mode", "split"}}}), two), Error);
  // weights that do not sum to 1 are normalised (with a warning), not refused
  EXPECT_NO_THROW(build_loss(nlohmann::json::array({{{"name", "multi_teacher"}, {"weights", {2.0, 2.0}}}}), two));
  auto zs = torch::randn({2, 8});
  EXPECT_THROW(fuse_teacher_probs(torch::randn({2, 2, 8}), {1.0}, 1.0), Error);
  EXPECT_THROW(fuse_teacher_probs(torch::randn({2, 2, 8}), {1.0, 1.0}, -1.0), Error);
}

}  // namespace
}  // namespace ferkit
