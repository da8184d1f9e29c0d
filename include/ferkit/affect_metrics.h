// Regression metrics for valence and arousal, and intervals over cross-validation folds.
//
//   double c = ferkit::concordance_correlation(predicted, truth);   // Lin's CCC in [-1, 1]
//   double e = ferkit::root_mean_squared_error(predicted, truth);
//   ferkit::FoldInterval s = ferkit::fold_interval({0.31, 0.42, 0.27, 0.35, 0.30});
//   s.mean;  s.std;  s.t_low;  s.t_high;        // mean ± t(0.975, K-1) std / sqrt(K)
//
// Definitions (population moments, 1/n, as Lin 1989 and the AVEC challenges):
//   CCC  = 2 cov(x, y) / (var x + var y + (mean x - mean y)^2)
//   RMSE = sqrt(mean (x - y)^2)
// A constant prediction of a varying target has CCC 0. CCC is NaN when the denominator is 0 (both
// constant and equal) and for empty input; RMSE is NaN for empty input. Inputs of different
// lengths are an Error naming both lengths.
//
// Over K folds: mean, sample standard deviation (K - 1), and the two-sided Student t interval
// mean ± t_{(1+level)/2, K-1} · std / sqrt(K). With one fold std and the interval are NaN. NaN
// fold values are left out and counted (FoldInterval::n is the number used).
#pragma once

#include <vector>

namespace ferkit {

double concordance_correlation(const std::vector<double>& predicted, const std::vector<double>& truth);
double root_mean_squared_error(const std::vector<double>& predicted, const std::vector<double>& truth);
double pearson_correlation(const std::vector<double>& x, const std::vector<double>& y);

struct FoldInterval {
  int n = 0;              // finite fold values used
  int left_out = 0;       // NaN fold values left out
  double mean = 0;
  double std = 0;         // sample standard deviation (NaN when n < 2)
  double t_low = 0;       // mean - t * std / sqrt(n)
  double t_high = 0;      // mean + t * std / sqrt(n)
  double level = 0.95;    // two-sided confidence level of [t_low, t_high]
};

FoldInterval fold_interval(const std::vector<double>& fold_values, double level = 0.95);

// Student t distribution with df > 0 degrees of freedom: CDF and quantile (p in (0, 1)).
double student_t_cdf(double t, double df);
double student_t_quantile(double p, double df);

}  // namespace ferkit
