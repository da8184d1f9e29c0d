// Alignment stage (ferkit/live/face_aligner.h): 68 landmarks from a LandmarkProvider (dlib's
// shape predictor by default) for the eyes, cv::warpAffine for the rotation.
#include "ferkit/live/face_aligner.h"

#include <cmath>
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/live/landmark_provider.h"

namespace ferkit {

namespace {

cv::Point2f mean_of(const std::vector<cv::Point2f>& p, int first, int last) {
  cv::Point2f s(0.f, 0.f);
  for (int i = first; i <= last; ++i) s += p[i];
  return s * (1.f / static_cast<float>(last - first + 1));
}

constexpr double kPi = 3.14159265358979323846;

}  // namespace

EyeCentres eye_centres(const std::vector<cv::Point2f>& landmarks68) {
  if (landmarks68.size() != 68) throw Error("face landmarks", "68 points (dlib's iBUG layout)", std::to_string(landmarks68.size()) + " points");
  return {mean_of(landmarks68, 36, 41), mean_of(landmarks68, 42, 47)};
}

double eye_line_angle_deg(const EyeCentres& e) {
  return std::atan2(e.left_eye.y - e.right_eye.y, e.left_eye.x - e.right_eye.x) * 180.0 / kPi;
}

std::vector<cv::Point2f> rotate_points(const std::vector<cv::Point2f>& points, cv::Point2f centre, double angle_deg) {
  const cv::Mat m = cv::getRotationMatrix2D(centre, angle_deg, 1.0);
  std::vector<cv::Point2f> out;
  cv::transform(points, out, m);
  return out;
}

cv::Mat level_eyes(const cv::Mat& image, const EyeCentres& eyes) {
  const double angle = eye_line_angle_deg(eyes);
  if (angle == 0.0) return image.clone();
  const cv::Point2f centre = (eyes.right_eye + eyes.left_eye) * 0.5f;
  // getRotationMatrix2D turns by +angle counter-clockwise on screen, which undoes a line that
  // drops to the right by angle (y down).
  const cv::Mat m = cv::getRotationMatrix2D(centre, angle, 1.0);
  cv::Mat out;
  cv::warpAffine(image, out, m, image.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return out;
}

FaceAligner::FaceAligner(const AlignerOptions& options) : opt_(options) {
  FERKIT_CHECK(opt_.max_angle_deg > 0, "align.max_angle_deg must be > 0, got " << opt_.max_angle_deg);
  if (opt_.enabled) provider_ = make_landmark_provider(opt_);
}

FaceAligner::~FaceAligner() = default;

std::vector<cv::Point2f> FaceAligner::landmarks(const cv::Mat& frame, const cv::Rect2f& face_box) {
  FERKIT_CHECK(provider_, "align: landmarks requested but alignment is disabled");
  FERKIT_CHECK(!frame.empty() && frame.depth() == CV_8U, "align: expected a non-empty 8-bit frame");
  return provider_->landmarks(frame, face_box);
}

AlignedFace FaceAligner::align(const cv::Mat& frame, const cv::Rect2f& face_box, const cv::Rect& roi) {
  AlignedFace out;
  const cv::Rect clipped = roi & cv::Rect(0, 0, frame.cols, frame.rows);
  FERKIT_CHECK(clipped.area() > 0, "align: the crop region " << roi << " lies outside the " << frame.cols << "x" << frame.rows << " frame");
  cv::Mat crop = frame(clipped).clone();
  if (!opt_.enabled) {
    out.image = crop;
    return out;
  }
  out.landmarks = landmarks(frame, face_box);
  if (out.landmarks.size() != 68) {
    out.image = crop;
    out.landmarks.clear();
    return out;
  }
  out.landmarks_found = true;
  EyeCentres eyes = eye_centres(out.landmarks);
  const double angle = eye_line_angle_deg(eyes);
  if (std::abs(angle) > opt_.max_angle_deg) {
    ++rejected_;
    out.image = crop;
    return out;
  }
  const cv::Point2f offset(static_cast<float>(clipped.x), static_cast<float>(clipped.y));
  eyes.right_eye -= offset;
  eyes.left_eye -= offset;
  out.image = level_eyes(crop, eyes);
  out.angle_deg = angle;
  return out;
}

}  // namespace ferkit
