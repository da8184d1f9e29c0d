// Temperature scaling: recovers a known over-confidence factor, matches the same LBFGS objective
// minimised by PyTorch in Python, and rejects bad input.
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include <torch/torch.h>

#include "ferkit/calibration.h"
#include "ferkit/error.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

struct Synthetic {
  LogitMatrix logits;
  std::vector<int> labels;
};

// Calibrated logits z_true ~ N(0, 2^2) with labels drawn from softmax(z_true); the model's logits
// are z_true scaled per class by scale[k] (all 3: a model over-confident by T = 3).
Synthetic synthetic(int n, uint64_t seed, const std::vector<double>& scale) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 2.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const int k = static_cast<int>(scale.size());
  Synthetic s{LogitMatrix(n, k), {}};
  std::vector<double> z(static_cast<size_t>(k)), p(static_cast<size_t>(k));
  for (int i = 0; i < n; ++i) {
    double top = -INFINITY, sum = 0;
    for (int c = 0; c < k; ++c) top = std::max(top, z[c] = normal(rng));
    for (int c = 0; c < k; ++c) sum += p[c] = std::exp(z[c] - top);
    double u = uniform(rng) * sum, acc = 0;
    int y = k - 1;
    for (int c = 0; c < k; ++c) {
      acc += p[c];
      if (u < acc) {
        y = c;
        break;
      }
    }
    s.labels.push_back(y);
    for (int c = 0; c < k; ++c) s.logits.at(i, c) = z[c] * scale[c];
  }
  return s;
}

class TemperatureScaling : public ::testing::Test {
 protected:
  void SetUp() override { torch::set_num_threads(1); }
};

TEST_F(TemperatureScaling, RecoversTheOverConfidenceFactor) {
  const auto s = synthetic(40000, 1, std::vector<double>(8, 3.0));
  const auto fit = fit_temperature(s.logits, s.labels);
  EXPECT_NEAR(fit.temperature, 3.0, 0.06) << "within 2 %";
  EXPECT_TRUE(fit.class_temperatures.empty());
  EXPECT_LT(fit.after.nll, fit.before.nll);
  EXPECT_LT(fit.after.ece, fit.before.ece);
  EXPECT_LT(fit.after.brier, fit.before.brier);
  EXPECT_LT(fit.after.ece, 0.02);
}

TEST_F(TemperatureScaling, PerClassFitIsAtLeastAsGoodAsGlobal) {
  const auto s = synthetic(6000, 2, {1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5});
  const auto global = fit_temperature(s.logits, s.labels);
  const auto per_class = fit_class_temperatures(s.logits, s.labels);
  ASSERT_EQ(per_class.class_temperatures.size(), 8u);
  EXPECT_LE(per_class.after.nll, global.after.nll + 1e-12);
  for (double t : per_class.class_temperatures) EXPECT_GT(t, 0.0);
  // The per-class temperatures follow the per-class over-confidence.
  EXPECT_LT(per_class.class_temperatures[0], per_class.class_temperatures[7]);
}

TEST_F(TemperatureScaling, ClassAbsentFromTheLabelsKeepsTheGlobalTemperature) {
  auto s = synthetic(3000, 4, std::vector<double>(8, 2.0));
  // Relabel contempt as neutral: contempt never occurs in the labels.
  for (int& y : s.labels)
    if (y == 7) y = 0;
  const auto global = fit_temperature(s.logits, s.labels);
  const auto per_class = fit_class_temperatures(s.logits, s.labels);
  EXPECT_EQ(per_class.fixed_classes, (std::vector<int>{7}));
  EXPECT_DOUBLE_EQ(per_class.class_temperatures[7], global.temperature);
  EXPECT_DOUBLE_EQ(per_class.temperature, global.temperature);
  EXPECT_LE(per_class.after.nll, global.after.nll + 1e-12);
}

TEST_F(TemperatureScaling, MatchesPytorchLbfgsOnTheSameObjective) {
  FERKIT_REQUIRE_PYTHON("torch, numpy");
  const auto s = synthetic(2000, 3, {2.0, 2.5, 3.0, 2.0, 1.5, 2.0, 3.5, 2.5});
  test::TempDir dir("temperature");
  {
    std::FILE* f = std::fopen((dir / "z.txt").c_str(), "w");
    for (int64_t i = 0; i < s.logits.rows; ++i) {
      std::fprintf(f, "%d", s.labels[i]);
      for (int c = 0; c < s.logits.cols; ++c) std::fprintf(f, " %.17g", s.logits.at(i, c));
      std::fprintf(f, "\n");
    }
    std::fclose(f);
  }
  const std::string script = R"PY(
import numpy as np, torch
torch.set_num_threads(1)
d = np.loadtxt(")PY" + (dir / "z.txt").string() + R"PY(")
y = torch.tensor(d[:, 0].astype(np.int64)); z = torch.tensor(d[:, 1:], dtype=torch.float64)
def fit(n):
    log_t = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=1, max_iter=200, tolerance_grad=1e-12, tolerance_change=1e-15,
                            history_size=100, line_search_fn="strong_wolfe")
    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(z / log_t.exp(), y)
        loss.backward()
        return loss
    opt.step(closure)
    return log_t.exp().detach().numpy()
print(" ".join("%.12f" % v for v in fit(1)))
print(" ".join("%.12f" % v for v in fit(8)))
)PY";
  std::istringstream out(test::run_python(script));
  double t_ref = 0;
  out >> t_ref;
  std::vector<double> tk_ref(8);
  for (double& v : tk_ref) out >> v;
  ASSERT_TRUE(out) << "could not parse the Python output";
  const auto global = fit_temperature(s.logits, s.labels);
  EXPECT_NEAR(global.temperature, t_ref, 1e-4);
  const auto per_class = fit_class_temperatures(s.logits, s.labels);
  for (int c = 0; c < 8; ++c) EXPECT_NEAR(per_class.class_temperatures[c], tk_ref[c], 1e-4) << "class " << c;
}

TEST_F(TemperatureScaling, SoftmaxWithTemperatureByHand) {
  const auto z = LogitMatrix::from_rows({{2.0, 0.0}, {0.0, 0.0}});
  const auto p = softmax_with_temperature(z, 2.0);
  EXPECT_NEAR(p.at(0, 0), std::exp(1.0) / (std::exp(1.0) + 1.0), 1e-15);
  EXPECT_NEAR(p.at(1, 1), 0.5, 1e-15);
  const auto q = softmax_with_temperatures(z, {2.0, 0.5});  // z_k / T_k: row 0 -> (1, 0)
  EXPECT_NEAR(q.at(0, 0), std::exp(1.0) / (std::exp(1.0) + 1.0), 1e-15);
}

TEST_F(TemperatureScaling, BadInputIsAnError) {
  const auto z = LogitMatrix::from_rows({{2.0, 0.0}, {0.0, 1.0}});
  EXPECT_THROW(softmax_with_temperature(z, 0.0), Error);
  EXPECT_THROW(softmax_with_temperature(z, -1.0), Error);
  EXPECT_THROW(softmax_with_temperatures(z, {1.0, 0.0}), Error);
  EXPECT_THROW(softmax_with_temperatures(z, {1.0}), Error);
  EXPECT_THROW(fit_temperature(LogitMatrix(0, 8), {}), Error);
  EXPECT_THROW(fit_temperature(z, {0}), Error);
  EXPECT_THROW(fit_temperature(z, {0, 2}), Error);
  auto inf = z;
  inf.at(1, 0) = INFINITY;
  try {
    fit_temperature(inf, {0, 1});
    FAIL() << "an infinite logit was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
  }
  // Perfectly separable logits: the NLL keeps falling as T -> 0, so there is no finite optimum.
  try {
    fit_temperature(LogitMatrix::from_rows({{1.0, 0.0}, {0.0, 1.0}}), {0, 1});
    FAIL() << "separable logits gave a temperature";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("T -> 0"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
