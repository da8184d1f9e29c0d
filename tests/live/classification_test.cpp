// The classification stage alone: one batched call per frame, order kept, temperature on/off;
// and the scripted classifier used for dry runs.
#include <gtest/gtest.h>

#include <cmath>

#include "fake_classifier.h"
#include "ferkit/error.h"
#include "ferkit/live/batch_classifier.h"
#include "ferkit/live/scripted_classifier.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

cv::Mat patch(int gray) { return cv::Mat(30, 30, CV_8UC3, cv::Scalar(gray, gray, gray)); }

TEST(ClassifyBatch, AllFacesInOneCallInOrder) {
  test::MeanIntensityClassifier clf;
  // Gray 10 -> class 0, 70 -> 2, 250 -> 7, 100 -> 3.
  auto s = classify_batch(clf, {patch(10), patch(70), patch(250), patch(100)}, ClassifyOptions{});
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].label, 0);
  EXPECT_EQ(s[1].label, 2);
  EXPECT_EQ(s[2].label, 7);
  EXPECT_EQ(s[3].label, 3);
  EXPECT_EQ(clf.batch_sizes, (std::vector<int>{4}));
  // softmax with logit 4 on one class: e^4 / (e^4 + 7).
  EXPECT_NEAR(s[0].probs[0], std::exp(4.0) / (std::exp(4.0) + 7.0), 1e-6);
  EXPECT_TRUE(classify_batch(clf, {}, ClassifyOptions{}).empty());
  EXPECT_EQ(clf.batch_sizes.size(), 1u);  // no call for an empty batch
}

TEST(ClassifyBatch, TemperatureFromTheSidecarCanBeSwitchedOff) {
  // p = (0.4, 0.2, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05); T = 2 gives sqrt(p) normalised.
  std::array<float, kNumClasses> p = {0.4f, 0.2f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f};
  ScriptedClassifier clf({p});
  clf.mutable_info().temperature = 2.0;
  ClassifyOptions o;
  auto calibrated = classify_batch(clf, {patch(0)}, o);
  double norm = 0;
  for (float v : p) norm += std::sqrt(v);
  EXPECT_NEAR(calibrated[0].probs[0], std::sqrt(0.4) / norm, 1e-6);
  EXPECT_NEAR(calibrated[0].probs[7], std::sqrt(0.05) / norm, 1e-6);
  o.calibrated = false;
  auto raw = classify_batch(clf, {patch(0)}, o);
  for (int k = 0; k < kNumClasses; ++k) EXPECT_NEAR(raw[0].probs[k], p[k], 1e-6);
  // Per-class temperatures: class 0 divided by 4, the rest by 1.
  clf.mutable_info().class_temperatures = {4, 1, 1, 1, 1, 1, 1, 1};
  auto per_class = classify_batch(clf, {patch(0)}, ClassifyOptions{});
  double z = std::pow(0.4, 0.25) + 0.6;
  EXPECT_NEAR(per_class[0].probs[0], std::pow(0.4, 0.25) / z, 1e-6);
}

class WrongCountClassifier : public test::MeanIntensityClassifier {
 public:
  std::vector<ClassLogits> logits(const std::vector<cv::Mat>& faces) override {
    auto out = MeanIntensityClassifier::logits(faces);
    out.pop_back();
    return out;
  }
};

TEST(ClassifyBatch, ABackendReturningTheWrongCountIsAnError) {
  WrongCountClassifier clf;
  try {
    classify_batch(clf, {patch(1), patch(2)}, ClassifyOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fake"), std::string::npos) << e.what();
  }
}

TEST(ScriptedClassifier, CyclesRowsAcrossCallsAndReadsCsvInAnyColumnOrder) {
  test::TempDir dir("scripted");
  test::write_text(dir / "s.csv",
                   "happy,neutral,surprise,sadness,anger,disgust,fear,contempt\n"
                   "0.7,0.1,0.1,0.1,0,0,0,0\n"
                   "0,0,0,0,0,0,0.5,0.5\n");
  auto clf = ScriptedClassifier::from_csv(dir / "s.csv");
  auto a = clf->predict({patch(0), patch(0)});
  auto b = clf->predict({patch(0)});
  EXPECT_NEAR(a[0].probs[kHappiness], 0.7, 1e-6);
  EXPECT_NEAR(a[0].probs[kNeutral], 0.1, 1e-6);
  EXPECT_NEAR(a[1].probs[kFear], 0.5, 1e-6);
  EXPECT_NEAR(b[0].probs[kHappiness], 0.7, 1e-6);  // third face: row 0 again
  EXPECT_EQ(clf->calls(), 2);
  EXPECT_EQ(clf->faces(), 3);
  EXPECT_THROW(clf->predict({cv::Mat()}), Error);
}

TEST(ScriptedClassifier, BadScriptsNameFileAndLine) {
  test::TempDir dir("scripted-bad");
  test::write_text(dir / "a.csv", "happy,neutral,surprise,sadness,anger,disgust,fear,smug\n1,0,0,0,0,0,0,0\n");
  test::write_text(dir / "b.csv", "happy,neutral,surprise,sadness,anger,disgust,fear,contempt\n1,0,0,0,0,0,0,0\n0.5,0.5,x,0,0,0,0,0\n");
  test::write_text(dir / "c.csv", "happy,neutral,surprise,sadness,anger,disgust,fear,contempt\n1,0,0\n");
  for (const auto& [file, where, what] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"a.csv", "a.csv:1", "smug"}, {"b.csv", "b.csv:3", "surprise"}, {"c.csv", "c.csv:2", "3 fields"}}) {
    try {
      ScriptedClassifier::from_csv(dir / file);
      ADD_FAILURE() << file << ": expected an error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace ferkit
