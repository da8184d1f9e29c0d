// Internal drawing layer of ferkit/plot.h: text placement, nice ticks, axes, legends and colour
// maps on a cv::Mat. Charts (plot.cpp) and the result pictures (plot_results.cpp) are built from it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "ferkit/plot.h"

namespace ferkit::plot::canvas {

const cv::Scalar kBlack(0, 0, 0);
const cv::Scalar kWhite(255, 255, 255);
const cv::Scalar kAxisGrey(90, 90, 90);
const cv::Scalar kGridGrey(225, 225, 225);

// The i-th colour of a 10-colour categorical palette (matplotlib's tab10), BGR.
cv::Scalar series_colour(size_t i);
// Viridis at t in [0, 1] (clamped), BGR; brightness increases with t.
cv::Scalar viridis(double t);

enum class HAlign { kLeft, kCentre, kRight };
enum class VAlign { kTop, kMiddle, kBottom };

struct Font {
  double scale = 0.45;
  int thickness = 1;
  cv::Scalar colour = kBlack;
};
// Fonts scaled to the image size (a 800 x 560 chart uses 0.45).
Font body_font(const cv::Mat& img);
Font title_font(const cv::Mat& img);

cv::Size text_size(const std::string& text, const Font& font);
// Draws text with its box aligned to anchor; vertical text reads bottom to top.
void draw_text(cv::Mat& img, const std::string& text, cv::Point anchor, HAlign h, VAlign v, const Font& font,
               bool vertical = false);

// "Nice" tick values (1, 2, 2.5, 5 x 10^n steps) covering [lo, hi], about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);
// A tick label with as many decimals as the step needs.
std::string tick_label(double value, double step);
std::string fixed(double value, int decimals);

// A data rectangle mapped onto a pixel rectangle.
struct Axes {
  cv::Rect area;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  double px(double x) const;
  double py(double y) const;
  cv::Point point(double x, double y) const;
};

struct AxisStyle {
  std::string label;
  std::vector<double> ticks;             // data positions
  std::vector<std::string> tick_labels;  // empty: tick_label() of each tick
  bool grid = true;
  bool vertical_labels = false;          // x axis: tick labels read bottom to top
};

// Frame, grid, ticks, tick labels and the axis titles.
void draw_axes(cv::Mat& img, const Axes& ax, const AxisStyle& x, const AxisStyle& y);
void draw_title(cv::Mat& img, const std::string& title);

struct LegendEntry {
  std::string name;
  cv::Scalar colour;
  bool box = false;     // a filled box (bars) instead of a line
  bool dashed = false;
};
enum class Corner { kTopRight, kTopLeft, kBottomRight, kBottomLeft };
// The corner of area where a legend hides the fewest drawn pixels (call after drawing the data).
Corner emptiest_corner(const cv::Mat& img, const cv::Rect& area, const std::vector<LegendEntry>& entries);
// A boxed legend in a corner of area.
void draw_legend(cv::Mat& img, const cv::Rect& area, const std::vector<LegendEntry>& entries, Corner corner);

// A polyline in data coordinates, broken at non-finite points and clipped to the axes.
void draw_series(cv::Mat& img, const Axes& ax, const std::vector<double>& x, const std::vector<double>& y,
                 const cv::Scalar& colour, int thickness, bool dashed, bool markers);

// Vertical colour bar for [vmin, vmax] with ticks, inside box.
void draw_colour_bar(cv::Mat& img, const cv::Rect& box, double vmin, double vmax, const std::string& label);

// Margin a y axis needs on the left for its tick labels and title; an x axis below the axes.
int y_axis_margin(const cv::Mat& img, const AxisStyle& y);
int x_axis_margin(const cv::Mat& img, const AxisStyle& x);
// True when the x tick labels do not fit side by side in `spacing` pixels each.
bool labels_crowded(const cv::Mat& img, const std::vector<std::string>& labels, double spacing);

cv::Mat blank(int width, int height, const std::string& what);
void save_png(const cv::Mat& img, const std::filesystem::path& png);
PixelBox to_box(const cv::Rect& r);

}  // namespace ferkit::plot::canvas
