// A scatter plot PNG of labelled 2-D points (one colour per class), e.g. a t-SNE map of features.
//
//   ferkit::plot::ScatterChart c;
//   c.title = "t-SNE of validation features";
//   c.x = {x0, x1, ...};  c.y = {y0, y1, ...};  c.labels = {3, 1, ...};   // labels index class_names
//   c.class_names = {"neutral", "happiness", ...};
//   ferkit::plot::write_scatter_png("embedding.png", c);
//
// Points are filled dots in the tab10 palette of ferkit/plot.h (colour = label), drawn in input
// order; the legend sits right of the axes and lists every named class with its point count.
// Axis ranges are the data's, padded by 5 %. Errors (ferkit::Error): no point, mismatched lengths, a
// label outside class_names, no finite point, an image under 240 x 160, an unwritable file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/plot.h"

namespace ferkit::plot {

struct ScatterChart {
  std::string title;
  std::string x_label, y_label;
  std::vector<double> x, y;              // point coordinates
  std::vector<int> labels;               // class of each point, an index into class_names
  std::vector<std::string> class_names;  // legend names
  int point_radius = 3;                  // dot radius in pixels
  int width = 900, height = 720;
};

Layout write_scatter_png(const std::filesystem::path& png, const ScatterChart& chart);

}  // namespace ferkit::plot
