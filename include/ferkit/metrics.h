// Classification and calibration metrics on predicted probabilities, and the metrics.json report.
//
//   ferkit::ProbabilityMatrix p = ...;            // N x 8, rows sum to 1
//   std::vector<int> y = ...;                      // true classes in [0, 8)
//   ferkit::EvaluationReport r = ferkit::evaluate(p, y);           // default EvaluationOptions
//   r.all_classes.macro_f1;   r.present_only.macro_f1;   r.calibration.ece;   r.ci_accuracy.lo;
//   nlohmann::json j = ferkit::metrics_to_json(r, "resnet18 seed 1", manifest.fingerprint());
//   nlohmann::json agg = ferkit::aggregate_runs({j1, j2, j3});     // {"mean": {...}, "std": {...}}
//
//   // the pieces, on any K >= 2:
//   auto pred = ferkit::argmax_rows(p);
//   auto m8 = ferkit::classification_metrics(p, y, ferkit::all_classes(8));         // "8way"
//   auto mp = ferkit::classification_metrics(p, y, ferkit::present_classes(y, 8));  // "present_only"
//
// Definitions (docs/metrics.md has them in full):
// - Predictions are the argmax over all K classes (first maximum on ties) in both views.
// - "8way": class averages (macro-F1, balanced accuracy = mean recall) run over all K classes with
//   scikit-learn's zero_division=0: a class with no true sample has recall 0 and a class never
//   predicted has precision 0. "present_only": the same predictions, averages over the classes that
//   occur in the true labels only (a prediction of an absent class is still an error).
// - Macro-AUROC: one-vs-rest AUROC of p[:, k] per averaged class, averaged over the classes whose
//   AUROC is defined (the class has at least one positive and one negative sample); a class absent
//   from the labels is excluded from the average (listed in auroc_excluded). NaN when none is
//   defined. Ties in scores count 1/2 (the trapezoidal ROC area, as scikit-learn).
// - Minority-F1: the mean 8-way F1 over EvaluationOptions::minority_classes.
// - Calibration: ECE over equal-width confidence bins (lo, hi] (bin 0 also holds 0), confidence =
//   max probability, correctness of the argmax; NLL = mean -log max(p_true, 1e-12); Brier = mean
//   over samples of sum_k (p_k - [k == y])^2.
// - Intervals: stratified bootstrap (ferkit/bootstrap.h) of the 8-way acc, macro-F1 and bACC.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ferkit/bootstrap.h"
#include "ferkit/class_matrix.h"
#include "ferkit/taxonomy.h"

namespace ferkit {

// --- classification ---------------------------------------------------------------------------

struct ClassReport {
  double precision = 0;  // tp / (tp + fp); 0 when the class is never predicted
  double recall = 0;     // tp / (tp + fn); 0 when the class has no true sample
  double f1 = 0;         // 2 tp / (2 tp + fp + fn); 0 when that is 0 / 0
  int64_t support = 0;   // true samples of the class
};

using ConfusionMatrix = std::vector<std::vector<int64_t>>;  // [true class][predicted class]

struct ClassificationMetrics {
  double accuracy = 0;
  double macro_f1 = 0;           // mean F1 over averaged_classes
  double balanced_accuracy = 0;  // mean recall over averaged_classes
  double macro_auroc = std::numeric_limits<double>::quiet_NaN();  // over auroc_classes
  std::vector<int> averaged_classes;  // the classes the averages run over
  std::vector<int> auroc_classes;     // averaged classes with a defined AUROC
  std::vector<int> auroc_excluded;    // averaged classes left out of the AUROC average
  std::vector<ClassReport> per_class;  // all K classes
  std::vector<double> class_auroc;     // all K classes, NaN where undefined
  ConfusionMatrix confusion;           // K x K counts
};

// The classes 0..K-1, and the classes that occur in labels (ascending).
std::vector<int> all_classes(int num_classes);
std::vector<int> present_classes(const std::vector<int>& labels, int num_classes);

ConfusionMatrix confusion_matrix(const std::vector<int>& labels, const std::vector<int>& predicted, int num_classes);
std::vector<ClassReport> class_reports(const ConfusionMatrix& confusion);
double accuracy(const ConfusionMatrix& confusion);
// Means of the per-class F1 / recall over `classes` (Error when classes is empty).
double mean_f1(const std::vector<ClassReport>& reports, const std::vector<int>& classes);
double mean_recall(const std::vector<ClassReport>& reports, const std::vector<int>& classes);

// Area under the ROC curve of scores for the positives (Mann-Whitney statistic, ties count 1/2);
// NaN when there is no positive or no negative.
double binary_auroc(const std::vector<double>& scores, const std::vector<bool>& positive);

// Everything above for the argmax predictions of p, averaging over averaged_classes.
ClassificationMetrics classification_metrics(const ProbabilityMatrix& p, const std::vector<int>& labels,
                                             const std::vector<int>& averaged_classes);

// --- calibration ------------------------------------------------------------------------------

struct ReliabilityBin {
  double lo = 0, hi = 0;         // the bin is (lo, hi]; bin 0 is [0, hi]
  int64_t count = 0;
  double mean_confidence = 0;    // 0 for an empty bin
  double accuracy = 0;           // 0 for an empty bin
};

struct CalibrationMetrics {
  double ece = 0;    // sum_b n_b / N * |accuracy_b - confidence_b|
  double nll = 0;    // mean -log max(p_true, 1e-12)
  double brier = 0;  // mean sum_k (p_k - y_k)^2
  std::vector<ReliabilityBin> bins;
};

constexpr double kNllProbabilityFloor = 1e-12;

// The bin of a confidence in [0, 1] among `bins` equal-width bins (lo, hi]; 0 goes to bin 0.
int confidence_bin(double confidence, int bins);
std::vector<ReliabilityBin> reliability_bins(const ProbabilityMatrix& p, const std::vector<int>& labels, int bins = 15);
CalibrationMetrics calibration_metrics(const ProbabilityMatrix& p, const std::vector<int>& labels, int bins = 15);

// --- the report -------------------------------------------------------------------------------

struct EvaluationOptions {
  // class set of minority-F1 (canonical names or synonyms)
  std::vector<std::string> minority_classes = {"disgust", "fear", "sadness"};
  int ece_bins = 15;                // equal-width confidence bins of the ECE
  BootstrapOptions bootstrap;       // resamples, seed and level of the intervals

  template <class V>
  void visit(V& v) {
    v("minority_classes", minority_classes, "class set of minority-F1");
    v("ece_bins", ece_bins, "equal-width confidence bins of the ECE");
    v("bootstrap", bootstrap, "stratified bootstrap of the 8-way acc, macro-F1 and bACC");
  }
};

struct EvaluationReport {
  int64_t n = 0;
  ClassificationMetrics all_classes;   // "8way"
  ClassificationMetrics present_only;  // "present_only"
  std::vector<int> minority_classes;
  double minority_f1 = 0;              // mean 8-way F1 over minority_classes
  CalibrationMetrics calibration;
  BootstrapOptions bootstrap;          // what the intervals were computed with
  Interval ci_accuracy, ci_macro_f1, ci_balanced_accuracy;  // 8-way
};

// Requires K == kNumClasses (the canonical taxonomy names the classes in the report).
EvaluationReport evaluate(const ProbabilityMatrix& p, const std::vector<int>& labels,
                          const EvaluationOptions& options = {});

// The metrics.json object:
// {"8way": {"acc","macro_f1","bacc","macro_auroc","minority_f1","minority_names","auroc_excluded",
//           "per_class": {"<name>": {"precision","recall","f1","support","auroc"}},"confusion"},
//  "present_only": {"acc","macro_f1","bacc","macro_auroc","present_names"},
//  "calibration": {"ece","nll","brier","bins","reliability": [{"lo","hi","count","confidence","accuracy"}]},
//  "ci95": {"acc": [lo, hi], "macro_f1": [lo, hi], "bacc": [lo, hi]},   (ci90 for level 0.90, ...)
//  "bootstrap": {"resamples","seed","level","scheme"}, "n", "dataset_fingerprint", "model"}
// An undefined value (NaN, e.g. macro_auroc with a single class present) is written as null.
nlohmann::json metrics_to_json(const EvaluationReport& report, const std::string& model,
                               const std::string& dataset_fingerprint);

// Mean and sample standard deviation (n - 1) over runs of every numeric leaf of metrics.json
// objects of the same shape: {"runs": R, "mean": <tree>, "std": <tree>}. Arrays are aggregated
// element-wise. A string leaf is kept when all runs agree and becomes the array of the runs' values
// otherwise. A null leaf in any run gives null; std is null for a single run. Throws ferkit::Error
// naming the run and JSON path where the shapes differ.
nlohmann::json aggregate_runs(const std::vector<nlohmann::json>& runs);

}  // namespace ferkit
