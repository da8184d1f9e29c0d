// `ferkit live` and its error paths, in-process.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "face_video.h"
#include "fake_classifier.h"
#include "ferkit/classifier.h"
#include "ferkit/live/frame_log.h"

namespace ferkit {
namespace {

const char* kScript =
    "neutral,happiness,surprise,sadness,anger,disgust,fear,contempt\n"
    "0.1,0.7,0.05,0.05,0.04,0.03,0.02,0.01\n";

TEST(LiveCommand, HeadlessRunWritesLogsVideoAndOperatorLabels) {
  FERKIT_REQUIRE_FACE_API();
  test::TempDir dir("livecli");
  auto clip = test::write_pan_zoom_clip(dir / "clip.mp4", 15);
  ASSERT_EQ(clip.faces.size(), 15u);
  test::write_text(dir / "script.csv", kScript);
  test::write_text(dir / "truth.csv", "timestamp,event,label\n0.0,true_label,neutral\n0.75,true_label,happy\n");
  auto r = test::run_cli({"live", "--source", clip.file.string(), "--model", (dir / "script.csv").string(), "--backend", "scripted",
                          "--headless", "--log", (dir / "frames.csv").string(), "--events", (dir / "events.csv").string(),
                          "--labels", (dir / "truth.csv").string(), "--out", (dir / "annotated.mp4").string(), "--alpha", "0.5",
                          "--set", "gate.min_probability=0.5"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["frames"], 15);
  EXPECT_EQ(summary["tracks"], 3);
  auto rows = read_frame_log(dir / "frames.csv");
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) EXPECT_EQ(row.true_label, row.timestamp_s < 0.75 ? kNeutral : kHappiness) << "frame " << row.frame;
  // The operator labels are copied into the events log, so that it alone can be scored.
  auto labels = read_operator_labels(dir / "events.csv");
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[1].label, kHappiness);
  cv::VideoCapture video((dir / "annotated.mp4").string());
  ASSERT_TRUE(video.isOpened());
  EXPECT_EQ(static_cast<int>(video.get(cv::CAP_PROP_FRAME_COUNT)), 15);
  EXPECT_EQ(static_cast<int>(video.get(cv::CAP_PROP_FRAME_WIDTH)), 400);
  // 1.5 s clip: without the vote grace, neutral is scored over 0.25-0.75 s and happiness from 1.0 s.
  auto s = test::run_cli({"score", "--log", (dir / "frames.csv").string(), "--labels", (dir / "events.csv").string(), "--grace-s", "0"});
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_GT(nlohmann::json::parse(s.out)["frames_scored"].get<int>(), 0);
}

TEST(LiveCommand, UsesTheClassifierRegistry) {
  FERKIT_REQUIRE_FACE_API();
  test::TempDir dir("livecli-reg");
  std::filesystem::create_directories(dir / "frames");
  cv::Mat photo = cv::imread(test::face_api_photo(3).string());
  cv::resize(photo, photo, cv::Size(640, photo.rows * 640 / photo.cols), 0, 0, cv::INTER_AREA);
  for (int i = 0; i < 3; ++i) cv::imwrite((dir / ("frames/" + std::to_string(i) + ".png")).string(), photo(cv::Rect(120, 40, 240, 180)));
  test::write_text(dir / "model.bin", "weights");
  static int opened = 0;
  register_classifier_backend("live-test-fake", [](const std::filesystem::path& p) -> std::unique_ptr<Classifier> {
    ++opened;
    return std::make_unique<test::MeanIntensityClassifier>();
  });
  auto r = test::run_cli({"live", "--source", (dir / "frames").string(), "--model", (dir / "model.bin").string(), "--backend",
                          "live-test-fake", "--headless", "--log", (dir / "f.csv").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(opened, 1);
  auto rows = read_frame_log(dir / "f.csv");
  ASSERT_EQ(rows.size(), 3u);  // one face in each of the 3 images
  EXPECT_TRUE(rows[0].has_probs);
}

TEST(LiveCommand, BadInputsGiveOneLineErrors) {
  test::TempDir dir("livecli-bad");
  test::write_text(dir / "script.csv", kScript);
  test::write_text(dir / "text.mp4", "not a video");
  const std::string script = (dir / "script.csv").string();
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  std::vector<Case> cases = {
      {{"--source", "97", "--model", script}, "camera 97"},
      {{"--source", (dir / "text.mp4").string(), "--model", script}, "text.mp4"},
      {{"--source", "0", "--model", (dir / "none.pt").string()}, "none.pt: expected a model file, got no such file"},
      {{"--source", "0", "--model", (dir / "text.mp4").string(), "--backend", "scripted"}, "text.mp4:1"},
      {{"--source", "0", "--model", script, "--backend", "tensorrt"}, "classifier backend 'tensorrt'"},
      {{"--source", "0", "--model", script, "--set", "ema.alpah=0.3"}, "did you mean 'live.ema.alpha'"},
      {{"--source", "0", "--model", script, "--alpha", "0"}, "ema.alpha must be in (0, 1]"},
  };
  for (auto& c : cases) {
    std::vector<std::string> args = {"live", "--headless"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = test::run_cli(args);
    EXPECT_EQ(r.status, 1) << c.expect;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << "expected '" << c.expect << "' in: " << r.err;
    // One line from ferkit (FFmpeg may print its own diagnosis of a broken file before it).
    const size_t at = r.err.find("ferkit: error: ");
    ASSERT_NE(at, std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n', at), r.err.size() - 1) << r.err;
    EXPECT_EQ(r.err.find("ferkit: error: ", at + 1), std::string::npos) << r.err;
  }
}

TEST(LiveCommand, HelpReadsLikeAManPage) {
  auto r = test::run_cli({"live", "--help"});
  EXPECT_NE(r.out.find("Examples:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 neutral, 2 happiness"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--unknown-threshold"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ferkit
