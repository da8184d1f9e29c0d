// ECE with equal-width (lo, hi] confidence bins, reliability-diagram data, NLL and Brier score.
#include <algorithm>
#include <cmath>

#include "ferkit/error.h"
#include "ferkit/metrics.h"

namespace ferkit {

int confidence_bin(double confidence, int bins) {
  if (bins < 1) throw Error("confidence bins", "at least 1 bin", std::to_string(bins));
  if (!(confidence >= 0 && confidence <= 1.0 + 1e-6))
    throw Error("confidence", "a value in [0, 1]", std::to_string(confidence));
  // Compare against the edges b / bins themselves rather than computing ceil(c * bins) - 1: a
  // confidence equal to an edge (1/15 as a double) must land in the bin it closes, and c * bins
  // can round either way.
  int b = static_cast<int>(std::ceil(confidence * bins)) - 1;
  b = std::clamp(b, 0, bins - 1);
  while (b > 0 && confidence <= static_cast<double>(b) / bins) --b;
  while (b < bins - 1 && confidence > static_cast<double>(b + 1) / bins) ++b;
  return b;
}

std::vector<ReliabilityBin> reliability_bins(const ProbabilityMatrix& p, const std::vector<int>& labels, int bins) {
  check_probabilities(p, "probabilities");
  check_labels(labels, p.rows, p.cols, "true labels");
  if (bins < 1) throw Error("reliability bins", "at least 1 bin", std::to_string(bins));
  std::vector<ReliabilityBin> out(static_cast<size_t>(bins));
  std::vector<double> conf_sum(out.size(), 0.0);
  std::vector<int64_t> correct(out.size(), 0);
  const std::vector<int> predicted = argmax_rows(p);
  for (int64_t i = 0; i < p.rows; ++i) {
    const double c = p.at(i, predicted[i]);
    const int b = confidence_bin(c, bins);
    ++out[b].count;
    conf_sum[b] += c;
    correct[b] += predicted[i] == labels[i];
  }
  for (int b = 0; b < bins; ++b) {
    out[b].lo = static_cast<double>(b) / bins;
    out[b].hi = static_cast<double>(b + 1) / bins;
    if (out[b].count > 0) {
      out[b].mean_confidence = conf_sum[b] / static_cast<double>(out[b].count);
      out[b].accuracy = static_cast<double>(correct[b]) / static_cast<double>(out[b].count);
    }
  }
  return out;
}

CalibrationMetrics calibration_metrics(const ProbabilityMatrix& p, const std::vector<int>& labels, int bins) {
  CalibrationMetrics m;
  m.bins = reliability_bins(p, labels, bins);  // validates p and labels
  if (p.rows == 0) throw Error("calibration metrics", "at least one sample", "none");
  const double n = static_cast<double>(p.rows);
  for (const auto& b : m.bins)
    m.ece += static_cast<double>(b.count) / n * std::abs(b.accuracy - b.mean_confidence);
  for (int64_t i = 0; i < p.rows; ++i) {
    m.nll -= std::log(std::max(p.at(i, labels[i]), kNllProbabilityFloor));
    for (int k = 0; k < p.cols; ++k) {
      const double d = p.at(i, k) - (k == labels[i] ? 1.0 : 0.0);
      m.brier += d * d;
    }
  }
  m.nll /= n;
  m.brier /= n;
  return m;
}

}  // namespace ferkit
