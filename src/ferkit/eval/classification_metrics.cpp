// Accuracy, per-class precision/recall/F1, class averages and one-vs-rest AUROC, with
// scikit-learn's conventions (zero_division=0, trapezoidal AUROC with ties counted 1/2).
#include "ferkit/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ferkit/error.h"

namespace ferkit {

std::vector<int> all_classes(int num_classes) {
  std::vector<int> c(static_cast<size_t>(std::max(num_classes, 0)));
  std::iota(c.begin(), c.end(), 0);
  return c;
}

std::vector<int> present_classes(const std::vector<int>& labels, int num_classes) {
  std::vector<bool> seen(static_cast<size_t>(num_classes), false);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes)
      throw Error("label " + std::to_string(i), "a class in [0, " + std::to_string(num_classes) + ")",
                  std::to_string(labels[i]));
    seen[labels[i]] = true;
  }
  std::vector<int> out;
  for (int k = 0; k < num_classes; ++k)
    if (seen[k]) out.push_back(k);
  return out;
}

ConfusionMatrix confusion_matrix(const std::vector<int>& labels, const std::vector<int>& predicted, int num_classes) {
  if (labels.size() != predicted.size())
    throw Error("confusion matrix", std::to_string(labels.size()) + " predictions (one per label)",
                std::to_string(predicted.size()));
  ConfusionMatrix c(static_cast<size_t>(num_classes), std::vector<int64_t>(static_cast<size_t>(num_classes), 0));
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes || predicted[i] < 0 || predicted[i] >= num_classes)
      throw Error("confusion matrix sample " + std::to_string(i),
                  "true and predicted classes in [0, " + std::to_string(num_classes) + ")",
                  std::to_string(labels[i]) + " and " + std::to_string(predicted[i]));
    ++c[labels[i]][predicted[i]];
  }
  return c;
}

std::vector<ClassReport> class_reports(const ConfusionMatrix& confusion) {
  const size_t k = confusion.size();
  std::vector<ClassReport> out(k);
  for (size_t c = 0; c < k; ++c) {
    int64_t tp = confusion[c][c], fn = 0, fp = 0;
    for (size_t j = 0; j < k; ++j) {
      if (j == c) continue;
      fn += confusion[c][j];
      fp += confusion[j][c];
    }
    ClassReport& r = out[c];
    r.support = tp + fn;
    r.precision = tp + fp > 0 ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0;
    r.recall = tp + fn > 0 ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0.0;
    r.f1 = 2 * tp + fp + fn > 0 ? 2.0 * static_cast<double>(tp) / static_cast<double>(2 * tp + fp + fn) : 0.0;
  }
  return out;
}

double accuracy(const ConfusionMatrix& confusion) {
  int64_t correct = 0, total = 0;
  for (size_t i = 0; i < confusion.size(); ++i)
    for (size_t j = 0; j < confusion[i].size(); ++j) {
      total += confusion[i][j];
      if (i == j) correct += confusion[i][j];
    }
  if (total == 0) throw Error("accuracy", "at least one sample", "none");
  return static_cast<double>(correct) / static_cast<double>(total);
}

namespace {

template <class Field>
double mean_over(const std::vector<ClassReport>& reports, const std::vector<int>& classes, Field field,
                 const char* what) {
  if (classes.empty()) throw Error(what, "at least one class to average over", "none");
  double s = 0;
  for (int c : classes) {
    if (c < 0 || c >= static_cast<int>(reports.size()))
      throw Error(what, "classes in [0, " + std::to_string(reports.size()) + ")", std::to_string(c));
    s += field(reports[c]);
  }
  return s / static_cast<double>(classes.size());
}

}  // namespace

double mean_f1(const std::vector<ClassReport>& reports, const std::vector<int>& classes) {
  return mean_over(reports, classes, [](const ClassReport& r) { return r.f1; }, "mean F1");
}

double mean_recall(const std::vector<ClassReport>& reports, const std::vector<int>& classes) {
  return mean_over(reports, classes, [](const ClassReport& r) { return r.recall; }, "mean recall");
}

double binary_auroc(const std::vector<double>& scores, const std::vector<bool>& positive) {
  if (scores.size() != positive.size())
    throw Error("AUROC", std::to_string(scores.size()) + " positive flags (one per score)",
                std::to_string(positive.size()));
  const size_t n = scores.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Mann-Whitney: sum of the (mid-)ranks of the positives. Ranks are exact halves, so the sum is
  // exact in double for any realistic n.
  double rank_sum = 0;
  int64_t n_pos = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) ++j;
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2.0;
    for (size_t t = i; t <= j; ++t)
      if (positive[order[t]]) {
        rank_sum += mid_rank;
        ++n_pos;
      }
    i = j + 1;
  }
  const int64_t n_neg = static_cast<int64_t>(n) - n_pos;
  if (n_pos == 0 || n_neg == 0) return std::numeric_limits<double>::quiet_NaN();
  const double u = rank_sum - static_cast<double>(n_pos) * static_cast<double>(n_pos + 1) / 2.0;
  return u / (static_cast<double>(n_pos) * static_cast<double>(n_neg));
}

ClassificationMetrics classification_metrics(const ProbabilityMatrix& p, const std::vector<int>& labels,
                                             const std::vector<int>& averaged_classes) {
  check_probabilities(p, "probabilities");
  check_labels(labels, p.rows, p.cols, "true labels");
  if (p.rows == 0) throw Error("classification metrics", "at least one sample", "none");
  ClassificationMetrics m;
  m.averaged_classes = averaged_classes;
  m.confusion = confusion_matrix(labels, argmax_rows(p), p.cols);
  m.per_class = class_reports(m.confusion);
  m.accuracy = accuracy(m.confusion);
  m.macro_f1 = mean_f1(m.per_class, averaged_classes);
  m.balanced_accuracy = mean_recall(m.per_class, averaged_classes);

  m.class_auroc.assign(static_cast<size_t>(p.cols), std::numeric_limits<double>::quiet_NaN());
  std::vector<double> scores(static_cast<size_t>(p.rows));
  std::vector<bool> positive(static_cast<size_t>(p.rows));
  for (int k = 0; k < p.cols; ++k) {
    for (int64_t i = 0; i < p.rows; ++i) {
      scores[i] = p.at(i, k);
      positive[i] = labels[i] == k;
    }
    m.class_auroc[k] = binary_auroc(scores, positive);
  }
  double sum = 0;
  for (int k : averaged_classes) {
    if (std::isnan(m.class_auroc[k])) {
      m.auroc_excluded.push_back(k);
    } else {
      m.auroc_classes.push_back(k);
      sum += m.class_auroc[k];
    }
  }
  if (!m.auroc_classes.empty()) m.macro_auroc = sum / static_cast<double>(m.auroc_classes.size());
  return m;
}

}  // namespace ferkit
