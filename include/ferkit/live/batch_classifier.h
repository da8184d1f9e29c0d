// Classification stage: all face crops of a frame in one Classifier call.
//
//   ferkit::ClassifyOptions o;                       // calibrated = true
//   std::vector<ferkit::ClassScores> s = ferkit::classify_batch(*clf, crops, o);
//
// The Classifier applies the model's own preprocessing (sidecar input size, channels, mean/std;
// ferkit/preprocess.h) and, with calibrated on, the sidecar's global or per-class temperature
// (Classifier::predict(calibrated=true)). Contract: one ClassScores per crop, in crop order; no
// call is made for an empty batch; a backend that returns another count is an Error naming it.
#pragma once

#include <vector>

#include "ferkit/classifier.h"

namespace ferkit {

struct ClassifyOptions {
  bool calibrated = true;  // apply the sidecar's temperature scaling (false: T = 1)
  bool flip_tta = false;   // average each face with its mirror image (two backend calls per frame)
  template <class V> void visit(V& v) {
    v("calibrated", calibrated, "apply the model sidecar's temperature scaling (false: T = 1)");
    v("flip_tta", flip_tta, "average each face with its mirror image (twice the classifier time)");
  }
};

std::vector<ClassScores> classify_batch(Classifier& classifier, const std::vector<cv::Mat>& crops,
                                        const ClassifyOptions& options);

}  // namespace ferkit
