// A Classifier whose probabilities are given in advance: for dry runs of the live pipeline without
// a trained model, for benchmarks of everything around the classifier, and for tests.
//
//   ferkit::ScriptedClassifier clf({{0.1, 0.7, 0.05, 0.05, 0.05, 0.02, 0.02, 0.01}});
//   clf.predict({face});                       // that row, for every face
//   auto c = ferkit::ScriptedClassifier::from_csv("script.csv");   // `ferkit live --backend scripted`
//
// The i-th face classified (counting across calls, in order) gets row i mod rows. Rows are
// probabilities in canonical class order; logits() returns their logarithms, so predict() with
// T = 1 gives the rows back (normalised). CSV script: a header naming the 8 classes in any order
// (canonical names or synonyms) and one row per step; errors name the file and line. Faces must be
// non-empty 8-bit images (the same check a real backend makes).
#pragma once

#include <filesystem>
#include <vector>

#include "ferkit/classifier.h"

namespace ferkit {

class ScriptedClassifier : public Classifier {
 public:
  explicit ScriptedClassifier(std::vector<std::array<float, kNumClasses>> rows);
  static std::unique_ptr<ScriptedClassifier> from_csv(const std::filesystem::path& script);

  std::vector<ClassLogits> logits(const std::vector<cv::Mat>& faces) override;
  const ClassifierInfo& info() const override { return info_; }
  ClassifierInfo& mutable_info() { return info_; }  // to set temperatures or thresholds in tests
  int64_t calls() const { return calls_; }           // logits() calls so far
  int64_t faces() const { return faces_; }           // faces classified so far

 private:
  std::vector<ClassLogits> logits_;
  ClassifierInfo info_;
  int64_t calls_ = 0, faces_ = 0;
};

}  // namespace ferkit
