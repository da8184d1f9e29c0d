// ferkit report: every section from a complete run directory, images embedded byte for byte, no
// network or scripts, missing inputs said instead of failing, the page rendered by headless
// Chromium into a non-blank screenshot, and a real (one-epoch) training run reported end to end.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <cstdlib>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/report/run_report.h"
#include "ferkit/trainer.h"
#include "report/report_fixtures.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

RunReportOptions quick_options() {
  RunReportOptions o;
  o.embedding_options.tsne.iterations = 300;
  o.embedding_options.threads = 1;
  return o;
}

TEST(RunReport, EverySectionFromACompleteRun) {
  torch::set_num_threads(1);
  test::TempDir dir("report");
  test::write_run_fixture(dir / "run");
  const RunReport r = write_run_report(dir / "run", quick_options());
  EXPECT_EQ(r.html, dir / "run/report.html");
  EXPECT_TRUE(r.skipped.empty()) << r.skipped.front();
  std::vector<std::string> names;
  for (const auto& p : r.pictures) names.push_back(p.filename().string());
  const std::vector<std::string> expected{"curves_loss.png", "curves_accuracy.png", "confusion_8way_counts.png",
                                          "confusion_8way_normalized.png", "confusion_present_counts.png",
                                          "confusion_present_normalized.png", "per_class.png", "reliability.png",
                                          "coverage_risk.png", "embedding_tsne.png", "bank_heatmap.png", "topomaps.png"};
  EXPECT_EQ(names, expected);
  for (const auto& p : r.pictures) EXPECT_FALSE(cv::imread(p.string()).empty()) << p;
  // The present-only confusion has the 6 classes of the labels.
  const cv::Mat present = cv::imread((r.pictures_dir / "confusion_present_counts.png").string());
  EXPECT_FALSE(present.empty());

  const std::string html = test::read_text(r.html);
  EXPECT_EQ(count(html, "src=\"data:image/png;base64,"), expected.size());
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_EQ(count(html, "http://"), 0u);
  EXPECT_EQ(count(html, "https://"), 0u);
  EXPECT_EQ(count(html, "<link"), 0u);
  for (const char* s : {"fixturecommit123", "ferkit train --config fixture.toml", "8-way", "present-only", "ECE",
                        "bbbb", "switches_sha256", "t-SNE", "mobilenetv3_small_48", "\"architecture\""})
    EXPECT_NE(html.find(s), std::string::npos) << s;
  // The 8-way interval printed is metrics.json's.
  const auto m = read_json_file(dir / "run/metrics.json");
  char ci[64];
  std::snprintf(ci, sizeof ci, "[%.4f, %.4f]", m["ci95"]["acc"][0].get<double>(), m["ci95"]["acc"][1].get<double>());
  EXPECT_NE(html.find(ci), std::string::npos) << ci;

  // Each picture is embedded byte for byte (Python's base64 as the reference encoder).
  if (test::python_has("base64")) {
    const std::string b64 = test::run_python("import base64\nprint(base64.b64encode(open('" +
                                             (r.pictures_dir / "per_class.png").string() + "','rb').read()).decode())\n");
    EXPECT_NE(html.find("data:image/png;base64," + b64.substr(0, b64.size() - 1) + "\""), std::string::npos);
  }
}

TEST(RunReport, MissingInputsAreSaidNotFatal) {
  test::TempDir dir("report-min");
  test::write_run_fixture(dir / "full");
  fs::create_directories(dir / "run");
  fs::copy_file(dir / "full/metrics.json", dir / "run/metrics.json");
  RunReportOptions o = quick_options();
  o.out = dir / "site/page.html";
  const RunReport r = write_run_report(dir / "run", o);
  EXPECT_EQ(r.pictures_dir, dir / "site/page");
  std::string skipped;
  for (const auto& s : r.skipped) skipped += s + "\n";
  for (const char* s : {"training curves", "coverage-risk", "embedding", "checkpoint", "fingerprints", "configuration"})
    EXPECT_NE(skipped.find(s), std::string::npos) << s << " not in\n" << skipped;
  // From metrics.json alone: the 8-way confusion, per-class bars and reliability diagram.
  EXPECT_EQ(r.pictures.size(), 4u);
  EXPECT_NE(test::read_text(r.html).find("No metrics.jsonl"), std::string::npos);

  try {
    write_run_report(dir / "nothing-here", o);
    FAIL() << "no error for a missing run directory";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nothing-here"), std::string::npos);
  }
  fs::create_directories(dir / "empty");
  auto cli = test::run_cli({"report", (dir / "empty").string()});
  EXPECT_EQ(cli.status, 1);
  EXPECT_NE(cli.err.find("empty"), std::string::npos) << cli.err;
  EXPECT_EQ(count(cli.err, "\n"), 1u) << cli.err;  // one line
}

TEST(RunReport, RendersInHeadlessChromium) {
  if (!fs::exists("/usr/bin/chromium")) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  test::TempDir dir("report-chromium");
  test::write_run_fixture(dir / "run");
  auto cli = test::run_cli({"report", (dir / "run").string(), "--no-embedding", "--out", (dir / "page.html").string()});
  ASSERT_EQ(cli.status, 0) << cli.err;
  const fs::path shot = dir / "shot.png";
  const std::string cmd = "timeout 90 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                          "--disable-background-networking --disable-component-update --disable-sync --user-data-dir='" +
                          (dir / "chromium-profile").string() + "' --screenshot='" + shot.string() +
                          "' --window-size=1280,2000 'file://" + fs::absolute(dir / "page.html").string() + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const cv::Mat img = cv::imread(shot.string());
  ASSERT_FALSE(img.empty()) << "no screenshot at " << shot;
  EXPECT_EQ(img.cols, 1280);
  EXPECT_EQ(img.rows, 2000);
  cv::Mat gray, ink;
  cv::cvtColor(img, gray, cv::COLOR_BGR2GRAY);
  cv::threshold(gray, ink, 245, 255, cv::THRESH_BINARY_INV);
  const double inked = cv::countNonZero(ink) / static_cast<double>(img.total());
  EXPECT_GT(inked, 0.05) << "the screenshot is (nearly) blank";
  // The charts bring colour: a text-only or broken-image page has almost none.
  cv::Mat hsv, coloured;
  cv::cvtColor(img, hsv, cv::COLOR_BGR2HSV);
  cv::inRange(hsv, cv::Scalar(0, 80, 40), cv::Scalar(180, 255, 255), coloured);
  EXPECT_GT(cv::countNonZero(coloured), 2000) << "no chart colours rendered";
}

TEST(RunReport, RealTrainingRunEndToEnd) {
  torch::set_num_threads(1);
  test::TempDir dir("report-train");
  const fs::path recipe = source_dir() / "configs/smoke.toml";
  Recipe rc = load_recipe(recipe, {"epochs=1", "out=" + (dir / "run").string(),
                                   "data.path=" + fs::absolute(bundled_sample_dir()).string()});
  train_model(rc);
  RunReportOptions o = quick_options();
  o.embedding_options.points = 20;
  const RunReport r = write_run_report(dir / "run", o);
  EXPECT_TRUE(r.skipped.empty()) << r.skipped.front();
  EXPECT_EQ(r.pictures.size(), 10u);  // no prototypes or topomaps in a plain run
  const std::string html = test::read_text(r.html);
  EXPECT_NE(html.find("best.pt on "), std::string::npos);
  EXPECT_NE(html.find(" points, perplexity "), std::string::npos);
}

}  // namespace
}  // namespace ferkit
