// `ferkit robust` and `ferkit robust sheet` in-process: a tiny model trained here with the webcam
// recipe on data/sample, the output files and their schema, the sheet's pixels, the error paths.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/corruptions.h"
#include "ferkit/readers.h"
#include "ferkit/run_dir.h"
#include "robust_fixtures.h"

namespace ferkit {
namespace {

TEST(RobustCommand, TrainsWithTheWebcamRecipeThenMeasuresTheGap) {
  test::TempDir dir("robust-cli");
  // One short epoch of the webcam recipe (corruptions on) on the bundled sample, at one thread.
  auto t = test::run_cli({"train", "--config", "configs/webcam.toml", "data.path=data/sample", "epochs=1", "threads=1", "loader.threads=1",
                          "loader.batch_size=16", "max_steps_per_epoch=3", "schedule.warmup_epochs=0", "--out", (dir / "run").string()});
  ASSERT_EQ(t.status, 0) << t.err;
  const auto model = (dir / "run" / "best.pt").string();
  const auto out = dir / "robust";
  auto r = test::run_cli({"robust", "--model", model, "--data", "data/sample", "--format", "ferplus", "--split", "valid", "--out", out.string(),
                          "--corruptions", "low_light,jpeg,occlusion", "--severities", "1,5", "--threads", "1", "--bootstrap", "10",
                          "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json s = nlohmann::json::parse(r.out);
  for (const char* key : {"clean_acc", "mca", "relative_drop", "worst", "per_corruption", "severities", "corruptions", "n", "model"})
    EXPECT_TRUE(s.contains(key)) << key;
  ReadOptions valid;
  valid.format = "ferplus";
  valid.path = "data/sample";
  valid.split = "valid";
  const size_t n = read_dataset(valid).samples.size();
  EXPECT_EQ(s["n"], n);
  EXPECT_EQ(s["severities"], nlohmann::json({1, 5}));
  EXPECT_EQ(s["corruptions"], nlohmann::json({"low_light", "jpeg", "occlusion"}));
  EXPECT_TRUE(s["worst"].contains("corruption") && s["worst"].contains("acc"));
  double sum = 0;
  for (const std::string name : {"low_light", "jpeg", "occlusion"}) {
    const auto& e = s["per_corruption"][name];
    ASSERT_EQ(e["by_severity"].size(), 2u) << name;
    sum += e["mean_acc"].get<double>();
    for (int sev : {1, 5}) {
      const nlohmann::json m = read_json_file(out / name / std::to_string(sev) / "metrics.json");
      for (const char* key : {"8way", "present_only", "calibration", "ci95", "n"}) EXPECT_TRUE(m.contains(key)) << name << sev << key;
      EXPECT_EQ(m["n"], n);
    }
  }
  EXPECT_NEAR(s["mca"].get<double>(), sum / 3, 1e-12);
  EXPECT_TRUE(std::filesystem::exists(out / "summary.csv"));
  EXPECT_FALSE(cv::imread((out / "accuracy_vs_severity.png").string()).empty());
  EXPECT_FALSE(cv::imread((out / "sheet.png").string()).empty());

  // The clean cell is `ferkit eval` on the same model and data.
  auto e = test::run_cli({"eval", "--model", model, "--data", "data/sample", "--split", "valid", "--threads", "1", "--bootstrap", "10", "--json"});
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(e.out)["8way"]["acc"].get<double>(), s["clean_acc"].get<double>());
}

TEST(RobustCommand, SheetShowsEveryCorruptionAndSeverity) {
  test::TempDir dir("robust-sheet");
  const auto face_path = test::sample_face_path(0);
  auto r = test::run_cli({"robust", "sheet", "--image", face_path.string(), "--out", (dir / "sheet.png").string(), "--seed", "4"});
  ASSERT_EQ(r.status, 0) << r.err;
  const cv::Mat sheet = cv::imread((dir / "sheet.png").string());
  const int rows = static_cast<int>(corruption_names().size());
  // 130 px of labels, 6 columns of 96 + 4 px, 28 px of header.
  EXPECT_EQ(sheet.size(), cv::Size(130 + 6 * 100 + 4, 28 + rows * 100 + 4));
  // Tile (row r, severity s) is the corrupted face enlarged 2x pixel for pixel.
  const cv::Mat face = cv::imread(face_path.string(), cv::IMREAD_GRAYSCALE);
  const auto names = corruption_names();
  for (int row : {0, 6, rows - 1})
    for (int sev : {0, 5}) {
      CorruptionRng rng = corruption_rng(4, names[static_cast<size_t>(row)], 0);
      cv::Mat tile, bgr;
      cv::resize(apply_corruption(names[static_cast<size_t>(row)], face, sev, rng), tile, cv::Size(96, 96), 0, 0, cv::INTER_NEAREST);
      cv::cvtColor(tile, bgr, cv::COLOR_GRAY2BGR);
      const cv::Mat drawn = sheet(cv::Rect(130 + sev * 100 + 4, 28 + row * 100, 96, 96));
      EXPECT_EQ(cv::norm(drawn, bgr, cv::NORM_INF), 0) << names[static_cast<size_t>(row)] << " severity " << sev;
    }
}

TEST(RobustCommand, ErrorsExitNonZeroWithTheReason) {
  auto r = test::run_cli({"robust", "--data", "data/sample"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--model, --data and --out"), std::string::npos) << r.err;
  r = test::run_cli({"robust", "--model", "none.pt", "--data", "data/sample", "--out", "x", "--severities", "0-5"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--severities '0-5'"), std::string::npos) << r.err;
  r = test::run_cli({"robust", "--model", "none.pt", "--data", "data/sample", "--out", "x", "--corruptions", "jpeg,blurr"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("corruption 'blurr'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists("x")) << "nothing is written before the options are checked";
  r = test::run_cli({"robust", "sheet", "--image", test::sample_face_path(0).string(), "--out", "y.png", "--corruptions", "fog"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("corruption 'fog'"), std::string::npos) << r.err;
}

TEST(RobustCommand, HelpReadsLikeAManPage) {
  auto r = test::run_cli({"robust", "--help"});
  EXPECT_EQ(r.status, 0);
  const std::string text = r.out + r.err;
  EXPECT_NE(text.find("Examples:"), std::string::npos);
  EXPECT_NE(text.find("relative drop"), std::string::npos);
  for (const auto& name : corruption_names()) EXPECT_NE(text.find(name), std::string::npos) << name;
  EXPECT_NE(text.find("--tta"), std::string::npos);
  EXPECT_NE(text.find("--preprocess"), std::string::npos);
}

}  // namespace
}  // namespace ferkit
