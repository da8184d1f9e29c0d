// Selective prediction: per-class confidence thresholds, the "unknown" answer, and the
// coverage-risk curve.
//
//   ferkit::AbstentionOptions o;                      // target precision 0.75
//   ferkit::AbstentionThresholds t = ferkit::fit_abstention_thresholds(p_valid, y_valid, o);
//   t.thresholds;        // t_k per class; 1.0 where no threshold reaches the target precision
//   t.unreached();       // those classes (they always abstain)
//   std::vector<int> pred = ferkit::apply_abstention(p_test, t.thresholds);   // -1 = unknown
//   ferkit::SelectiveSummary s = ferkit::summarise_selective(pred, y_test);    // coverage, risk
//   ferkit::CoverageRiskCurve c = ferkit::coverage_risk_curve(p_test, y_test); // c.aurc
//
// Rule: a sample is predicted as its argmax class k; it is accepted when its confidence (the max
// probability) is strictly above t_k and becomes unknown (kUnknown, -1) otherwise. Since a
// confidence never exceeds 1, t_k = 1.0 abstains on every prediction of class k.
//
// Fitting, per class k on validation data: the candidate thresholds are 0 (accept all) and each
// distinct confidence of the samples predicted k (accept those above it). For each candidate,
// precision = correct accepted k / accepted k and recall = correct accepted k / true k in the
// whole set; the chosen threshold has the largest F1 among the candidates with at least one
// accepted sample and precision >= target, the lowest threshold on ties (more coverage). When no
// candidate reaches the target (or the class is never predicted) t_k = 1.0 and reached_target is
// false.
//
// Coverage-risk: samples sorted by confidence (descending); a threshold accepts the top m, or all
// of a group of equal confidences at once. For each such m: coverage = m / N and selective risk =
// errors among the accepted / m. AURC = sum over points of risk * (coverage - previous coverage),
// which is the mean over m = 1..N of the risk when confidences are distinct.
#pragma once

#include <cstdint>
#include <vector>

#include "ferkit/class_matrix.h"

namespace ferkit {

constexpr int kUnknown = -1;  // an abstained prediction

struct AbstentionOptions {
  double target_precision = 0.75;  // minimum per-class precision of the accepted predictions

  template <class V>
  void visit(V& v) {
    v("target_precision", target_precision, "minimum per-class precision of the accepted predictions");
  }
};

struct ClassThreshold {
  double threshold = 1.0;       // accept a prediction of this class when confidence > threshold
  bool reached_target = false;  // false: no threshold reached the target; threshold = 1.0
  double precision = 0;         // on the fitting data at the chosen threshold (0 when unreached)
  double recall = 0;
  double f1 = 0;
  int64_t accepted = 0;         // predictions of the class kept
  int64_t predicted = 0;        // predictions of the class before thresholding
};

struct AbstentionThresholds {
  double target_precision = 0.75;
  std::vector<double> thresholds;      // t_k, one per class
  std::vector<ClassThreshold> per_class;
  // Classes where no threshold reached the target precision (they always abstain).
  std::vector<int> unreached() const;
};

AbstentionThresholds fit_abstention_thresholds(const ProbabilityMatrix& p, const std::vector<int>& labels,
                                               const AbstentionOptions& options = {});

// Argmax predictions with those at or below their class threshold replaced by kUnknown.
std::vector<int> apply_abstention(const ProbabilityMatrix& p, const std::vector<double>& thresholds);

struct SelectiveSummary {
  int64_t accepted = 0, abstained = 0;
  double coverage = 0;            // accepted / N
  double abstention_rate = 0;     // abstained / N
  double selective_accuracy = 0;  // correct / accepted (0 when nothing is accepted)
  double selective_risk = 0;      // 1 - selective_accuracy (0 when nothing is accepted)
};

// predictions: classes or kUnknown; labels: true classes.
SelectiveSummary summarise_selective(const std::vector<int>& predictions, const std::vector<int>& labels);
double abstention_rate(const std::vector<int>& predictions);

struct CoverageRiskCurve {
  std::vector<double> coverage;    // increasing, last = 1
  std::vector<double> risk;        // selective risk at that coverage
  std::vector<double> confidence;  // the lowest accepted confidence at that point
  double aurc = 0;                 // area under the curve (see above)
};

CoverageRiskCurve coverage_risk_curve(const ProbabilityMatrix& p, const std::vector<int>& labels);

}  // namespace ferkit
