// Box stabilisation stage: a per-track median of recent boxes, then the square crop region.
//
//   ferkit::BoxStabilizer stab(ferkit::BoxStabilizerOptions{});
//   cv::Rect2f steady = stab.update(track.id, track.box);      // median of the last 5 boxes
//   cv::Rect roi = ferkit::square_roi(steady, 0.30, frame.size());
//   stab.forget(ended_id);
//
// The median is taken per coordinate (centre x, centre y, width, height) over the last `window`
// boxes of the track, the current one included; a new track starts from its first box. The ROI is
// a square of side (1 + margin) * max(w, h) centred on the box, intersected with the frame (so it
// stops being square at the frame's edges rather than reading outside it).
#pragma once

#include <deque>
#include <map>

#include <opencv2/core/types.hpp>

namespace ferkit {

struct BoxStabilizerOptions {
  int window = 5;        // boxes per track in the median (1 = no stabilisation)
  double margin = 0.30;  // ROI side = (1 + margin) * max(w, h)
  template <class V> void visit(V& v) {
    v("window", window, "boxes per track in the median (1 = no stabilisation)");
    v("margin", margin, "ROI side = (1 + margin) * max(box width, box height)");
  }
};

class BoxStabilizer {
 public:
  explicit BoxStabilizer(const BoxStabilizerOptions& options);
  cv::Rect2f update(int track_id, const cv::Rect2f& box);
  void forget(int track_id);
  size_t tracks() const { return history_.size(); }
  const BoxStabilizerOptions& options() const { return opt_; }

 private:
  BoxStabilizerOptions opt_;
  std::map<int, std::deque<cv::Rect2f>> history_;
};

// Square region of side (1 + margin) * max(w, h) centred on box, clipped to a frame of frame_size
// (integer pixels; empty when the box lies outside the frame).
cv::Rect square_roi(const cv::Rect2f& box, double margin, cv::Size frame_size);

}  // namespace ferkit
