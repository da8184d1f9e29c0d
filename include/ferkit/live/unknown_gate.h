// Unknown gating stage: show a label only when the model is sure enough, else "unknown".
//
//   ferkit::UnknownGateOptions o;            // min_probability 0.40
//   ferkit::UnknownGate gate(o, clf.info().abstain_thresholds);
//   int final_label = gate.apply(shown, smoothed);   // kNoLabel (unknown) or shown
//
// A label c passes when smoothed[c] >= max(min_probability, threshold[c]), where threshold[c] is
// class_thresholds[c] when that option is set, else the model sidecar's abstention threshold for c
// when use_model_thresholds is on and the sidecar has them, else 0. A kNoLabel input (no face, or
// no label yet) is unknown. Thresholds are probabilities in [0, 1].
#pragma once

#include <array>
#include <vector>

#include "ferkit/live/ema_smoother.h"
#include "ferkit/live/label_vote.h"

namespace ferkit {

struct UnknownGateOptions {
  double min_probability = 0.40;        // global threshold on the shown label's smoothed probability
  std::vector<double> class_thresholds; // per-class thresholds, canonical order (empty = none)
  bool use_model_thresholds = true;     // use the sidecar's abstention thresholds when present
  template <class V> void visit(V& v) {
    v("min_probability", min_probability, "global threshold on the shown label's smoothed probability");
    v("class_thresholds", class_thresholds, "per-class thresholds in canonical order (empty = none)");
    v("use_model_thresholds", use_model_thresholds, "use the model sidecar's abstention thresholds when present");
  }
};

class UnknownGate {
 public:
  // model_thresholds: ClassifierInfo::abstain_thresholds (empty or kNumClasses values).
  UnknownGate(const UnknownGateOptions& options, const std::vector<double>& model_thresholds = {});
  int apply(int label, const ClassProbs& smoothed) const;
  double threshold(int label) const;  // max(global, per-class) for label
  void set_min_probability(double p);
  double min_probability() const { return opt_.min_probability; }

 private:
  UnknownGateOptions opt_;
  std::array<double, kNumClasses> per_class_{};
};

}  // namespace ferkit
