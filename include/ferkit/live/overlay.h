// Output stage, drawing: boxes, track IDs, labels and probability bars on a frame.
//
//   ferkit::draw_overlay(frame_bgr, result, ferkit::OverlayOptions{}, operator_label);
//
// Per face: the box (green when a label is shown, grey when unknown), "#id label p" above it
// (p = smoothed probability of the shown label), and under the box (inside its lower edge when the
// frame ends first) one horizontal bar per class (length = smoothed probability). A status line at the top shows the frame time, the operator's
// true label and the live parameters (alpha, delta, unknown threshold) when given.
#pragma once

#include <string>

#include <opencv2/core/mat.hpp>

#include "ferkit/live/live_pipeline.h"

namespace ferkit {

struct OverlayOptions {
  bool bars = true;       // draw the per-class probability bars
  double font_scale = 0.45;  // OpenCV Hershey font scale
  template <class V> void visit(V& v) {
    v("bars", bars, "draw the per-class probability bars");
    v("font_scale", font_scale, "OpenCV Hershey font scale");
  }
};

// status: text for the top line ("" = none). image: 8-bit BGR, drawn in place.
void draw_overlay(cv::Mat& image, const FrameResult& result, const OverlayOptions& options,
                  const std::string& status = "");

}  // namespace ferkit
