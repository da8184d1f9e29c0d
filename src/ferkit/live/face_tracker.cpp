// Tracking stage (ferkit/live/face_tracker.h): flow between detections, greedy IoU association on
// detection frames. Greedy rather than Hungarian matching: with a handful of faces whose boxes
// barely overlap each other, both give the same pairs, and greedy needs no solver.
#include "ferkit/live/face_tracker.h"

#include <algorithm>
#include <tuple>

#include "ferkit/error.h"

namespace ferkit {

FaceTracker::FaceTracker(const TrackerOptions& options) : opt_(options) {
  FERKIT_CHECK(opt_.detect_every >= 1, "track.detect_every must be >= 1, got " << opt_.detect_every);
  FERKIT_CHECK(opt_.max_missed >= 1, "track.max_missed must be >= 1, got " << opt_.max_missed);
  FERKIT_CHECK(opt_.iou_match > 0 && opt_.iou_match <= 1, "track.iou_match must be in (0, 1], got " << opt_.iou_match);
  FERKIT_CHECK(opt_.flow_min_points >= 1, "track.flow_min_points must be >= 1, got " << opt_.flow_min_points);
}

bool FaceTracker::wants_detection(int64_t frame_index) const {
  return frame_index % opt_.detect_every == 0;
}

const std::vector<Track>& FaceTracker::update(const cv::Mat& gray, const std::vector<Detection>* detections) {
  ended_.clear();
  started_.clear();
  for (auto& t : tracks_) {
    t.detected = false;
    ++t.age;
  }
  if (opt_.optical_flow && !prev_gray_.empty() && !gray.empty()) {
    for (auto& t : tracks_)
      if (!carry_box_by_flow(prev_gray_, gray, t.box, opt_)) ++flow_failures_;
  }
  if (detections) {
    // All (track, detection) pairs above the IoU floor, best first.
    std::vector<std::tuple<double, size_t, size_t>> pairs;
    for (size_t i = 0; i < tracks_.size(); ++i)
      for (size_t j = 0; j < detections->size(); ++j) {
        const double iou = box_iou(tracks_[i].box, (*detections)[j].box);
        if (iou >= opt_.iou_match) pairs.emplace_back(iou, i, j);
      }
    std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    std::vector<bool> track_used(tracks_.size(), false), det_used(detections->size(), false);
    for (const auto& [iou, i, j] : pairs) {
      if (track_used[i] || det_used[j]) continue;
      track_used[i] = det_used[j] = true;
      tracks_[i].box = (*detections)[j].box;
      tracks_[i].missed = 0;
      tracks_[i].detected = true;
    }
    std::vector<Track> kept;
    for (size_t i = 0; i < tracks_.size(); ++i) {
      if (!track_used[i] && ++tracks_[i].missed >= opt_.max_missed) {
        ended_.push_back(tracks_[i].id);
        continue;
      }
      kept.push_back(tracks_[i]);
    }
    tracks_ = std::move(kept);
    for (size_t j = 0; j < detections->size(); ++j) {
      if (det_used[j]) continue;
      Track t;
      t.id = next_id_++;
      t.box = (*detections)[j].box;
      t.detected = true;
      tracks_.push_back(t);
      started_.push_back(t.id);
    }
    std::sort(tracks_.begin(), tracks_.end(), [](const Track& a, const Track& b) { return a.id < b.id; });
  }
  if (opt_.optical_flow) prev_gray_ = gray.clone();
  return tracks_;
}

}  // namespace ferkit
