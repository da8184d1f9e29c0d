// A deterministic fake Classifier for the live tests: the class follows the crop's mean gray level,
// so a test can tell which crop produced which result; every call's batch size is recorded.
#pragma once

#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/classifier.h"

namespace ferkit::test {

class MeanIntensityClassifier : public Classifier {
 public:
  MeanIntensityClassifier() {
    info_.backend = "fake";
    info_.class_names.assign(class_names().begin(), class_names().end());
  }
  // Class k = floor(mean gray / 32) gets logit 4, the others 0.
  static int class_of(const cv::Mat& face) {
    cv::Mat g = face;
    if (face.channels() == 3) cv::cvtColor(face, g, cv::COLOR_BGR2GRAY);
    return std::min(kNumClasses - 1, static_cast<int>(cv::mean(g)[0] / 32.0));
  }
  std::vector<ClassLogits> logits(const std::vector<cv::Mat>& faces) override {
    batch_sizes.push_back(static_cast<int>(faces.size()));
    std::vector<ClassLogits> out;
    for (const auto& f : faces) {
      ClassLogits z{};
      z[class_of(f)] = 4.f;
      out.push_back(z);
    }
    return out;
  }
  const ClassifierInfo& info() const override { return info_; }
  ClassifierInfo info_;
  std::vector<int> batch_sizes;
};

}  // namespace ferkit::test
