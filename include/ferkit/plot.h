// Small PNG charts drawn with OpenCV: line charts, grouped bar charts and annotated heatmaps, each
// with a title, axes with ticks and labels, and a legend or a colour bar.
//
//   ferkit::plot::LineChart c;
//   c.title = "Training"; c.x.label = "epoch"; c.y.label = "accuracy";
//   c.series.push_back({"train", {1, 2, 3}, {0.50, 0.62, 0.70}});
//   c.series.push_back({"valid", {1, 2, 3}, {0.48, 0.58, 0.61}});
//   ferkit::plot::write_line_chart("runs/x/curves.png", c);
//
//   ferkit::plot::Heatmap h;
//   h.values = {{50, 3}, {7, 40}}; h.row_labels = {"a", "b"}; h.col_labels = {"a", "b"};
//   ferkit::plot::Layout l = ferkit::plot::write_heatmap("cm.png", h);   // l.cells[r * cols + c]
//
// The image is exactly width x height pixels (8-bit BGR). Axis ranges default to the data (a line
// chart pads them by 5 %, bars start at 0); ticks are "nice" numbers (1, 2, 2.5, 5 x 10^n). The
// heatmap colours follow viridis from vmin (dark) to vmax (bright), so brightness grows with the
// value; cell numbers are printed in black or white, whichever reads better on the cell.
// Non-finite values are not drawn (a line breaks, a bar or cell is left blank).
// Errors: an empty chart, mismatched lengths, a size under 120 x 100, or a file that cannot be
// written (ferkit::Error naming it).
//
// Hand-written on OpenCV drawing because OpenCV is already a dependency and the charts are few and
// simple. Debian 12 does package headless C++ plotters (PLplot: libplplot-dev; MathGL:
// libmgl-dev), but neither is a ferkit dependency; matplot++ and sciplot are not packaged and drive
// gnuplot. Adopting one would replace the drawing in src/ferkit/report/plot*.cpp, not this API.
#pragma once

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace ferkit::plot {

struct PixelBox {
  int x = 0, y = 0, width = 0, height = 0;
};

// Where things were drawn, for tests and for callers that annotate further.
struct Layout {
  PixelBox plot_area;           // the data area inside the axes
  std::vector<PixelBox> cells;  // heatmap cells row-major; bars group-major (group g, category c)
};

struct Axis {
  std::string label;
  double min = std::numeric_limits<double>::quiet_NaN();  // NaN: from the data
  double max = std::numeric_limits<double>::quiet_NaN();  // NaN: from the data
};

struct LineSeries {
  std::string name;        // legend text ("" = not in the legend)
  std::vector<double> x, y;
  bool markers = false;    // a dot at every point
  bool dashed = false;
};

struct LineChart {
  std::string title;
  Axis x, y;
  std::vector<LineSeries> series;
  bool legend = true;
  int width = 800, height = 560;
};

struct BarGroup {
  std::string name;            // legend text
  std::vector<double> values;  // one per category
};

struct BarChart {
  std::string title;
  std::vector<std::string> categories;  // along x
  std::vector<BarGroup> groups;         // side by side within a category
  std::string x_label;
  Axis y;
  bool legend = true;
  bool value_labels = false;  // print each value above its bar
  int decimals = 2;           // of the value labels
  int width = 800, height = 560;
};

struct Heatmap {
  std::string title;
  std::vector<std::vector<double>> values;  // rows x cols
  std::vector<std::string> row_labels, col_labels;
  std::string row_axis, col_axis;           // axis titles (left, bottom)
  double vmin = std::numeric_limits<double>::quiet_NaN();  // NaN: min of the values
  double vmax = std::numeric_limits<double>::quiet_NaN();  // NaN: max of the values
  std::string colour_bar_label;
  bool cell_numbers = true;
  int decimals = 0;  // of the cell numbers
  int width = 720, height = 640;
};

Layout write_line_chart(const std::filesystem::path& png, const LineChart& chart);
Layout write_bar_chart(const std::filesystem::path& png, const BarChart& chart);
Layout write_heatmap(const std::filesystem::path& png, const Heatmap& map);

}  // namespace ferkit::plot
