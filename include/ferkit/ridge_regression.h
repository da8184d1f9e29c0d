// Ridge regression in closed form (torch linear algebra): the linear baseline of the EEG teacher.
//
//   ferkit::RidgeModel m = ferkit::fit_ridge(x_train, y_train, /*lambda=*/10.0);   // x [n, d], y [n, k]
//   torch::Tensor y_hat = m.predict(x_test);                                         // [m, k]
//   ferkit::RidgeSelection s = ferkit::select_ridge_lambda(x_train, y_train, inner_fold, {0.1, 1, 10, 100});
//
// Contract: the inputs are standardised with the training set's mean and population standard
// deviation (a constant column gets scale 1), the targets centred; then
//   W = (Xs^T Xs + lambda I)^{-1} Xs^T (Y - mean Y),   intercept = mean Y   (the intercept is not
// penalised) — the same solution as scikit-learn's make_pipeline(StandardScaler(), Ridge(alpha =
// lambda)). Computed in float64 whatever the input dtype; predictions come back in float64.
//
// select_ridge_lambda: cross-validation over the given folds (inner_fold[i] in 0..F-1, e.g. from
// leave_subjects_out_folds so no subject is in both parts); the lambda with the smallest pooled
// mean squared error over all held-out rows and outputs wins, the first listed on a tie.
#pragma once

#include <vector>

#include <torch/types.h>

namespace ferkit {

struct RidgeModel {
  torch::Tensor mean, scale;  // [d] input standardisation (training set)
  torch::Tensor weights;      // [d, k] on standardised inputs
  torch::Tensor intercept;    // [k]
  double lambda = 1.0;
  torch::Tensor predict(const torch::Tensor& x) const;
};

// lambda >= 0; x [n, d], y [n, k] (or [n]) with n >= 1; anything else is an Error naming the shapes.
RidgeModel fit_ridge(const torch::Tensor& x, const torch::Tensor& y, double lambda);

struct RidgeSelection {
  double lambda = 1.0;
  std::vector<double> cv_mse;  // pooled held-out MSE per candidate, in the order given
};
RidgeSelection select_ridge_lambda(const torch::Tensor& x, const torch::Tensor& y, const std::vector<int>& inner_fold,
                                   const std::vector<double>& lambdas);

}  // namespace ferkit
