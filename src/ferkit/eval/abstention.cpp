// Per-class confidence thresholds for "unknown", and selective-prediction summaries.
#include "ferkit/abstention.h"

#include <algorithm>
#include <numeric>

#include "ferkit/error.h"

namespace ferkit {

std::vector<int> AbstentionThresholds::unreached() const {
  std::vector<int> out;
  for (size_t k = 0; k < per_class.size(); ++k)
    if (!per_class[k].reached_target) out.push_back(static_cast<int>(k));
  return out;
}

AbstentionThresholds fit_abstention_thresholds(const ProbabilityMatrix& p, const std::vector<int>& labels,
                                               const AbstentionOptions& options) {
  check_probabilities(p, "abstention fit probabilities");
  check_labels(labels, p.rows, p.cols, "abstention fit labels");
  if (!(options.target_precision >= 0 && options.target_precision <= 1))
    throw Error("abstention options", "target_precision in [0, 1]", std::to_string(options.target_precision));
  const std::vector<int> predicted = argmax_rows(p);
  const std::vector<double> confidence = max_per_row(p);
  std::vector<int64_t> support(static_cast<size_t>(p.cols), 0);
  for (int y : labels) ++support[y];

  AbstentionThresholds out;
  out.target_precision = options.target_precision;
  out.per_class.resize(static_cast<size_t>(p.cols));
  out.thresholds.assign(static_cast<size_t>(p.cols), 1.0);
  for (int k = 0; k < p.cols; ++k) {
    // (confidence, correct) of the predictions of class k, most confident first.
    std::vector<std::pair<double, bool>> preds;
    for (int64_t i = 0; i < p.rows; ++i)
      if (predicted[i] == k) preds.emplace_back(confidence[i], labels[i] == k);
    std::sort(preds.begin(), preds.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    ClassThreshold& best = out.per_class[k];
    best.predicted = static_cast<int64_t>(preds.size());
    int64_t accepted = 0, correct = 0;
    // Walk the groups of equal confidence from the top: after a group, the accepted set is
    // "confidence > next lower distinct confidence" (or > 0 after the last group).
    for (size_t i = 0; i < preds.size();) {
      size_t j = i;
      while (j < preds.size() && preds[j].first == preds[i].first) {
        correct += preds[j].second;
        ++j;
      }
      accepted = static_cast<int64_t>(j);
      const double threshold = j < preds.size() ? preds[j].first : 0.0;
      const double precision = static_cast<double>(correct) / static_cast<double>(accepted);
      const double recall = support[k] ? static_cast<double>(correct) / static_cast<double>(support[k]) : 0.0;
      const double f1 = 2.0 * static_cast<double>(correct) / static_cast<double>(accepted + support[k]);
      // >= : a later (lower) threshold with the same F1 wins, for more coverage.
      if (precision >= options.target_precision && (!best.reached_target || f1 >= best.f1)) {
        best.reached_target = true;
        best.threshold = threshold;
        best.precision = precision;
        best.recall = recall;
        best.f1 = f1;
        best.accepted = accepted;
      }
      i = j;
    }
    out.thresholds[k] = best.threshold;
  }
  return out;
}

std::vector<int> apply_abstention(const ProbabilityMatrix& p, const std::vector<double>& thresholds) {
  check_probabilities(p, "abstention probabilities");
  if (static_cast<int>(thresholds.size()) != p.cols)
    throw Error("abstention thresholds", std::to_string(p.cols) + " values (one per class)",
                std::to_string(thresholds.size()));
  std::vector<int> out = argmax_rows(p);
  for (int64_t i = 0; i < p.rows; ++i)
    if (!(p.at(i, out[i]) > thresholds[out[i]])) out[i] = kUnknown;
  return out;
}

SelectiveSummary summarise_selective(const std::vector<int>& predictions, const std::vector<int>& labels) {
  if (predictions.size() != labels.size())
    throw Error("selective summary", std::to_string(labels.size()) + " predictions (one per label)",
                std::to_string(predictions.size()));
  if (predictions.empty()) throw Error("selective summary", "at least one sample", "none");
  SelectiveSummary s;
  int64_t correct = 0;
  for (size_t i = 0; i < predictions.size(); ++i) {
    if (predictions[i] < kUnknown)
      throw Error("prediction " + std::to_string(i), "a class or -1 (unknown)", std::to_string(predictions[i]));
    if (predictions[i] == kUnknown) {
      ++s.abstained;
    } else {
      ++s.accepted;
      correct += predictions[i] == labels[i];
    }
  }
  const double n = static_cast<double>(predictions.size());
  s.coverage = static_cast<double>(s.accepted) / n;
  s.abstention_rate = static_cast<double>(s.abstained) / n;
  if (s.accepted > 0) {
    s.selective_accuracy = static_cast<double>(correct) / static_cast<double>(s.accepted);
    s.selective_risk = 1.0 - s.selective_accuracy;
  }
  return s;
}

double abstention_rate(const std::vector<int>& predictions) {
  if (predictions.empty()) throw Error("abstention rate", "at least one prediction", "none");
  return static_cast<double>(std::count(predictions.begin(), predictions.end(), kUnknown)) /
         static_cast<double>(predictions.size());
}

CoverageRiskCurve coverage_risk_curve(const ProbabilityMatrix& p, const std::vector<int>& labels) {
  check_probabilities(p, "coverage-risk probabilities");
  check_labels(labels, p.rows, p.cols, "coverage-risk labels");
  if (p.rows == 0) throw Error("coverage-risk curve", "at least one sample", "none");
  const std::vector<int> predicted = argmax_rows(p);
  const std::vector<double> confidence = max_per_row(p);
  std::vector<size_t> order(static_cast<size_t>(p.rows));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return confidence[a] > confidence[b]; });
  CoverageRiskCurve c;
  const double n = static_cast<double>(p.rows);
  int64_t errors = 0;
  double previous = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && confidence[order[j]] == confidence[order[i]]) {
      errors += predicted[order[j]] != labels[order[j]];
      ++j;
    }
    const double coverage = static_cast<double>(j) / n;
    const double risk = static_cast<double>(errors) / static_cast<double>(j);
    c.coverage.push_back(coverage);
    c.risk.push_back(risk);
    c.confidence.push_back(confidence[order[i]]);
    c.aurc += risk * (coverage - previous);
    previous = coverage;
    i = j;
  }
  return c;
}

}  // namespace ferkit
