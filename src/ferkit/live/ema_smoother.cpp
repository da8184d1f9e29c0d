// Temporal smoothing, EMA (ferkit/live/ema_smoother.h).
#include "ferkit/live/ema_smoother.h"

#include "ferkit/error.h"

namespace ferkit {

EmaSmoother::EmaSmoother(const EmaOptions& options) : alpha_(0) { set_alpha(options.alpha); }

void EmaSmoother::set_alpha(double alpha) {
  FERKIT_CHECK(alpha > 0 && alpha <= 1, "ema.alpha must be in (0, 1], got " << alpha);
  alpha_ = alpha;
}

const ClassProbs& EmaSmoother::update(const ClassProbs& raw) {
  if (!started_) {
    p_ = raw;
    started_ = true;
    return p_;
  }
  const float a = static_cast<float>(alpha_);
  for (int k = 0; k < kNumClasses; ++k) p_[k] = a * raw[k] + (1.f - a) * p_[k];
  return p_;
}

}  // namespace ferkit
