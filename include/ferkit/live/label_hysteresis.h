// Temporal smoothing, step 3: hysteresis on the displayed label of one track.
//
//   ferkit::LabelHysteresis h(ferkit::HysteresisOptions{});   // delta 0.20
//   int shown = h.update(candidate, smoothed_probs);
//
// The first candidate (not kNoLabel) is taken as is. Afterwards the label switches from the current
// label c to a candidate n != c only when smoothed[n] > smoothed[c] + delta, i.e. the new label's
// smoothed probability exceeds the current one's by more than delta. A kNoLabel candidate keeps the
// current label. delta = 0 switches whenever the candidate is strictly more probable.
#pragma once

#include "ferkit/live/ema_smoother.h"
#include "ferkit/live/label_vote.h"

namespace ferkit {

struct HysteresisOptions {
  double delta = 0.20;  // switch only when the new label's smoothed probability exceeds the current one's by more than delta
  template <class V> void visit(V& v) {
    v("delta", delta, "switch only when the new label's smoothed probability exceeds the current one's by more than delta");
  }
};

class LabelHysteresis {
 public:
  explicit LabelHysteresis(const HysteresisOptions& options);  // delta >= 0
  int update(int candidate, const ClassProbs& smoothed);
  int label() const { return label_; }
  void set_delta(double delta);
  double delta() const { return delta_; }
  void reset() { label_ = kNoLabel; }

 private:
  double delta_;
  int label_ = kNoLabel;
};

}  // namespace ferkit
