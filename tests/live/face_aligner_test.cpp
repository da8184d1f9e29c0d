// Alignment alone: eye centres and angles on constructed landmarks, levelling of a constructed
// image, and dlib's landmarks on a real face rotated by a known angle.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/live/face_aligner.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

// 68 points with eye rings of radius 3 around the given centres; the rest at the origin.
std::vector<cv::Point2f> landmarks_with_eyes(cv::Point2f right, cv::Point2f left) {
  std::vector<cv::Point2f> p(68, cv::Point2f(0, 0));
  for (int i = 0; i < 6; ++i) {
    const double a = i * CV_PI / 3;
    const cv::Point2f d(static_cast<float>(3 * std::cos(a)), static_cast<float>(3 * std::sin(a)));
    p[36 + i] = right + d;
    p[42 + i] = left + d;
  }
  return p;
}

TEST(FaceAligner, EyeCentresAndAngleFromLandmarks) {
  auto p = landmarks_with_eyes({30, 40}, {70, 60});
  EyeCentres e = eye_centres(p);
  EXPECT_NEAR(e.right_eye.x, 30, 1e-4);
  EXPECT_NEAR(e.right_eye.y, 40, 1e-4);
  EXPECT_NEAR(e.left_eye.x, 70, 1e-4);
  EXPECT_NEAR(e.left_eye.y, 60, 1e-4);
  EXPECT_NEAR(eye_line_angle_deg(e), std::atan2(20.0, 40.0) * 180 / CV_PI, 1e-6);  // 26.565 deg, drops right
  EXPECT_THROW(eye_centres(std::vector<cv::Point2f>(5)), Error);
}

TEST(FaceAligner, RotatedLandmarksAreLevelledAndLevelOnesUnchanged) {
  const cv::Point2f mid(50, 50);
  auto level = landmarks_with_eyes({30, 50}, {70, 50});
  for (double tilt : {-25.0, -10.0, 15.0, 30.0}) {
    auto tilted = rotate_points(level, mid, tilt);  // counter-clockwise by tilt on screen
    EyeCentres e = eye_centres(tilted);
    const double angle = eye_line_angle_deg(e);
    EXPECT_NEAR(angle, -tilt, 1e-3) << "tilt " << tilt;
    EyeCentres back = eye_centres(rotate_points(tilted, (e.right_eye + e.left_eye) * 0.5f, angle));
    EXPECT_NEAR(back.right_eye.y, back.left_eye.y, 1e-3) << "tilt " << tilt;
    EXPECT_LT(back.right_eye.x, back.left_eye.x);  // not flipped
  }
  EXPECT_NEAR(eye_line_angle_deg(eye_centres(level)), 0.0, 1e-9);
}

cv::Point2f blob_centre(const cv::Mat& img, const cv::Rect& where) {
  cv::Moments m = cv::moments(img(where), false);
  return {static_cast<float>(m.m10 / m.m00 + where.x), static_cast<float>(m.m01 / m.m00 + where.y)};
}

TEST(FaceAligner, LevelEyesRotatesAnImageSoTheEyesAreLevel) {
  cv::Mat img(100, 100, CV_8UC1, cv::Scalar(0));
  const cv::Point2f r(30, 40), l(70, 56);  // drops 16 px to the right
  cv::circle(img, r, 4, cv::Scalar(255), cv::FILLED);
  cv::circle(img, l, 4, cv::Scalar(255), cv::FILLED);
  cv::Mat out = level_eyes(img, {r, l});
  ASSERT_EQ(out.size(), img.size());
  cv::Point2f rr = blob_centre(out, cv::Rect(0, 0, 50, 100)), ll = blob_centre(out, cv::Rect(50, 0, 50, 100));
  EXPECT_NEAR(rr.y, ll.y, 0.5);
  EXPECT_NEAR(cv::norm(rr - ll), cv::norm(r - l), 0.5);  // a rotation keeps the distance
  // Level eyes: the image comes back unchanged.
  cv::Mat level(100, 100, CV_8UC1, cv::Scalar(0));
  cv::circle(level, cv::Point(30, 40), 4, cv::Scalar(255), cv::FILLED);
  cv::circle(level, cv::Point(70, 40), 4, cv::Scalar(255), cv::FILLED);
  EXPECT_EQ(cv::norm(level_eyes(level, {{30, 40}, {70, 40}}), level, cv::NORM_INF), 0.0);
}

TEST(FaceAligner, RealFaceRotatedByAKnownAngleComesOutLevel) {
  const auto photo = test::npm_cache_dir() / "face-api" / "demo" / "sample3.jpg";
  if (!std::filesystem::exists(photo)) GTEST_SKIP() << photo << " not found (set FERKIT_CACHE)";
  AlignerOptions o;
  if (!std::filesystem::exists(o.landmarks_model)) GTEST_SKIP() << o.landmarks_model << " not installed (libdlib-data)";
  cv::Mat img = cv::imread(photo.string());
  cv::resize(img, img, cv::Size(640, img.rows * 640 / img.cols), 0, 0, cv::INTER_AREA);
  // The left woman's face (reference box 187,118 78x78) in a 200x200 frame centred on it.
  const cv::Rect2f face(187, 118, 78, 78);
  const cv::Point2f c(face.x + face.width / 2, face.y + face.height / 2);
  const cv::Rect window(static_cast<int>(c.x) - 100, static_cast<int>(c.y) - 100, 200, 200);
  cv::Mat frame = img(window).clone();
  const cv::Rect2f box(face.x - window.x, face.y - window.y, face.width, face.height);
  FaceAligner aligner(o);
  const double base = eye_line_angle_deg(eye_centres(aligner.landmarks(frame, box)));
  ASSERT_LT(std::abs(base), 15.0);
  const cv::Rect roi(0, 0, 200, 200);
  for (double tilt : {-20.0, 20.0}) {
    cv::Mat rotated;
    cv::warpAffine(frame, rotated, cv::getRotationMatrix2D(cv::Point2f(100, 100), tilt, 1.0), frame.size(), cv::INTER_LINEAR,
                   cv::BORDER_REPLICATE);
    AlignedFace a = aligner.align(rotated, box, roi);
    ASSERT_TRUE(a.landmarks_found);
    // The measured tilt is the photo's own eye angle minus the rotation (counter-clockwise = up).
    EXPECT_NEAR(a.angle_deg, base - tilt, 4.0) << "tilt " << tilt;
    const double after = eye_line_angle_deg(eye_centres(aligner.landmarks(a.image, box)));
    EXPECT_LT(std::abs(after), 3.0) << "tilt " << tilt << ": eye angle after alignment";
  }
}

TEST(FaceAligner, DisabledPassesTheCropThroughAndMissingModelIsAnError) {
  AlignerOptions off;
  off.enabled = false;
  off.landmarks_model = "/nonexistent/predictor.dat";
  FaceAligner a(off);  // no model needed
  cv::Mat frame(100, 100, CV_8UC3, cv::Scalar(1, 2, 3));
  AlignedFace r = a.align(frame, {20, 20, 40, 40}, {10, 10, 60, 60});
  EXPECT_EQ(r.image.size(), cv::Size(60, 60));
  EXPECT_EQ(r.angle_deg, 0.0);
  AlignerOptions on;
  on.landmarks_model = "/nonexistent/predictor.dat";
  try {
    FaceAligner b(on);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/predictor.dat"), std::string::npos) << e.what();
  }
  test::TempDir dir("aligner");
  test::write_text(dir / "fake.dat", "not a predictor");
  on.landmarks_model = (dir / "fake.dat").string();
  EXPECT_THROW(FaceAligner c(on), Error);
}

}  // namespace
}  // namespace ferkit
