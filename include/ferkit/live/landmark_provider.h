// Where the alignment stage gets its 68 face landmarks (the iBUG layout): an explicit table of
// providers in src/ferkit/live/landmark_provider_registry.cpp, picked by AlignerOptions::landmarks.
//
//   ferkit::AlignerOptions o;  o.landmarks = "faceapi68tiny";    // default "dlib68"
//   auto p = ferkit::make_landmark_provider(o);
//   std::vector<cv::Point2f> pts = p->landmarks(frame_bgr, face_box);   // 68 points, frame pixels
//
// Providers:
// - "dlib68" (default): dlib's shape predictor (AlignerOptions::landmarks_model) on the grey
//   region around the face box.
// - "faceapi68tiny": face-api.js's FaceLandmark68TinyNet (AlignerOptions::faceapi_landmarks_model,
//   an imported checkpoint or face-api's weights manifest) on the face box cropped as face-api
//   does (clipped to the frame, floored to whole pixels).
// Contract: 68 points in frame coordinates, or none when the box lies outside the frame. An
// unknown provider name or a missing model file is an Error naming it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "ferkit/live/face_aligner.h"

namespace cv { class Mat; }

namespace ferkit {

class LandmarkProvider {
 public:
  virtual ~LandmarkProvider() = default;
  // frame: 8-bit BGR, BGRA or gray; face_box in frame pixels.
  virtual std::vector<cv::Point2f> landmarks(const cv::Mat& frame, const cv::Rect2f& face_box) = 0;
  virtual std::string name() const = 0;
};

std::unique_ptr<LandmarkProvider> make_landmark_provider(const AlignerOptions& options);
std::vector<std::string> landmark_provider_names();

}  // namespace ferkit
