// `ferkit robust` as a library call (ferkit/robust_benchmark.h), with fake classifiers whose answer
// the test can compute itself: the summary by hand, the output directory, determinism, TTA,
// preprocessing, abstention, colour and the error paths.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "ferkit/corruptions.h"
#include "ferkit/error.h"
#include "ferkit/live/face_enhancer.h"
#include "ferkit/live/scripted_classifier.h"
#include "ferkit/readers.h"
#include "ferkit/robust_benchmark.h"
#include "ferkit/run_dir.h"
#include "live/fake_classifier.h"
#include "robust_fixtures.h"

namespace ferkit {
namespace {

// The mean-gray classifier of the live tests, remembering every face it was given.
class RecordingClassifier : public test::MeanIntensityClassifier {
 public:
  explicit RecordingClassifier(int channels = 1) { info_.input.channels = channels; }
  std::vector<ClassLogits> logits(const std::vector<cv::Mat>& faces) override {
    for (const auto& f : faces) seen.push_back(f);
    return MeanIntensityClassifier::logits(faces);
  }
  std::vector<cv::Mat> seen;
};

Dataset sample_valid() {
  ReadOptions r;
  r.format = "ferplus";
  r.path = std::filesystem::path(FERKIT_SOURCE_DIR) / "data" / "sample";
  r.split = "valid";
  return read_dataset(r);
}

RobustOptions quick_options() {
  RobustOptions o;
  o.corruptions = {"low_light", "occlusion"};
  o.severities = {1, 5};
  o.seed = 3;
  o.threads = 2;
  o.batch_size = 8;
  o.progress = false;
  o.metrics.bootstrap.resamples = 20;
  return o;
}

// Accuracy of the mean-gray rule on every sample under (corruption, severity), computed here.
double expected_accuracy(const Dataset& d, const std::string& name, int severity, uint64_t seed) {
  int correct = 0;
  for (size_t i = 0; i < d.samples.size(); ++i) {
    cv::Mat face = load_image(d, d.samples[i], true);
    if (severity > 0) {
      CorruptionRng rng = corruption_rng(seed, name, static_cast<int64_t>(i));
      face = apply_corruption(name, face, severity, rng);
    }
    correct += test::MeanIntensityClassifier::class_of(face) == d.samples[i].label;
  }
  return static_cast<double>(correct) / d.samples.size();
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(RobustSummary, MeanCorruptedAccuracyAndDropByHand) {
  RobustCell clean{"clean", 0, 0.80, 0.70, 0.05};
  std::vector<RobustCell> cells = {{"jpeg", 1, 0.70, 0.6, 0.1}, {"jpeg", 3, 0.50, 0.4, 0.2},
                                   {"rotation", 1, 0.75, 0.65, 0.1}, {"rotation", 3, 0.65, 0.55, 0.1}};
  const nlohmann::json s = robustness_summary(clean, cells, {"jpeg", "rotation"}, {1, 3});
  EXPECT_DOUBLE_EQ(s["clean_acc"], 0.80);
  EXPECT_DOUBLE_EQ(s["per_corruption"]["jpeg"]["mean_acc"], 0.60);
  EXPECT_DOUBLE_EQ(s["per_corruption"]["rotation"]["mean_acc"], 0.70);
  EXPECT_EQ(s["per_corruption"]["jpeg"]["by_severity"], nlohmann::json({0.70, 0.50}));
  EXPECT_DOUBLE_EQ(s["mca"], 0.65);
  EXPECT_NEAR(s["relative_drop"].get<double>(), (0.80 - 0.65) / 0.80, 1e-12);
  EXPECT_EQ(s["worst"]["corruption"], "jpeg");
  EXPECT_DOUBLE_EQ(s["worst"]["acc"], 0.60);
  EXPECT_EQ(s["worst_cell"]["severity"], 3);
  EXPECT_DOUBLE_EQ(s["mean_corrupted_macro_f1"], (0.6 + 0.4 + 0.65 + 0.55) / 4);
  EXPECT_FALSE(s.contains("clean_abstention"));
  // A model that gets nothing right has no defined relative drop.
  clean.accuracy = 0;
  EXPECT_TRUE(robustness_summary(clean, cells, {"jpeg", "rotation"}, {1, 3})["relative_drop"].is_null());
}

TEST(RobustSummary, EveryCellOnceOrAnError) {
  RobustCell clean{"clean", 0, 0.8, 0.7, 0.05};
  std::vector<RobustCell> cells = {{"jpeg", 1, 0.7, 0.6, 0.1}, {"jpeg", 1, 0.7, 0.6, 0.1}};
  EXPECT_NE(message_of([&] { robustness_summary(clean, cells, {"jpeg"}, {1, 2}); }).find("jpeg severity 1 twice"), std::string::npos);
  cells.pop_back();
  EXPECT_NE(message_of([&] { robustness_summary(clean, cells, {"jpeg"}, {1, 2}); }).find("expected 2 cells"), std::string::npos);
}

TEST(RobustSummary, SeverityLists) {
  EXPECT_EQ(parse_severities("1-5"), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(parse_severities("5,1,3"), (std::vector<int>{1, 3, 5}));
  EXPECT_EQ(parse_severities("2-3,5"), (std::vector<int>{2, 3, 5}));
  EXPECT_NE(message_of([] { parse_severities("0-5"); }).find("--severities '0-5': expected severities in 1..5"), std::string::npos);
  EXPECT_NE(message_of([] { parse_severities("6"); }).find("got 6"), std::string::npos);
  EXPECT_NE(message_of([] { parse_severities("a"); }).find("got 'a'"), std::string::npos);
  EXPECT_NE(message_of([] { parse_severities("4-2"); }).find("low <= high"), std::string::npos);
}

TEST(RobustBenchmark, WritesEveryCellWithTheAccuracyOfItsCorruptedImages) {
  const Dataset d = sample_valid();
  ASSERT_GT(d.samples.size(), 10u);
  test::TempDir dir("robust-run");
  RobustOptions o = quick_options();
  o.out = dir / "out";
  RecordingClassifier clf;
  const nlohmann::json s = run_robust_benchmark(clf, d, o);

  EXPECT_DOUBLE_EQ(s["clean_acc"], expected_accuracy(d, "", 0, o.seed));
  for (const std::string name : {"low_light", "occlusion"})
    for (size_t k = 0; k < 2; ++k) {
      const int sev = o.severities[k];
      const double expected = expected_accuracy(d, name, sev, o.seed);
      EXPECT_DOUBLE_EQ(s["per_corruption"][name]["by_severity"][k], expected) << name << " " << sev;
      const nlohmann::json m = read_json_file(o.out / name / std::to_string(sev) / "metrics.json");
      EXPECT_DOUBLE_EQ(m["8way"]["acc"], expected) << name << " " << sev;
      EXPECT_EQ(m["corruption"], name);
      EXPECT_EQ(m["severity"], sev);
      EXPECT_TRUE(m["calibration"].contains("ece"));
      EXPECT_TRUE(m["8way"].contains("macro_f1"));
    }
  // mCA is the mean of the per-corruption figures the summary lists, and of all its cells.
  double sum = 0, cells = 0;
  for (const auto& [name, e] : s["per_corruption"].items()) {
    sum += e["mean_acc"].get<double>();
    double cs = 0;
    for (const auto& a : e["by_severity"]) cs += a.get<double>(), cells += 1;
    EXPECT_NEAR(e["mean_acc"].get<double>(), cs / e["by_severity"].size(), 1e-15);
  }
  EXPECT_NEAR(s["mca"].get<double>(), sum / s["per_corruption"].size(), 1e-15);
  EXPECT_NEAR(s["relative_drop"].get<double>(), (s["clean_acc"].get<double>() - s["mca"].get<double>()) / s["clean_acc"].get<double>(), 1e-15);
  EXPECT_EQ(read_json_file(o.out / "summary.json"), s);
  EXPECT_DOUBLE_EQ(read_json_file(o.out / "clean" / "metrics.json")["8way"]["acc"], s["clean_acc"]);

  // summary.csv: header, clean, 4 cells, 2 means, mCA; the numbers of summary.json.
  std::ifstream csv(o.out / "summary.csv");
  std::vector<std::string> lines;
  for (std::string line; std::getline(csv, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(lines[0], "corruption,severity,acc,macro_f1,ece,relative_drop");
  EXPECT_EQ(lines[1].rfind("clean,0,", 0), 0u);
  EXPECT_EQ(lines[8].rfind("mca,mean,", 0), 0u);
  EXPECT_NEAR(std::stod(lines[8].substr(9)), s["mca"].get<double>(), 1e-12);

  for (const char* png : {"accuracy_vs_severity.png", "sheet.png"}) {
    const cv::Mat img = cv::imread((o.out / png).string());
    EXPECT_FALSE(img.empty()) << png;
  }
  EXPECT_EQ(cv::imread((o.out / "accuracy_vs_severity.png").string()).size(), cv::Size(960, 620));
  EXPECT_TRUE(std::filesystem::exists(o.out / "run.json"));
}

TEST(RobustBenchmark, ResultsDoNotDependOnBatchThreadsOrTheOtherCorruptions) {
  const Dataset d = sample_valid();
  RobustOptions a = quick_options(), b = quick_options();
  b.batch_size = 5;
  b.threads = 1;
  b.corruptions = {"occlusion"};
  RecordingClassifier ca, cb;
  const nlohmann::json sa = run_robust_benchmark(ca, d, a), sb = run_robust_benchmark(cb, d, b);
  EXPECT_EQ(sa["per_corruption"]["occlusion"], sb["per_corruption"]["occlusion"]);
  // And the seed matters: another seed moves the occluders.
  b.seed = a.seed + 1;
  RecordingClassifier cc;
  run_robust_benchmark(cc, d, b);
  size_t differ = 0;
  for (size_t i = d.samples.size(); i < cb.seen.size(); ++i) differ += cv::norm(cb.seen[i], cc.seen[i], cv::NORM_INF) > 0;
  EXPECT_GT(differ, d.samples.size());
}

TEST(RobustBenchmark, TtaClassifiesTheMirrorImageToo) {
  const Dataset d = sample_valid();
  RobustOptions o = quick_options();
  RecordingClassifier plain, tta;
  const nlohmann::json s0 = run_robust_benchmark(plain, d, o);
  o.flip_tta = true;
  const nlohmann::json s1 = run_robust_benchmark(tta, d, o);
  EXPECT_EQ(tta.seen.size(), 2 * plain.seen.size());
  EXPECT_EQ(s1["tta"], "flip");
  // The mean gray of a face and of its mirror image are equal: the same answers.
  EXPECT_EQ(s0["per_corruption"], s1["per_corruption"]);
  cv::Mat mirrored;
  cv::flip(tta.seen[0], mirrored, 1);
  EXPECT_EQ(cv::norm(mirrored, tta.seen[8], cv::NORM_INF), 0) << "the second call of a batch holds the mirror images";
}

TEST(RobustBenchmark, PreprocessIsTheLiveEnhancementAfterTheCorruption) {
  const Dataset d = sample_valid();
  RobustOptions o = quick_options();
  o.preprocess = true;
  RecordingClassifier clf;
  const nlohmann::json s = run_robust_benchmark(clf, d, o);
  EXPECT_EQ(s["preprocess"], "blur+clahe");
  FaceEnhancer enhance{EnhancerOptions{}};
  const cv::Mat clean = load_image(d, d.samples[0], true);
  EXPECT_EQ(cv::norm(clf.seen[0], enhance.apply(clean), cv::NORM_INF), 0);
  // The first corrupted cell is low_light at severity 1; its first face comes after the clean pass.
  CorruptionRng rng = corruption_rng(static_cast<uint64_t>(o.seed), "low_light", 0);
  const cv::Mat dark = apply_corruption("low_light", clean, 1, rng);
  EXPECT_EQ(cv::norm(clf.seen[d.samples.size()], enhance.apply(dark), cv::NORM_INF), 0);
}

TEST(RobustBenchmark, ColourModelsGetColourCropsAndGrayModelsGray) {
  const Dataset d = sample_valid();
  RobustOptions o = quick_options();
  o.corruptions = {"colour_grey"};
  o.severities = {5};
  RecordingClassifier gray(1), colour(3);
  run_robust_benchmark(gray, d, o);
  run_robust_benchmark(colour, d, o);
  EXPECT_EQ(gray.seen[0].channels(), 1);
  EXPECT_EQ(colour.seen[0].channels(), 3);
}

TEST(RobustBenchmark, AbstentionRateWhenTheSidecarHasThresholds) {
  const Dataset d = sample_valid();
  RobustOptions o = quick_options();
  o.out.clear();
  ScriptedClassifier clf({{0.1f, 0.7f, 0.05f, 0.05f, 0.04f, 0.03f, 0.02f, 0.01f}});
  clf.mutable_info().abstain_thresholds.assign(kNumClasses, 0.5);
  clf.mutable_info().abstain_thresholds[kHappiness] = 0.8;  // 0.7 is below: every face abstains
  const nlohmann::json s = run_robust_benchmark(clf, d, o);
  EXPECT_DOUBLE_EQ(s["clean_abstention"], 1.0);
  EXPECT_EQ(s["per_corruption"]["low_light"]["abstention_by_severity"], nlohmann::json({1.0, 1.0}));
  clf.mutable_info().abstain_thresholds[kHappiness] = 0.6;
  test::TempDir dir("robust-abstain");
  o.out = dir / "out";
  const nlohmann::json s2 = run_robust_benchmark(clf, d, o);
  EXPECT_DOUBLE_EQ(s2["mean_corrupted_abstention"], 0.0);
  EXPECT_DOUBLE_EQ(read_json_file(o.out / "occlusion" / "5" / "metrics.json")["abstention"]["rate"], 0.0);
  std::ifstream csv(o.out / "summary.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "corruption,severity,acc,macro_f1,ece,relative_drop,abstention_rate");
}

TEST(RobustBenchmark, ErrorsSayWhatIsWrong) {
  const Dataset d = sample_valid();
  RobustOptions o = quick_options();
  RecordingClassifier two(2);
  std::string m = message_of([&] { run_robust_benchmark(two, d, o); });
  EXPECT_NE(m.find("expected a model input of 1 (gray) or 3 (colour) channels"), std::string::npos) << m;
  EXPECT_NE(m.find("got 2 channels"), std::string::npos) << m;
  RecordingClassifier clf;
  o.corruptions = {"blurr"};
  m = message_of([&] { run_robust_benchmark(clf, d, o); });
  EXPECT_NE(m.find("corruption 'blurr'"), std::string::npos) << m;
  o = quick_options();
  o.severities = {0, 1};
  m = message_of([&] { run_robust_benchmark(clf, d, o); });
  EXPECT_NE(m.find("severities in 1..5"), std::string::npos) << m;
  o = quick_options();
  o.corruptions = {"jpeg", "jpeg"};
  EXPECT_NE(message_of([&] { run_robust_benchmark(clf, d, o); }).find("'jpeg' twice"), std::string::npos);
  Dataset empty;
  EXPECT_NE(message_of([&] { run_robust_benchmark(clf, empty, quick_options()); }).find("no samples"), std::string::npos);
}

}  // namespace
}  // namespace ferkit
