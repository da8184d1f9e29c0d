// The committed default model (models/default.pt + default.json) works from a fresh clone: it loads
// with nothing but its sidecar, carries the calibration the README reports, `ferkit eval` runs on
// the bundled sample, and its probabilities match a forward pass done by hand with the sidecar's
// preprocessing and temperature.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "ferkit/classifier.h"
#include "ferkit/readers.h"
#include "ferkit/report/install_paths.h"
#include "ferkit/run_dir.h"
#include "ferkit/taxonomy.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

TEST(DefaultModel, LoadsFromItsSidecarCalibratedAndCompact) {
  const fs::path model = default_model_path();
  ASSERT_TRUE(fs::exists(model)) << model << " is the embedded default and must be committed";
  EXPECT_LE(fs::file_size(model), 10u * 1024 * 1024) << "the default must stay under 10 MB";
  const auto sidecar = read_json_file(fs::path(model).replace_extension(".json"));
  auto clf = open_classifier(model);
  const ClassifierInfo& info = clf->info();
  EXPECT_EQ(info.architecture, sidecar["model"]["architecture"].get<std::string>());
  EXPECT_EQ(info.class_names, std::vector<std::string>(class_names().begin(), class_names().end()));
  EXPECT_DOUBLE_EQ(info.temperature, sidecar["temperature"].get<double>());
  EXPECT_NE(info.temperature, 1.0) << "the default is shipped calibrated (ferkit calibrate)";
  EXPECT_EQ(info.trained_with_clahe, sidecar["config"]["augment"]["clahe"].get<bool>());
  EXPECT_FALSE(sidecar["dataset_fingerprint"].get<std::string>().empty());
}

TEST(DefaultModel, ProbabilitiesAreSoftmaxOfLogitsOverTheTemperature) {
  torch::set_num_threads(1);
  auto clf = open_classifier(default_model_path());
  std::vector<cv::Mat> faces;
  for (const char* name : {"face0096.png", "face0100.png", "face0110.png"}) {
    const fs::path p = bundled_sample_dir() / "FER2013Valid" / name;
    faces.push_back(cv::imread(p.string(), cv::IMREAD_GRAYSCALE));
    ASSERT_FALSE(faces.back().empty()) << p;
  }
  const auto logits = clf->logits(faces);
  const auto probs = clf->predict(faces);
  ASSERT_EQ(logits.size(), faces.size());
  const double T = clf->info().temperature;
  for (size_t i = 0; i < faces.size(); ++i) {
    double norm = 0;
    for (size_t k = 0; k < kNumClasses; ++k) norm += std::exp(logits[i][k] / T);
    for (size_t k = 0; k < kNumClasses; ++k) EXPECT_NEAR(probs[i].probs[k], std::exp(logits[i][k] / T) / norm, 1e-5);
  }
}

TEST(DefaultModel, EvalRunsOnTheBundledSample) {
  test::TempDir dir("default-eval");
  auto r = test::run_cli({"eval", "--model", default_model_path().string(), "--format", "ferplus", "--data",
                          bundled_sample_dir().string(), "--split", "valid", "--threads", "1", "--bootstrap", "50",
                          "--out", (dir / "eval").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  ReadOptions ro;
  ro.format = "ferplus";
  ro.path = bundled_sample_dir();
  ro.split = "valid";
  const auto expected = static_cast<int64_t>(read_dataset(ro).samples.size());
  const auto m = read_json_file(dir / "eval/metrics.json");
  EXPECT_EQ(m["n"].get<int64_t>(), expected);
  std::ifstream csv(dir / "eval/predictions.csv");
  int64_t rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_EQ(rows, expected + 1);  // header + one row per image
}

}  // namespace
}  // namespace ferkit
