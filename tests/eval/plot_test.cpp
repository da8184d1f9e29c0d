// The PNG charts: written at the requested size, not blank, series drawn in their colour, heatmap
// colours ordered by value, and the evaluation pictures from a real report.
#include <cmath>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "ferkit/abstention.h"
#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "ferkit/plot.h"
#include "ferkit/plot_results.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

cv::Mat read_png(const std::filesystem::path& png) {
  cv::Mat img = cv::imread(png.string(), cv::IMREAD_COLOR);
  EXPECT_FALSE(img.empty()) << png << " was not written or is not a PNG";
  return img;
}

void expect_picture(const std::filesystem::path& png, int width, int height) {
  const cv::Mat img = read_png(png);
  if (img.empty()) return;
  EXPECT_EQ(img.cols, width) << png;
  EXPECT_EQ(img.rows, height) << png;
  cv::Scalar mean, sd;
  cv::meanStdDev(img.reshape(1), mean, sd);
  EXPECT_GT(sd[0], 1.0) << png << " is blank";
}

// Pixels of img within `tolerance` of colour (BGR) inside box.
int count_colour(const cv::Mat& img, const plot::PixelBox& box, cv::Vec3b colour, int tolerance = 30) {
  int n = 0;
  for (int y = box.y; y < box.y + box.height; ++y)
    for (int x = box.x; x < box.x + box.width; ++x) {
      const cv::Vec3b p = img.at<cv::Vec3b>(y, x);
      if (std::abs(p[0] - colour[0]) + std::abs(p[1] - colour[1]) + std::abs(p[2] - colour[2]) <= tolerance) ++n;
    }
  return n;
}

TEST(Plot, LineChartIsWrittenAtItsSizeWithItsSeries) {
  test::TempDir dir("plot");
  plot::LineChart c;
  c.title = "Training curves";
  c.x.label = "epoch";
  c.y.label = "accuracy";
  c.width = 640;
  c.height = 480;
  std::vector<double> x, a, b;
  for (int e = 1; e <= 30; ++e) {
    x.push_back(e);
    a.push_back(0.4 + 0.3 * (1 - std::exp(-e / 8.0)));
    b.push_back(0.35 + 0.25 * (1 - std::exp(-e / 6.0)));
  }
  c.series = {{"train", x, a, false, false}, {"valid", x, b, true, true}};
  const auto layout = plot::write_line_chart(dir / "curves.png", c);
  expect_picture(dir / "curves.png", 640, 480);
  const cv::Mat img = read_png(dir / "curves.png");
  EXPECT_GT(layout.plot_area.width, 400);
  EXPECT_GT(layout.plot_area.height, 300);
  // tab10 blue (BGR 180, 119, 31) for the first series, orange for the second.
  EXPECT_GT(count_colour(img, layout.plot_area, {180, 119, 31}), 200);
  EXPECT_GT(count_colour(img, layout.plot_area, {14, 127, 255}), 100);
}

TEST(Plot, HeatmapCellColourIsMonotoneInValue) {
  test::TempDir dir("plot");
  plot::Heatmap h;
  h.title = "values 0..8";
  for (int r = 0; r < 3; ++r) h.values.push_back({r * 3.0, r * 3.0 + 1, r * 3.0 + 2});
  h.values[1][1] = 8;  // shuffle so that position and value disagree
  h.values[2][2] = 4;
  h.row_labels = h.col_labels = {"a", "b", "c"};
  h.width = 500;
  h.height = 420;
  const auto layout = plot::write_heatmap(dir / "heat.png", h);
  expect_picture(dir / "heat.png", 500, 420);
  const cv::Mat img = read_png(dir / "heat.png");
  ASSERT_EQ(layout.cells.size(), 9u);
  std::vector<std::pair<double, double>> value_brightness;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      const auto& cell = layout.cells[r * 3 + c];
      // A patch near the cell's corner, away from the number printed in its centre.
      const cv::Mat patch = img(cv::Rect(cell.x + 3, cell.y + 3, 5, 5));
      const cv::Scalar m = cv::mean(patch);
      value_brightness.emplace_back(h.values[r][c], 0.114 * m[0] + 0.587 * m[1] + 0.299 * m[2]);
    }
  std::sort(value_brightness.begin(), value_brightness.end());
  for (size_t i = 1; i < value_brightness.size(); ++i)
    EXPECT_GT(value_brightness[i].second, value_brightness[i - 1].second)
        << "value " << value_brightness[i].first << " is not brighter than " << value_brightness[i - 1].first;
}

TEST(Plot, BarChartBarsGrowWithTheirValues) {
  test::TempDir dir("plot");
  plot::BarChart b;
  b.categories = {"one", "two", "three"};
  b.groups = {{"g", {1.0, 3.0, 2.0}}};
  b.value_labels = true;
  const auto layout = plot::write_bar_chart(dir / "bars.png", b);
  expect_picture(dir / "bars.png", 800, 560);
  ASSERT_EQ(layout.cells.size(), 3u);
  EXPECT_GT(layout.cells[1].height, layout.cells[2].height);
  EXPECT_GT(layout.cells[2].height, layout.cells[0].height);
  // Heights are proportional to the values (bars start at 0), within a pixel of rounding.
  EXPECT_NEAR(layout.cells[1].height, 3.0 * layout.cells[0].height, 3.0);
}

TEST(Plot, EvaluationPicturesFromAReport) {
  std::mt19937_64 rng(4);
  const int n = 500;
  ProbabilityMatrix p(n, kNumClasses);
  std::vector<int> y;
  for (int i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng() % 7);
    y.push_back(label);
    double sum = 0;
    for (int k = 0; k < kNumClasses; ++k) sum += p.at(i, k) = std::exp((k == label ? 2.0 : 0.0) + (rng() % 1000) / 350.0);
    for (int k = 0; k < kNumClasses; ++k) p.at(i, k) /= sum;
  }
  EvaluationOptions o;
  o.bootstrap.resamples = 10;
  const auto r = evaluate(p, y, o);
  test::TempDir dir("plot");
  plot::write_confusion_png(dir / "cm.png", r.all_classes.confusion, false, "Confusion (counts)");
  expect_picture(dir / "cm.png", 720, 640);
  const auto norm = plot::write_confusion_png(dir / "cm_norm.png", r.all_classes.confusion, true, "Confusion (share)",
                                              {}, 600, 600);
  expect_picture(dir / "cm_norm.png", 600, 600);
  // contempt has no true sample: its row is left blank (white) rather than coloured as 0.
  const cv::Mat cm = read_png(dir / "cm_norm.png");
  const auto& blank_cell = norm.cells[kContempt * kNumClasses + 0];
  EXPECT_EQ(count_colour(cm, {blank_cell.x + 2, blank_cell.y + 2, 4, 4}, {255, 255, 255}, 0), 16);

  const auto rel = plot::write_reliability_png(dir / "rel.png", r.calibration.bins, "Reliability");
  expect_picture(dir / "rel.png", 640, 720);
  int drawn = 0;
  for (const auto& b : r.calibration.bins) drawn += b.count > 0;
  int bars = 0;
  for (const auto& c : rel.cells) bars += c.height > 0;
  EXPECT_EQ(bars, drawn);

  const auto curve = coverage_risk_curve(p, y);
  plot::write_coverage_risk_png(dir / "cr.png", {{"model", curve}}, "Coverage-risk", 700, 500);
  expect_picture(dir / "cr.png", 700, 500);
  plot::write_per_class_png(dir / "pc.png", r.all_classes.per_class, "Per class");
  expect_picture(dir / "pc.png", 900, 560);
}

TEST(Plot, BadChartsAreErrors) {
  test::TempDir dir("plot");
  plot::LineChart c;
  EXPECT_THROW(plot::write_line_chart(dir / "empty.png", c), Error);
  c.series = {{"s", {1, 2, 3}, {1, 2}, false, false}};
  EXPECT_THROW(plot::write_line_chart(dir / "mismatch.png", c), Error);
  c.series = {{"s", {1, 2}, {1, 2}, false, false}};
  c.width = 50;
  EXPECT_THROW(plot::write_line_chart(dir / "tiny.png", c), Error);
  plot::Heatmap h;
  h.values = {{1, 2}, {3}};
  EXPECT_THROW(plot::write_heatmap(dir / "ragged.png", h), Error);
  EXPECT_THROW(plot::write_confusion_png(dir / "cm.png", {{1, 2}, {3, 4}}, false, "", {"only one"}), Error);
}

}  // namespace
}  // namespace ferkit
