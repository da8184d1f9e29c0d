// Confusion matrices, reliability diagrams, coverage-risk curves and per-class bars as PNG.
#include "ferkit/plot_results.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/report/plot_canvas.h"
#include "ferkit/taxonomy.h"

namespace ferkit::plot {
namespace {

using namespace canvas;

std::vector<std::string> names_for(size_t k, const std::vector<std::string>& given, const std::string& what) {
  if (!given.empty()) {
    if (given.size() != k) throw Error(what, std::to_string(k) + " class names", std::to_string(given.size()));
    return given;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < k; ++i)
    out.push_back(k == static_cast<size_t>(kNumClasses) ? class_name(static_cast<int>(i)) : std::to_string(i));
  return out;
}

}  // namespace

Layout write_confusion_png(const std::filesystem::path& png, const ConfusionMatrix& confusion, bool row_normalised,
                           const std::string& title, const std::vector<std::string>& class_names, int width,
                           int height) {
  const std::string what = "confusion matrix " + png.string();
  if (confusion.empty()) throw Error(what, "a non-empty confusion matrix", "none");
  Heatmap h;
  h.title = title;
  h.row_labels = h.col_labels = names_for(confusion.size(), class_names, what);
  h.row_axis = "true class";
  h.col_axis = "predicted class";
  h.width = width;
  h.height = height;
  for (size_t r = 0; r < confusion.size(); ++r) {
    if (confusion[r].size() != confusion.size())
      throw Error(what + " row " + std::to_string(r), std::to_string(confusion.size()) + " counts (square)",
                  std::to_string(confusion[r].size()));
    double total = 0;
    for (int64_t v : confusion[r]) total += static_cast<double>(v);
    std::vector<double> row;
    for (int64_t v : confusion[r])
      row.push_back(row_normalised ? (total > 0 ? static_cast<double>(v) / total : NAN) : static_cast<double>(v));
    h.values.push_back(row);
  }
  if (row_normalised) {
    h.vmin = 0;
    h.vmax = 1;
    h.decimals = 2;
    h.colour_bar_label = "share of the true class";
  } else {
    h.vmin = 0;
    h.decimals = 0;
    h.colour_bar_label = "samples";
  }
  return write_heatmap(png, h);
}

Layout write_reliability_png(const std::filesystem::path& png, const std::vector<ReliabilityBin>& bins,
                             const std::string& title, int width, int height) {
  const std::string what = "reliability diagram " + png.string();
  if (bins.empty()) throw Error(what, "at least one bin", "none");
  cv::Mat img = blank(width, height, what);
  const int top = title.empty() ? 14 : text_size(title, title_font(img)).height + 26;

  AxisStyle ya{"accuracy", nice_ticks(0, 1, 6), {}, true, false};
  AxisStyle xa_top{"", nice_ticks(0, 1, 6), {}, true, false};
  xa_top.tick_labels.assign(xa_top.ticks.size(), "");  // shared x axis: labels only below
  int64_t max_count = 1;
  for (const auto& b : bins) max_count = std::max(max_count, b.count);
  AxisStyle yc{"count", nice_ticks(0, static_cast<double>(max_count) * 1.08, 4), {}, true, false};
  AxisStyle xc{"confidence (max probability)", nice_ticks(0, 1, 6), {}, true, false};
  const int left = std::max(y_axis_margin(img, ya), y_axis_margin(img, yc));
  const int bottom = x_axis_margin(img, xc);
  const int gap = 14;
  const int total_h = img.rows - top - bottom - gap;
  const int main_h = total_h * 7 / 10;
  Axes acc_ax, count_ax;
  acc_ax.area = cv::Rect(left, top, img.cols - left - 20, main_h);
  acc_ax.x0 = 0, acc_ax.x1 = 1, acc_ax.y0 = 0, acc_ax.y1 = 1;
  count_ax.area = cv::Rect(left, top + main_h + gap, acc_ax.area.width, total_h - main_h);
  count_ax.x0 = 0, count_ax.x1 = 1, count_ax.y0 = 0, count_ax.y1 = std::max(static_cast<double>(max_count) * 1.08, yc.ticks.back());
  draw_title(img, title);
  draw_axes(img, acc_ax, xa_top, ya);
  draw_axes(img, count_ax, xc, yc);

  Layout layout;
  layout.plot_area = to_box(acc_ax.area);
  const cv::Scalar bar_colour = series_colour(0), gap_colour(160, 160, 255), conf_colour = series_colour(3);
  for (const auto& b : bins) {
    const int xa = static_cast<int>(std::lround(acc_ax.px(b.lo))) + 1;
    const int xb = static_cast<int>(std::lround(acc_ax.px(b.hi))) - 1;
    if (b.count == 0) {
      layout.cells.push_back({xa, 0, 0, 0});
      continue;
    }
    const int base = static_cast<int>(std::lround(acc_ax.py(0)));
    const cv::Rect bar(cv::Point(xa, static_cast<int>(std::lround(acc_ax.py(b.accuracy)))), cv::Point(xb, base));
    cv::rectangle(img, bar, bar_colour, cv::FILLED);
    layout.cells.push_back(to_box(bar));
    // The gap between accuracy and mean confidence, outlined in red: the bin's calibration error.
    const int yc_px = static_cast<int>(std::lround(acc_ax.py(b.mean_confidence)));
    cv::rectangle(img, cv::Rect(cv::Point(xa, std::min(yc_px, bar.y)), cv::Point(xb, std::max(yc_px, bar.y))), gap_colour, 1);
    cv::line(img, {xa, yc_px}, {xb, yc_px}, conf_colour, 2);
    const int cb = static_cast<int>(std::lround(count_ax.py(static_cast<double>(b.count))));
    cv::rectangle(img, cv::Rect(cv::Point(xa, cb), cv::Point(xb, static_cast<int>(std::lround(count_ax.py(0))))),
                  series_colour(7), cv::FILLED);
  }
  draw_series(img, acc_ax, {0, 1}, {0, 1}, kAxisGrey, 1, true, false);
  const std::vector<LegendEntry> legend = {{"accuracy", bar_colour, true, false},
                                           {"mean confidence", conf_colour, false, false},
                                           {"perfect calibration", kAxisGrey, false, true}};
  draw_legend(img, acc_ax.area, legend, emptiest_corner(img, acc_ax.area, legend));
  save_png(img, png);
  return layout;
}

Layout write_coverage_risk_png(const std::filesystem::path& png,
                               const std::vector<std::pair<std::string, CoverageRiskCurve>>& curves,
                               const std::string& title, int width, int height) {
  LineChart c;
  c.title = title;
  c.x.label = "coverage";
  c.y.label = "selective risk (error rate of accepted)";
  c.x.min = 0;
  c.x.max = 1;
  c.y.min = 0;
  c.width = width;
  c.height = height;
  for (const auto& [name, curve] : curves) {
    if (curve.coverage.size() != curve.risk.size())
      throw Error("coverage-risk curve '" + name + "'", "one risk per coverage", std::to_string(curve.risk.size()));
    c.series.push_back({name + " (AURC " + fixed(curve.aurc, 4) + ")", curve.coverage, curve.risk, false, false});
  }
  return write_line_chart(png, c);
}

Layout write_per_class_png(const std::filesystem::path& png, const std::vector<ClassReport>& per_class,
                           const std::string& title, const std::vector<std::string>& class_names, int width,
                           int height) {
  BarChart b;
  b.title = title;
  b.categories = names_for(per_class.size(), class_names, "per-class chart " + png.string());
  b.groups = {{"precision", {}}, {"recall", {}}, {"F1", {}}};
  for (const auto& r : per_class) {
    b.groups[0].values.push_back(r.precision);
    b.groups[1].values.push_back(r.recall);
    b.groups[2].values.push_back(r.f1);
  }
  for (size_t k = 0; k < per_class.size(); ++k) b.categories[k] += " (" + std::to_string(per_class[k].support) + ")";
  b.x_label = "class (support)";
  b.y.label = "score";
  b.y.min = 0;
  b.y.max = 1.1;  // room for the legend above 1
  b.width = width;
  b.height = height;
  return write_bar_chart(png, b);
}

}  // namespace ferkit::plot
