// Temporal smoothing, step 1: exponential moving average of one track's class probabilities.
//
//   ferkit::EmaSmoother ema(ferkit::EmaOptions{});   // alpha 0.65
//   ferkit::ClassProbs p = ema.update(raw);   // p_t = alpha * raw_t + (1 - alpha) * p_{t-1}
//
// Which way alpha weighs: alpha is the weight of the NEW frame. alpha = 1 shows the raw
// probabilities unchanged; smaller alpha smooths more (alpha = 0.65: a frame's weight has fallen
// below 5% after 3 further frames, since 0.35^3 = 0.043). The first update returns raw itself. The
// average is per processed frame (not per second), so the same alpha smooths over a shorter time
// at a higher frame rate. The result still sums to 1 when the inputs do.
#pragma once

#include <array>

#include "ferkit/taxonomy.h"

namespace ferkit {

using ClassProbs = std::array<float, kNumClasses>;

struct EmaOptions {
  double alpha = 0.65;  // weight of the new frame: p_t = alpha * raw + (1 - alpha) * p_{t-1}; 1 = no smoothing
  template <class V> void visit(V& v) {
    v("alpha", alpha, "weight of the new frame: p_t = alpha * raw + (1 - alpha) * p_{t-1} (1 = no smoothing)");
  }
};

class EmaSmoother {
 public:
  explicit EmaSmoother(const EmaOptions& options);  // alpha in (0, 1]; throws ferkit::Error otherwise
  const ClassProbs& update(const ClassProbs& raw);
  const ClassProbs& value() const { return p_; }
  bool started() const { return started_; }
  void set_alpha(double alpha);
  double alpha() const { return alpha_; }
  void reset() { started_ = false; }

 private:
  double alpha_;
  ClassProbs p_{};
  bool started_ = false;
};

}  // namespace ferkit
