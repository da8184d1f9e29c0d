// Classification stage (ferkit/live/batch_classifier.h).
#include "ferkit/live/batch_classifier.h"

#include <opencv2/core/mat.hpp>

#include "ferkit/error.h"

namespace ferkit {

std::vector<ClassScores> classify_batch(Classifier& classifier, const std::vector<cv::Mat>& crops, const ClassifyOptions& options) {
  if (crops.empty()) return {};
  std::vector<ClassScores> out = classifier.predict(crops, options.calibrated, options.flip_tta);
  if (out.size() != crops.size())
    throw Error("classifier backend '" + classifier.info().backend + "'", std::to_string(crops.size()) + " results for " +
                std::to_string(crops.size()) + " faces", std::to_string(out.size()));
  return out;
}

}  // namespace ferkit
