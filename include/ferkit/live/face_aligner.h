// Alignment stage: rotate a face crop so that the eyes are level.
//
//   ferkit::FaceAligner aligner(ferkit::AlignerOptions{});   // loads dlib's 68-point predictor
//   ferkit::AlignedFace a = aligner.align(frame_bgr, face_box, roi);
//   a.image;          // the roi crop, rotated about the eye midpoint so the eyes are level
//   a.angle_deg;      // the eye-line angle that was removed (0 when landmarks were not found)
//
// Landmarks come from a LandmarkProvider (ferkit/live/landmark_provider.h): dlib's 68-point
// predictor by default, face-api's FaceLandmark68TinyNet with landmarks = "faceapi68tiny".
// Eye centres are the means of the 68-landmark points 36-41 (the subject's right eye, on the
// image's left) and 42-47 (the subject's left eye). The angle is atan2(dy, dx) of the line from
// the first to the second, in image coordinates (y down), so a positive angle means the line drops
// to the right; level_eyes() rotates by that angle about the eye midpoint, keeping the crop size
// (border pixels are replicated). Angles above max_angle_deg are treated as a landmark failure and
// the crop is returned unrotated (counted in rejected()).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace ferkit {

class LandmarkProvider;

struct AlignerOptions {
  bool enabled = true;  // false: crops pass through unrotated and no landmarks are computed
  std::string landmarks = "dlib68";  // landmark provider: dlib68 or faceapi68tiny (landmark_provider.h)
  std::string landmarks_model = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";  // dlib shape predictor
  std::string faceapi_landmarks_model = "models/faceapi/face_landmark_68_tiny.pt";  // faceapi68tiny: checkpoint or weights manifest
  double max_angle_deg = 45.0;  // larger eye-line angles are treated as landmark failures
  template <class V> void visit(V& v) {
    v("enabled", enabled, "rotate crops so the eyes are level");
    v("landmarks", landmarks, "landmark provider: dlib68 or faceapi68tiny");
    v("landmarks_model", landmarks_model, "dlib 68-point shape predictor file");
    v("faceapi_landmarks_model", faceapi_landmarks_model, "faceapi68tiny: imported checkpoint or face-api weights manifest");
    v("max_angle_deg", max_angle_deg, "larger eye-line angles are treated as landmark failures");
  }
};

struct EyeCentres {
  cv::Point2f right_eye;  // subject's right eye: mean of points 36-41 (image left)
  cv::Point2f left_eye;   // subject's left eye: mean of points 42-47 (image right)
};

// Eye centres from 68 landmarks (throws ferkit::Error for another count).
EyeCentres eye_centres(const std::vector<cv::Point2f>& landmarks68);
// Angle (degrees) of the line from right_eye to left_eye, y down: > 0 when it drops to the right.
double eye_line_angle_deg(const EyeCentres& eyes);
// Rotates image by angle_deg about centre so that a line at that angle becomes horizontal.
cv::Mat level_eyes(const cv::Mat& image, const EyeCentres& eyes);
// The same rotation applied to points (to check where landmarks end up).
std::vector<cv::Point2f> rotate_points(const std::vector<cv::Point2f>& points, cv::Point2f centre, double angle_deg);

struct AlignedFace {
  cv::Mat image;                        // crop of roi, eyes level
  double angle_deg = 0.0;               // rotation removed
  bool landmarks_found = false;
  std::vector<cv::Point2f> landmarks;   // 68 points in frame coordinates (empty when not found)
};

class FaceAligner {
 public:
  explicit FaceAligner(const AlignerOptions& options);
  ~FaceAligner();
  // frame: 8-bit BGR or gray; face_box: the face (landmark search region); roi: crop to return.
  AlignedFace align(const cv::Mat& frame, const cv::Rect2f& face_box, const cv::Rect& roi);
  // The 68 landmarks of the face in face_box (frame coordinates).
  std::vector<cv::Point2f> landmarks(const cv::Mat& frame, const cv::Rect2f& face_box);
  int64_t rejected() const { return rejected_; }
  const AlignerOptions& options() const { return opt_; }

 private:
  AlignerOptions opt_;
  std::shared_ptr<LandmarkProvider> provider_;  // null when alignment is disabled
  int64_t rejected_ = 0;
};

}  // namespace ferkit
