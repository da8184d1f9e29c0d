// Closed-form ridge regression with torch's linear algebra (torch::linalg_solve).
#include "ferkit/ridge_regression.h"

#include <limits>
#include <set>
#include <sstream>

#include "ferkit/error.h"

namespace ferkit {
namespace {

std::string shape(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

torch::Tensor as_matrix(const torch::Tensor& y) { return y.dim() == 1 ? y.unsqueeze(1) : y; }

}  // namespace

torch::Tensor RidgeModel::predict(const torch::Tensor& x) const {
  FERKIT_CHECK(x.dim() == 2 && x.size(1) == weights.size(0),
               "ridge: expected inputs [n, " << weights.size(0) << "], got " << shape(x));
  return ((x.to(torch::kFloat64) - mean) / scale).matmul(weights) + intercept;
}

RidgeModel fit_ridge(const torch::Tensor& x_in, const torch::Tensor& y_in, double lambda) {
  FERKIT_CHECK(lambda >= 0, "ridge: lambda must be >= 0, got " << lambda);
  const torch::Tensor y = as_matrix(y_in).to(torch::kFloat64);
  FERKIT_CHECK(x_in.dim() == 2 && y.dim() == 2 && x_in.size(0) == y.size(0) && x_in.size(0) >= 1,
               "ridge: expected inputs [n, d] and targets [n, k] with the same n >= 1, got " << shape(x_in) << " and "
                                                                                             << shape(y_in));
  const torch::Tensor x = x_in.to(torch::kFloat64);
  RidgeModel m;
  m.lambda = lambda;
  m.mean = x.mean(0);
  torch::Tensor sd = x.std(0, /*unbiased=*/false);
  m.scale = torch::where(sd > 0, sd, torch::ones_like(sd));
  const torch::Tensor xs = (x - m.mean) / m.scale;
  m.intercept = y.mean(0);
  const torch::Tensor a = xs.t().matmul(xs) + lambda * torch::eye(x.size(1), torch::kFloat64);
  m.weights = torch::linalg_solve(a, xs.t().matmul(y - m.intercept));
  return m;
}

RidgeSelection select_ridge_lambda(const torch::Tensor& x, const torch::Tensor& y_in, const std::vector<int>& inner_fold,
                                   const std::vector<double>& lambdas) {
  FERKIT_CHECK(!lambdas.empty(), "ridge: give at least one candidate lambda");
  const torch::Tensor y = as_matrix(y_in).to(torch::kFloat64);
  FERKIT_CHECK(static_cast<int64_t>(inner_fold.size()) == x.size(0),
               "ridge: " << inner_fold.size() << " fold ids for " << x.size(0) << " rows");
  std::set<int> folds(inner_fold.begin(), inner_fold.end());
  FERKIT_CHECK(folds.size() >= 2, "ridge: lambda selection needs at least 2 inner folds, got " << folds.size());
  RidgeSelection s;
  double best = std::numeric_limits<double>::infinity();
  for (double lambda : lambdas) {
    double sse = 0;
    int64_t count = 0;
    for (int f : folds) {
      std::vector<int64_t> tr, te;
      for (size_t i = 0; i < inner_fold.size(); ++i) (inner_fold[i] == f ? te : tr).push_back(static_cast<int64_t>(i));
      const torch::Tensor itr = torch::tensor(tr), ite = torch::tensor(te);
      RidgeModel m = fit_ridge(x.index_select(0, itr), y.index_select(0, itr), lambda);
      sse += (m.predict(x.index_select(0, ite)) - y.index_select(0, ite)).pow(2).sum().item<double>();
      count += static_cast<int64_t>(te.size()) * y.size(1);
    }
    const double mse = sse / static_cast<double>(count);
    s.cv_mse.push_back(mse);
    if (mse < best) {
      best = mse;
      s.lambda = lambda;
    }
  }
  return s;
}

}  // namespace ferkit
