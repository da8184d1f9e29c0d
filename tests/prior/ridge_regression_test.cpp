// Ridge regression against scikit-learn (StandardScaler + Ridge), lambda selection by grouped CV.
#include <torch/torch.h>

#include <sstream>

#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/npz.h"
#include "ferkit/ridge_regression.h"
#include "prior_fixtures.h"

namespace ferkit {
namespace {

NpyArray npy(const torch::Tensor& t) {
  torch::Tensor c = t.contiguous().to(torch::kFloat64);
  return NpyArray::from<double>(std::vector<int64_t>(c.sizes().begin(), c.sizes().end()), c.data_ptr<double>());
}

std::vector<double> numbers(const std::string& text) {
  std::istringstream ss(text);
  std::vector<double> v;
  double x;
  while (ss >> x) v.push_back(x);
  return v;
}

TEST(Ridge, HandComputedOneFeature) {
  torch::set_num_threads(1);
  // x = (-1, 0, 1) standardises to (-s, 0, s), s = 1 / sqrt(2/3); y = (0, 1, 5) has mean 2:
  // w = sum xs (y - 2) / (sum xs^2 + lambda) = (-s (-2) + s 3) / (2 s^2 + 1) at lambda = 1.
  auto x = torch::tensor({{-1.0}, {0.0}, {1.0}}, torch::kFloat64);
  auto y = torch::tensor({0.0, 1.0, 5.0}, torch::kFloat64);
  RidgeModel m = fit_ridge(x, y, 1.0);
  const double s = 1.0 / std::sqrt(2.0 / 3.0);
  const double w = (-s * (0 - 2) + s * (5 - 2)) / (2 * s * s + 1.0);
  EXPECT_NEAR(m.weights.item<double>(), w, 1e-12);
  EXPECT_NEAR(m.intercept.item<double>(), 2.0, 1e-12);
  EXPECT_NEAR(m.predict(torch::tensor({{2.0}}, torch::kFloat64)).item<double>(), 2.0 + w * 2.0 * s, 1e-12);
  // A tiny lambda on exactly linear data recovers the line; a constant column is left alone (scale 1;
  // it centres to zero, so lambda 0 would make the system singular).
  auto xl = torch::tensor({{0.0, 7.0}, {1.0, 7.0}, {2.0, 7.0}, {3.0, 7.0}}, torch::kFloat64);
  RidgeModel exact = fit_ridge(xl, 3.0 * xl.select(1, 0) + 1.0, 1e-9);
  EXPECT_NEAR(exact.predict(torch::tensor({{10.0, 7.0}}, torch::kFloat64)).item<double>(), 31.0, 1e-6);  // shrinkage ~1e-9 relative
  EXPECT_THROW(fit_ridge(x, torch::zeros({2}), 1.0), Error);
  EXPECT_THROW(fit_ridge(x, y, -1.0), Error);
}

TEST(Ridge, MatchesScikitLearnAndItsCrossValidation) {
  FERKIT_REQUIRE_PYTHON("sklearn, numpy");
  torch::set_num_threads(1);
  torch::manual_seed(3);
  auto x = torch::randn({40, 6}, torch::kFloat64) * torch::tensor({1.0, 10.0, 0.1, 3.0, 1.0, 5.0}, torch::kFloat64) + 2.0;
  auto y = torch::stack({x.select(1, 0) - 0.2 * x.select(1, 1), 0.5 * x.select(1, 3)}, 1) + torch::randn({40, 2}, torch::kFloat64);
  auto xt = torch::randn({5, 6}, torch::kFloat64);
  std::vector<int> folds;
  for (int i = 0; i < 40; ++i) folds.push_back(i % 4);  // equal-sized folds
  const std::vector<double> lambdas = {0.01, 1.0, 30.0, 1000.0};
  test::TempDir dir("ridge");
  write_npz(dir / "in.npz", {{"x", npy(x)}, {"y", npy(y)}, {"xt", npy(xt)}});
  auto ref = numbers(test::run_python(
      "import numpy as np\n"
      "from sklearn.pipeline import make_pipeline\n"
      "from sklearn.preprocessing import StandardScaler\n"
      "from sklearn.linear_model import Ridge\n"
      "d = np.load('" + (dir / "in.npz").string() + "'); x, y, xt = d['x'], d['y'], d['xt']\n"
      "for v in make_pipeline(StandardScaler(), Ridge(alpha=30.0)).fit(x, y).predict(xt).ravel(): print(repr(v))\n"
      "f = np.arange(40) % 4\n"
      "for lam in (0.01, 1.0, 30.0, 1000.0):\n"
      "    sse = 0.0\n"
      "    for k in range(4):\n"
      "        m = make_pipeline(StandardScaler(), Ridge(alpha=lam)).fit(x[f != k], y[f != k])\n"
      "        sse += ((m.predict(x[f == k]) - y[f == k]) ** 2).sum()\n"
      "    print(repr(sse / y.size))\n"));
  ASSERT_EQ(ref.size(), 14u);
  torch::Tensor pred = fit_ridge(x, y, 30.0).predict(xt).contiguous();
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(pred.data_ptr<double>()[i], ref[static_cast<size_t>(i)], 1e-9);
  RidgeSelection s = select_ridge_lambda(x, y, folds, lambdas);
  ASSERT_EQ(s.cv_mse.size(), 4u);
  size_t best = 0;
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(s.cv_mse[i], ref[10 + i], 1e-9);
    if (ref[10 + i] < ref[10 + best]) best = i;
  }
  EXPECT_EQ(s.lambda, lambdas[best]);
}

TEST(Ridge, SelectionPrefersShrinkageOnNoise) {
  torch::set_num_threads(1);
  torch::manual_seed(4);
  auto x = torch::randn({60, 10}, torch::kFloat64);
  auto y = torch::randn({60, 1}, torch::kFloat64);  // unrelated to x: the best model is the mean
  std::vector<int> folds;
  for (int i = 0; i < 60; ++i) folds.push_back(i / 20);
  RidgeSelection s = select_ridge_lambda(x, y, folds, {1e-3, 1e5});
  EXPECT_EQ(s.lambda, 1e5);
  auto yl = x.matmul(torch::ones({10, 1}, torch::kFloat64));  // exactly linear: the least shrinkage wins
  EXPECT_EQ(select_ridge_lambda(x, yl, folds, {1e-3, 1e5}).lambda, 1e-3);
  EXPECT_THROW(select_ridge_lambda(x, y, std::vector<int>(60, 0), {1.0}), Error);  // one fold
}

}  // namespace
}  // namespace ferkit
