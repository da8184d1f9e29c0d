// Temperature scaling: fit T > 0 (or one T_k per class) on validation logits so that softmax(z / T)
// has the smallest negative log-likelihood, and report ECE, NLL and Brier before and after.
//
//   ferkit::LogitMatrix z = ...;                 // N x K raw logits of the validation set
//   std::vector<int> y = ...;
//   ferkit::TemperatureFit g = ferkit::fit_temperature(z, y);          // g.temperature
//   ferkit::TemperatureFit c = ferkit::fit_class_temperatures(z, y);   // c.class_temperatures
//   g.before.ece; g.after.ece;                    // on the fitting data
//   ferkit::ProbabilityMatrix p = ferkit::softmax_with_temperature(z_test, g.temperature);
//
// Objective: mean over samples of -log softmax(z_i / T)[y_i] (per-class: z_ik / T_k), minimised
// over log T with torch::optim::LBFGS and a strong-Wolfe line search, starting from log T = 0, in
// double precision. Optimising log T keeps T > 0 without constraints. The fit is deterministic.
// Per-class: a class absent from the labels has no minimum of its own (a smaller T_k only lowers
// its probability further), so it keeps the global T and is listed in fixed_classes; the other
// T_k start from 1 like the global fit.
// Errors: empty input, labels out of range, non-finite logits, a non-positive temperature passed
// to softmax_with_temperature(s), or no NLL minimum at a finite T (perfectly separable logits keep
// lowering the NLL as T -> 0; detected by halving and doubling the fitted T, which cannot lower a
// convex-in-1/T objective at its minimum).
#pragma once

#include <vector>

#include "ferkit/class_matrix.h"
#include "ferkit/metrics.h"

namespace ferkit {

struct TemperatureOptions {
  int max_iterations = 100;       // LBFGS iterations (each may evaluate the objective several times)
  double tolerance_grad = 1e-10;  // stop when the largest gradient entry is below this
  double tolerance_change = 1e-14;  // stop when the objective or the step changes less than this
  int ece_bins = 15;              // bins of the before/after ECE

  template <class V>
  void visit(V& v) {
    v("max_iterations", max_iterations, "LBFGS iterations");
    v("tolerance_grad", tolerance_grad, "stop when the largest gradient entry is below this");
    v("tolerance_change", tolerance_change, "stop when the objective or the step changes less than this");
    v("ece_bins", ece_bins, "bins of the before/after ECE");
  }
};

struct TemperatureFit {
  double temperature = 1.0;                // global T (a per-class fit also reports it)
  std::vector<double> class_temperatures;  // T_k of a per-class fit (empty for a global fit)
  std::vector<int> fixed_classes;          // per-class fit: classes absent from the labels, T_k = T
  CalibrationMetrics before;               // softmax(z), on the fitting data
  CalibrationMetrics after;                // softmax(z / T), on the fitting data
};

TemperatureFit fit_temperature(const LogitMatrix& logits, const std::vector<int>& labels,
                               const TemperatureOptions& options = {});
TemperatureFit fit_class_temperatures(const LogitMatrix& logits, const std::vector<int>& labels,
                                      const TemperatureOptions& options = {});

// softmax(z / T) row by row (T > 0), and softmax(z_k / T_k) with one temperature per class.
ProbabilityMatrix softmax_with_temperature(const LogitMatrix& logits, double temperature);
ProbabilityMatrix softmax_with_temperatures(const LogitMatrix& logits, const std::vector<double>& class_temperatures);

}  // namespace ferkit
