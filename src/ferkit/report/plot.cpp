// Line charts, grouped bar charts and annotated heatmaps (see ferkit/plot.h for why hand-written).
#include "ferkit/plot.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/report/plot_canvas.h"

namespace ferkit::plot {
namespace {

using namespace canvas;

struct Span {
  double lo = INFINITY, hi = -INFINITY;
  void add(double v) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  bool valid() const { return lo <= hi; }
};

// The axis range: the user's bounds where given, the data's (padded) otherwise.
std::pair<double, double> resolve(const Axis& axis, Span data, double pad_fraction, const std::string& what) {
  if (!data.valid()) {
    if (std::isfinite(axis.min) && std::isfinite(axis.max)) return {axis.min, axis.max};
    throw Error(what, "at least one finite value to plot", "none");
  }
  double lo = data.lo, hi = data.hi;
  if (hi == lo) {
    const double d = lo == 0 ? 0.5 : std::abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const double pad = (hi - lo) * pad_fraction;
  lo = std::isfinite(axis.min) ? axis.min : lo - pad;
  hi = std::isfinite(axis.max) ? axis.max : hi + pad;
  if (!(hi > lo)) throw Error(what, "an axis maximum above its minimum", std::to_string(lo) + " .. " + std::to_string(hi));
  return {lo, hi};
}

int title_height(const cv::Mat& img, const std::string& title) {
  return title.empty() ? 14 : text_size(title, title_font(img)).height + 26;
}

}  // namespace

Layout write_line_chart(const std::filesystem::path& png, const LineChart& chart) {
  const std::string what = "line chart " + png.string();
  if (chart.series.empty()) throw Error(what, "at least one series", "none");
  Span xs, ys;
  for (const auto& s : chart.series) {
    if (s.x.size() != s.y.size())
      throw Error(what + " series '" + s.name + "'", std::to_string(s.x.size()) + " y values (one per x)",
                  std::to_string(s.y.size()));
    for (size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
        xs.add(s.x[i]);
        ys.add(s.y[i]);
      }
  }
  cv::Mat img = blank(chart.width, chart.height, what);
  const auto [x0, x1] = resolve(chart.x, xs, 0.0, what);
  const auto [y0, y1] = resolve(chart.y, ys, 0.05, what);
  AxisStyle xa{chart.x.label, nice_ticks(x0, x1, 7), {}, true, false};
  AxisStyle ya{chart.y.label, nice_ticks(y0, y1, 6), {}, true, false};
  const int top = title_height(img, chart.title), left = y_axis_margin(img, ya), bottom = x_axis_margin(img, xa);
  Axes ax;
  ax.area = cv::Rect(left, top, img.cols - left - 20, img.rows - top - bottom);
  ax.x0 = x0, ax.x1 = x1, ax.y0 = y0, ax.y1 = y1;
  draw_title(img, chart.title);
  draw_axes(img, ax, xa, ya);
  std::vector<LegendEntry> legend;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const auto& s = chart.series[i];
    draw_series(img, ax, s.x, s.y, series_colour(i), 2, s.dashed, s.markers);
    legend.push_back({s.name, series_colour(i), false, s.dashed});
  }
  if (chart.legend) draw_legend(img, ax.area, legend, emptiest_corner(img, ax.area, legend));
  save_png(img, png);
  return Layout{to_box(ax.area), {}};
}

Layout write_bar_chart(const std::filesystem::path& png, const BarChart& chart) {
  const std::string what = "bar chart " + png.string();
  if (chart.categories.empty() || chart.groups.empty()) throw Error(what, "at least one category and one bar group", "none");
  Span ys;
  ys.add(0.0);  // bars start at 0
  for (const auto& g : chart.groups) {
    if (g.values.size() != chart.categories.size())
      throw Error(what + " group '" + g.name + "'", std::to_string(chart.categories.size()) + " values (one per category)",
                  std::to_string(g.values.size()));
    for (double v : g.values) ys.add(v);
  }
  cv::Mat img = blank(chart.width, chart.height, what);
  auto [y0, y1] = resolve(chart.y, ys, 0.0, what);
  if (!std::isfinite(chart.y.max)) y1 += (y1 - y0) * (chart.value_labels ? 0.12 : 0.05);
  if (!std::isfinite(chart.y.min) && ys.lo < 0) y0 -= (y1 - y0) * 0.05;
  const int n = static_cast<int>(chart.categories.size());
  std::vector<double> positions(static_cast<size_t>(n));
  for (int c = 0; c < n; ++c) positions[c] = c;
  AxisStyle xa{chart.x_label, positions, chart.categories, false, false};
  AxisStyle ya{chart.y.label, nice_ticks(y0, y1, 6), {}, true, false};
  const int left = y_axis_margin(img, ya);
  xa.vertical_labels = labels_crowded(img, chart.categories, static_cast<double>(img.cols - left - 20) / n);
  const int top = title_height(img, chart.title), bottom = x_axis_margin(img, xa);
  Axes ax;
  ax.area = cv::Rect(left, top, img.cols - left - 20, img.rows - top - bottom);
  ax.x0 = -0.5, ax.x1 = n - 0.5, ax.y0 = y0, ax.y1 = y1;
  draw_title(img, chart.title);
  draw_axes(img, ax, xa, ya);

  Layout layout;
  layout.plot_area = to_box(ax.area);
  const double group_width = 0.8 / static_cast<double>(chart.groups.size());
  const Font f = body_font(img);
  Font small = f;
  small.scale *= 0.85;
  std::vector<LegendEntry> legend;
  for (size_t g = 0; g < chart.groups.size(); ++g) {
    const cv::Scalar colour = series_colour(g);
    legend.push_back({chart.groups[g].name, colour, true, false});
    for (int c = 0; c < n; ++c) {
      const double v = chart.groups[g].values[c];
      const double left_edge = c - 0.4 + group_width * static_cast<double>(g);
      const int xa_px = static_cast<int>(std::lround(ax.px(left_edge))) + 1;
      const int xb_px = static_cast<int>(std::lround(ax.px(left_edge + group_width))) - 1;
      if (!std::isfinite(v)) {
        layout.cells.push_back({xa_px, 0, 0, 0});
        continue;
      }
      const int base = static_cast<int>(std::lround(ax.py(std::clamp(0.0, y0, y1))));
      const int tip = static_cast<int>(std::lround(ax.py(std::clamp(v, y0, y1))));
      cv::Rect bar(cv::Point(xa_px, std::min(base, tip)), cv::Point(std::max(xb_px, xa_px + 1), std::max(base, tip)));
      bar &= ax.area;
      cv::rectangle(img, bar, colour, cv::FILLED);
      layout.cells.push_back(to_box(bar));
      if (chart.value_labels)
        draw_text(img, fixed(v, chart.decimals), {(xa_px + xb_px) / 2, std::min(base, tip) - 3}, HAlign::kCentre,
                  VAlign::kBottom, small);
    }
  }
  if (chart.legend && chart.groups.size() > 1) draw_legend(img, ax.area, legend, emptiest_corner(img, ax.area, legend));
  save_png(img, png);
  return layout;
}

Layout write_heatmap(const std::filesystem::path& png, const Heatmap& map) {
  const std::string what = "heatmap " + png.string();
  const int rows = static_cast<int>(map.values.size());
  if (rows == 0 || map.values[0].empty()) throw Error(what, "at least one value", "none");
  const int cols = static_cast<int>(map.values[0].size());
  Span vs;
  for (int r = 0; r < rows; ++r) {
    if (static_cast<int>(map.values[r].size()) != cols)
      throw Error(what + " row " + std::to_string(r), std::to_string(cols) + " values (as row 0)",
                  std::to_string(map.values[r].size()));
    for (double v : map.values[r]) vs.add(v);
  }
  if (!map.row_labels.empty() && static_cast<int>(map.row_labels.size()) != rows)
    throw Error(what, std::to_string(rows) + " row labels", std::to_string(map.row_labels.size()));
  if (!map.col_labels.empty() && static_cast<int>(map.col_labels.size()) != cols)
    throw Error(what, std::to_string(cols) + " column labels", std::to_string(map.col_labels.size()));
  const double vmin = std::isfinite(map.vmin) ? map.vmin : (vs.valid() ? vs.lo : 0.0);
  double vmax = std::isfinite(map.vmax) ? map.vmax : (vs.valid() ? vs.hi : 1.0);
  if (!(vmax > vmin)) vmax = vmin + 1.0;  // a constant map: every cell at the dark end

  cv::Mat img = blank(map.width, map.height, what);
  const Font f = body_font(img);
  int row_label_w = 0;
  for (const auto& s : map.row_labels) row_label_w = std::max(row_label_w, text_size(s, f).width);
  const int label_h = text_size("Ag", f).height;
  const int left = row_label_w + 14 + (map.row_axis.empty() ? 0 : label_h + 12) + 4;
  // Colour bar, its tick labels and its title on the right.
  const int bar_w = std::max(12, img.cols / 45);
  const int right = bar_w + 14 + text_size(tick_label(-vmax, (vmax - vmin) / 5), f).width + label_h + 24;
  const int top = title_height(img, map.title);
  const int plot_w = img.cols - left - right;
  const bool vertical_cols = labels_crowded(img, map.col_labels, static_cast<double>(plot_w) / cols);
  int col_label_h = 0;
  for (const auto& s : map.col_labels) {
    const cv::Size ts = text_size(s, f);
    col_label_h = std::max(col_label_h, vertical_cols ? ts.width : ts.height);
  }
  const int bottom = col_label_h + 14 + (map.col_axis.empty() ? 0 : label_h + 10) + 8;
  const cv::Rect area(left, top, plot_w, img.rows - top - bottom);
  if (area.width < cols || area.height < rows)
    throw Error(what, "room for " + std::to_string(rows) + " x " + std::to_string(cols) + " cells",
                std::to_string(area.width) + " x " + std::to_string(area.height) + " pixels after labels");
  draw_title(img, map.title);

  Layout layout;
  layout.plot_area = to_box(area);
  auto edge_x = [&](int c) { return area.x + static_cast<int>(std::lround(static_cast<double>(c) * area.width / cols)); };
  auto edge_y = [&](int r) { return area.y + static_cast<int>(std::lround(static_cast<double>(r) * area.height / rows)); };
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const cv::Rect cell(cv::Point(edge_x(c), edge_y(r)), cv::Point(edge_x(c + 1), edge_y(r + 1)));
      layout.cells.push_back(to_box(cell));
      const double v = map.values[r][c];
      if (!std::isfinite(v)) continue;  // left blank (white)
      const cv::Scalar colour = viridis((v - vmin) / (vmax - vmin));
      cv::rectangle(img, cell, colour, cv::FILLED);
      if (!map.cell_numbers) continue;
      Font cf = f;
      const std::string s = fixed(v, map.decimals);
      const int tw = text_size(s, cf).width;
      if (tw > cell.width - 4) cf.scale *= static_cast<double>(cell.width - 4) / tw;
      const double luminance = 0.114 * colour[0] + 0.587 * colour[1] + 0.299 * colour[2];
      cf.colour = luminance < 128 ? kWhite : kBlack;
      if (cf.scale >= 0.2) draw_text(img, s, {(cell.x * 2 + cell.width) / 2, (cell.y * 2 + cell.height) / 2}, HAlign::kCentre, VAlign::kMiddle, cf);
    }
  }
  cv::rectangle(img, area, kAxisGrey, 1);
  for (int r = 0; r < rows && !map.row_labels.empty(); ++r)
    draw_text(img, map.row_labels[r], {area.x - 8, (edge_y(r) + edge_y(r + 1)) / 2}, HAlign::kRight, VAlign::kMiddle, f);
  for (int c = 0; c < cols && !map.col_labels.empty(); ++c)
    draw_text(img, map.col_labels[c], {(edge_x(c) + edge_x(c + 1)) / 2, area.y + area.height + 8}, HAlign::kCentre,
              VAlign::kTop, f, vertical_cols);
  draw_text(img, map.row_axis, {area.x - 14 - row_label_w, area.y + area.height / 2}, HAlign::kRight, VAlign::kMiddle, f,
            true);
  draw_text(img, map.col_axis, {area.x + area.width / 2, area.y + area.height + 14 + col_label_h}, HAlign::kCentre,
            VAlign::kTop, f);
  draw_colour_bar(img, cv::Rect(area.x + area.width + 14, area.y, bar_w, area.height), vmin, vmax,
                  map.colour_bar_label);
  save_png(img, png);
  return layout;
}

}  // namespace ferkit::plot
