// Tracking stage: stable IDs for several faces between detections.
//
//   ferkit::FaceTracker tracker(ferkit::TrackerOptions{});
//   for each frame:
//     bool detect_now = tracker.wants_detection(frame_index);      // every detect_every frames
//     auto dets = detect_now ? detector->detect(frame) : std::vector<ferkit::Detection>{};
//     const auto& tracks = tracker.update(gray, detect_now ? &dets : nullptr);
//     for (const ferkit::Track& t : tracks) { t.id; t.box; t.missed; }
//     tracker.ended();     // ids dropped by this update
//
// How boxes move between detections: OpenCV's KCF/CSRT trackers live in opencv_contrib's tracking
// module, which Debian ships but ferkit does not link; instead each box is carried by pyramidal
// Lucas-Kanade optical flow (cv::calcOpticalFlowPyrLK, already linked through opencv_video) on
// corner features inside the box: the box moves by the median displacement and scales by the median
// ratio of point distances, keeping only points whose forward-backward error is < 1 px. That is
// cheap (a few hundred points), handles pans and zooms, and every detection frame re-anchors it.
//
// Association on a detection frame: greedy by IoU (highest pair first, IoU >= iou_match) between
// the flow-carried boxes and the detections; a matched track takes the detection's box and resets
// missed to 0; an unmatched track's missed grows by 1 and the track ends when missed reaches
// max_missed; an unmatched detection starts a new track with the next ID (1, 2, 3...; IDs are never
// reused). Tracks are returned in ID order.
#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "ferkit/live/face_detector.h"

namespace ferkit {

struct TrackerOptions {
  int detect_every = 3;         // run the detector on every Nth frame (1 = every frame)
  double iou_match = 0.3;       // minimum IoU to associate a detection with a track
  int max_missed = 3;           // a track ends after this many detection frames without a match
  bool optical_flow = true;     // carry boxes between detections with Lucas-Kanade flow
  int flow_max_points = 40;     // corner features per box
  double flow_max_fb_error = 1.0;  // forward-backward error (px) above which a point is ignored
  int flow_min_points = 4;      // fewer surviving points: the box stays where it was
  template <class V> void visit(V& v) {
    v("detect_every", detect_every, "run the detector on every Nth frame (1 = every frame)");
    v("iou_match", iou_match, "minimum IoU to associate a detection with a track");
    v("max_missed", max_missed, "a track ends after this many detection frames without a match");
    v("optical_flow", optical_flow, "carry boxes between detections with Lucas-Kanade optical flow");
    v("flow_max_points", flow_max_points, "corner features tracked per box");
    v("flow_max_fb_error", flow_max_fb_error, "forward-backward error (px) above which a point is ignored");
    v("flow_min_points", flow_min_points, "fewer surviving points than this: the box stays where it was");
  }
};

struct Track {
  int id = 0;
  cv::Rect2f box;          // frame pixels, after flow and detection updates
  int missed = 0;          // consecutive detection frames without a match (0 = confirmed)
  int64_t age = 0;         // frames since the track started
  bool detected = false;   // matched a detection in this update
};

// Moves box from prev to next (8-bit grayscale, same size) by median Lucas-Kanade flow of corner
// features inside it. Returns false (box unchanged) when too few points survive.
bool carry_box_by_flow(const cv::Mat& prev_gray, const cv::Mat& next_gray, cv::Rect2f& box,
                       const TrackerOptions& options);

class FaceTracker {
 public:
  explicit FaceTracker(const TrackerOptions& options);
  bool wants_detection(int64_t frame_index) const;
  // gray: 8-bit grayscale frame; detections: nullptr on frames without detection.
  const std::vector<Track>& update(const cv::Mat& gray, const std::vector<Detection>* detections);
  const std::vector<Track>& tracks() const { return tracks_; }
  const std::vector<int>& ended() const { return ended_; }  // ids that ended in the last update
  const std::vector<int>& started() const { return started_; }
  int64_t flow_failures() const { return flow_failures_; }
  TrackerOptions& options() { return opt_; }

 private:
  TrackerOptions opt_;
  std::vector<Track> tracks_;
  std::vector<int> ended_, started_;
  cv::Mat prev_gray_;
  int next_id_ = 1;
  int64_t flow_failures_ = 0;
};

}  // namespace ferkit
