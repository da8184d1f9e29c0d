// Temperature scaling (global T and per-class T_k) fitted with torch's LBFGS on log T.
#include <algorithm>
#include <cmath>

#include "ferkit/calibration.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

void check_logits(const LogitMatrix& z, const std::vector<int>& labels, const std::string& where) {
  if (z.rows == 0) throw Error(where, "at least one validation sample", "none");
  if (z.cols < 2) throw Error(where, "logits for at least 2 classes", std::to_string(z.cols) + " columns");
  if (z.values.size() != static_cast<size_t>(z.rows) * z.cols)
    throw Error(where, std::to_string(z.rows) + " x " + std::to_string(z.cols) + " logits", std::to_string(z.values.size()));
  for (size_t i = 0; i < z.values.size(); ++i)
    if (!std::isfinite(z.values[i]))
      throw Error(where + " row " + std::to_string(i / z.cols), "finite logits",
                  "z[" + std::to_string(i % z.cols) + "] = " + std::to_string(z.values[i]));
  check_labels(labels, z.rows, z.cols, where);
}

// Mean cross-entropy of softmax(z_ik / T_k) over the samples: the objective itself (unclamped).
double temperature_nll(const LogitMatrix& z, const std::vector<int>& labels, const std::vector<double>& t) {
  double total = 0;
  std::vector<double> s(static_cast<size_t>(z.cols));
  for (int64_t i = 0; i < z.rows; ++i) {
    double top = -INFINITY;
    for (int k = 0; k < z.cols; ++k) top = std::max(top, s[k] = z.at(i, k) / t[k]);
    double sum = 0;
    for (int k = 0; k < z.cols; ++k) sum += std::exp(s[k] - top);
    total += top + std::log(sum) - s[labels[i]];
  }
  return total / static_cast<double>(z.rows);
}

// Minimises the mean NLL of softmax(z / T) over log T with LBFGS. Parameter j sets log T_k for
// every class k in groups[j] (one group of all classes: a global T); classes in no group keep
// T = base. Returns T per class.
std::vector<double> fit_temperatures(const LogitMatrix& logits, const std::vector<int>& labels,
                                     const std::vector<std::vector<int>>& groups, double base,
                                     const TemperatureOptions& o, const std::string& where) {
  const int64_t k = logits.cols, p = static_cast<int64_t>(groups.size());
  auto z = torch::from_blob(const_cast<double*>(logits.values.data()), {logits.rows, k}, torch::kFloat64).clone();
  std::vector<int64_t> y64(labels.begin(), labels.end());
  auto y = torch::from_blob(y64.data(), {logits.rows}, torch::kInt64).clone();
  // log T (K) = fixed + M (K x P) @ params: differentiable and free of in-place indexing.
  auto fixed = torch::full({k}, std::log(base), torch::kFloat64);
  auto m = torch::zeros({k, p}, torch::kFloat64);
  for (int64_t j = 0; j < p; ++j)
    for (int c : groups[j]) {
      m[c][j] = 1.0;
      fixed[c] = 0.0;
    }
  auto params = torch::zeros({p}, torch::kFloat64).set_requires_grad(true);

  torch::optim::LBFGS optimiser({params}, torch::optim::LBFGSOptions(1.0)
                                              .max_iter(o.max_iterations)
                                              .tolerance_grad(o.tolerance_grad)
                                              .tolerance_change(o.tolerance_change)
                                              .history_size(100)
                                              .line_search_fn("strong_wolfe"));
  auto closure = [&] {
    torch::AutoGradMode enable(true);  // LBFGS::step runs under NoGradGuard
    optimiser.zero_grad();
    auto log_t = fixed + torch::mv(m, params);
    auto loss = torch::nn::functional::cross_entropy(z / log_t.exp(), y);
    loss.backward();
    return loss;
  };
  optimiser.step(closure);

  torch::NoGradGuard no_grad;
  auto temperatures = (fixed + torch::mv(m, params)).exp().contiguous();
  std::vector<double> t(temperatures.data_ptr<double>(), temperatures.data_ptr<double>() + k);
  for (int64_t j = 0; j < p; ++j) {
    const int c = groups[j][0];
    const std::string name = where + (p > 1 ? " class " + std::to_string(c) : std::string());
    if (!std::isfinite(t[c]) || t[c] <= 0)
      throw Error(name, "a finite temperature > 0 at the NLL optimum", "T = " + std::to_string(t[c]));
  }
  // The NLL is convex in 1/T_k, so at an interior optimum halving or doubling a temperature cannot
  // lower it. When it does, the minimum lies at T -> 0 or T -> infinity (perfectly separable
  // logits) and LBFGS merely stopped where the slope became tiny.
  const double at_fit = temperature_nll(logits, labels, t);
  for (int64_t j = 0; j < p; ++j) {
    for (double factor : {0.5, 2.0}) {
      std::vector<double> moved = t;
      for (int c : groups[j]) moved[c] *= factor;
      if (temperature_nll(logits, labels, moved) < at_fit * (1 - 1e-9)) {
        const int c = groups[j][0];
        throw Error(where + (p > 1 ? " class " + std::to_string(c) : std::string()),
                    "an NLL minimum at a finite temperature",
                    "NLL still falling as T " + std::string(factor < 1 ? "-> 0" : "-> infinity") + " (T = " +
                        std::to_string(t[c]) + "; are the logits perfectly separable?)");
      }
    }
  }
  return t;
}

}  // namespace

ProbabilityMatrix softmax_with_temperatures(const LogitMatrix& logits, const std::vector<double>& class_temperatures) {
  if (static_cast<int>(class_temperatures.size()) != logits.cols)
    throw Error("class temperatures", std::to_string(logits.cols) + " values (one per class)",
                std::to_string(class_temperatures.size()));
  for (size_t k = 0; k < class_temperatures.size(); ++k)
    if (!(class_temperatures[k] > 0) || !std::isfinite(class_temperatures[k]))
      throw Error("class temperature " + std::to_string(k), "a finite value > 0", std::to_string(class_temperatures[k]));
  ProbabilityMatrix p(logits.rows, logits.cols);
  std::vector<double> s(static_cast<size_t>(logits.cols));
  for (int64_t i = 0; i < logits.rows; ++i) {
    double top = -INFINITY;
    for (int k = 0; k < logits.cols; ++k) {
      s[k] = logits.at(i, k) / class_temperatures[k];
      top = std::max(top, s[k]);
    }
    double sum = 0;
    for (int k = 0; k < logits.cols; ++k) sum += (s[k] = std::exp(s[k] - top));
    for (int k = 0; k < logits.cols; ++k) p.at(i, k) = s[k] / sum;
  }
  return p;
}

ProbabilityMatrix softmax_with_temperature(const LogitMatrix& logits, double temperature) {
  if (!(temperature > 0) || !std::isfinite(temperature))
    throw Error("temperature", "a finite value > 0", std::to_string(temperature));
  return softmax_with_temperatures(logits, std::vector<double>(static_cast<size_t>(logits.cols), temperature));
}

TemperatureFit fit_temperature(const LogitMatrix& logits, const std::vector<int>& labels, const TemperatureOptions& o) {
  check_logits(logits, labels, "temperature fit");
  TemperatureFit f;
  std::vector<int> every(static_cast<size_t>(logits.cols));
  for (int k = 0; k < logits.cols; ++k) every[k] = k;
  f.temperature = fit_temperatures(logits, labels, {every}, 1.0, o, "temperature fit")[0];
  f.before = calibration_metrics(softmax_with_temperature(logits, 1.0), labels, o.ece_bins);
  f.after = calibration_metrics(softmax_with_temperature(logits, f.temperature), labels, o.ece_bins);
  return f;
}

TemperatureFit fit_class_temperatures(const LogitMatrix& logits, const std::vector<int>& labels,
                                      const TemperatureOptions& o) {
  check_logits(logits, labels, "per-class temperature fit");
  // A class absent from the labels has no NLL minimum of its own (its T_k only pushes its
  // probability down): it keeps the global temperature.
  const double global = fit_temperature(logits, labels, o).temperature;
  std::vector<bool> present(static_cast<size_t>(logits.cols), false);
  for (int y : labels) present[y] = true;
  std::vector<std::vector<int>> groups;
  TemperatureFit f;
  f.temperature = global;
  for (int k = 0; k < logits.cols; ++k) {
    if (present[k]) {
      groups.push_back({k});
    } else {
      f.fixed_classes.push_back(k);
    }
  }
  f.class_temperatures = fit_temperatures(logits, labels, groups, global, o, "per-class temperature fit");
  f.before = calibration_metrics(softmax_with_temperature(logits, 1.0), labels, o.ece_bins);
  f.after = calibration_metrics(softmax_with_temperatures(logits, f.class_temperatures), labels, o.ece_bins);
  return f;
}

}  // namespace ferkit
