// Unknown gating stage (ferkit/live/unknown_gate.h).
#include "ferkit/live/unknown_gate.h"

#include <algorithm>

#include "ferkit/error.h"

namespace ferkit {

UnknownGate::UnknownGate(const UnknownGateOptions& options, const std::vector<double>& model_thresholds) : opt_(options) {
  set_min_probability(opt_.min_probability);
  const std::vector<double>* per_class = nullptr;
  if (!opt_.class_thresholds.empty()) per_class = &opt_.class_thresholds;
  else if (opt_.use_model_thresholds && !model_thresholds.empty()) per_class = &model_thresholds;
  if (per_class) {
    const char* where = per_class == &opt_.class_thresholds ? "gate.class_thresholds" : "the model sidecar's abstain_thresholds";
    FERKIT_CHECK(per_class->size() == static_cast<size_t>(kNumClasses),
                 where << ": expected " << kNumClasses << " values (canonical class order), got " << per_class->size());
    for (int k = 0; k < kNumClasses; ++k) {
      FERKIT_CHECK((*per_class)[k] >= 0 && (*per_class)[k] <= 1, where << "[" << k << "] must be in [0, 1], got " << (*per_class)[k]);
      per_class_[k] = (*per_class)[k];
    }
  }
}

void UnknownGate::set_min_probability(double p) {
  FERKIT_CHECK(p >= 0 && p <= 1, "gate.min_probability must be in [0, 1], got " << p);
  opt_.min_probability = p;
}

double UnknownGate::threshold(int label) const {
  FERKIT_CHECK(label >= 0 && label < kNumClasses, "gate: label " << label << " is not a class index");
  return std::max(opt_.min_probability, per_class_[label]);
}

int UnknownGate::apply(int label, const ClassProbs& smoothed) const {
  if (label == kNoLabel) return kNoLabel;
  return static_cast<double>(smoothed[label]) >= threshold(label) ? label : kNoLabel;
}

}  // namespace ferkit
