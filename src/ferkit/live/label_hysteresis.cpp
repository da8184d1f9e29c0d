// Temporal smoothing, hysteresis (ferkit/live/label_hysteresis.h).
#include "ferkit/live/label_hysteresis.h"

#include "ferkit/error.h"

namespace ferkit {

LabelHysteresis::LabelHysteresis(const HysteresisOptions& options) : delta_(0) { set_delta(options.delta); }

void LabelHysteresis::set_delta(double delta) {
  FERKIT_CHECK(delta >= 0 && delta < 1, "hysteresis.delta must be in [0, 1), got " << delta);
  delta_ = delta;
}

int LabelHysteresis::update(int candidate, const ClassProbs& smoothed) {
  if (candidate == kNoLabel) return label_;
  FERKIT_CHECK(candidate >= 0 && candidate < kNumClasses, "hysteresis: label " << candidate << " is not a class index");
  if (label_ == kNoLabel) {
    label_ = candidate;
  } else if (candidate != label_ && static_cast<double>(smoothed[candidate]) > static_cast<double>(smoothed[label_]) + delta_) {
    label_ = candidate;
  }
  return label_;
}

}  // namespace ferkit
