// Scatter plots of labelled points (ferkit/report/scatter_chart.h), drawn on the plot canvas.
#include "ferkit/report/scatter_chart.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/report/plot_canvas.h"

namespace ferkit::plot {

Layout write_scatter_png(const std::filesystem::path& png, const ScatterChart& c) {
  using namespace canvas;
  const std::string what = "scatter chart " + png.string();
  if (c.x.empty()) throw Error(what, "at least one point", "none");
  if (c.x.size() != c.y.size() || c.x.size() != c.labels.size())
    throw Error(what, "as many y values and labels as x values (" + std::to_string(c.x.size()) + ")",
                std::to_string(c.y.size()) + " y values and " + std::to_string(c.labels.size()) + " labels");
  if (c.width < 240 || c.height < 160)
    throw Error(what, "an image of at least 240 x 160 pixels", std::to_string(c.width) + " x " + std::to_string(c.height));
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  std::vector<int> counts(c.class_names.size(), 0);
  for (size_t i = 0; i < c.x.size(); ++i) {
    if (c.labels[i] < 0 || c.labels[i] >= static_cast<int>(c.class_names.size()))
      throw Error(what + " point " + std::to_string(i), "a label in [0, " + std::to_string(c.class_names.size()) + ")",
                  std::to_string(c.labels[i]));
    if (!std::isfinite(c.x[i]) || !std::isfinite(c.y[i])) continue;
    x0 = std::min(x0, c.x[i]), x1 = std::max(x1, c.x[i]);
    y0 = std::min(y0, c.y[i]), y1 = std::max(y1, c.y[i]);
    ++counts[c.labels[i]];
  }
  if (!(x0 <= x1)) throw Error(what, "at least one finite point", "none");
  auto pad = [](double& lo, double& hi) {
    if (hi == lo) lo -= 0.5, hi += 0.5;
    const double p = (hi - lo) * 0.05;
    lo -= p, hi += p;
  };
  pad(x0, x1);
  pad(y0, y1);

  cv::Mat img = blank(c.width, c.height, what);
  std::vector<LegendEntry> legend;
  for (size_t k = 0; k < c.class_names.size(); ++k)
    if (counts[k] > 0) legend.push_back({c.class_names[k] + " (" + std::to_string(counts[k]) + ")", series_colour(k), true, false});
  int legend_width = 0;
  for (const auto& e : legend) legend_width = std::max(legend_width, text_size(e.name, body_font(img)).width);
  legend_width += 50;

  AxisStyle xa{c.x_label, nice_ticks(x0, x1, 7), {}, true, false};
  AxisStyle ya{c.y_label, nice_ticks(y0, y1, 6), {}, true, false};
  const int top = c.title.empty() ? 14 : text_size(c.title, title_font(img)).height + 26;
  const int left = y_axis_margin(img, ya), bottom = x_axis_margin(img, xa);
  Axes ax;
  ax.area = cv::Rect(left, top, std::max(40, img.cols - left - 20 - legend_width), img.rows - top - bottom);
  ax.x0 = x0, ax.x1 = x1, ax.y0 = y0, ax.y1 = y1;
  draw_title(img, c.title);
  draw_axes(img, ax, xa, ya);
  for (size_t i = 0; i < c.x.size(); ++i) {
    if (!std::isfinite(c.x[i]) || !std::isfinite(c.y[i])) continue;
    cv::circle(img, ax.point(c.x[i], c.y[i]), c.point_radius, series_colour(static_cast<size_t>(c.labels[i])), cv::FILLED,
               cv::LINE_AA);
  }
  const cv::Rect legend_area(ax.area.x + ax.area.width + 8, ax.area.y, legend_width, ax.area.height);
  draw_legend(img, legend_area, legend, Corner::kTopLeft);
  save_png(img, png);
  return Layout{to_box(ax.area), {}};
}

}  // namespace ferkit::plot
