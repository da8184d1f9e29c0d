// Test clips assembled from the face-api demo photos: a camera pan and zoom over sample3.jpg
// (three women, all faces in view throughout), written with cv::VideoWriter into a test folder.
#pragma once

#include <filesystem>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "support/test_support.h"

namespace ferkit::test {

inline std::filesystem::path face_api_photo(int i) {
  return npm_cache_dir() / "face-api" / "demo" / ("sample" + std::to_string(i) + ".jpg");
}

#define FERKIT_REQUIRE_FACE_API()                                                                  \
  do {                                                                                             \
    if (!std::filesystem::exists(::ferkit::test::face_api_photo(3)))                               \
      GTEST_SKIP() << "face-api demo photos not found under " << ::ferkit::test::npm_cache_dir()   \
                   << " (set FERKIT_CACHE or run scripts/setup.sh)";                               \
  } while (0)

struct PanZoomClip {
  std::filesystem::path file;
  int frames = 0;
  double fps = 10.0;
  cv::Size size{400, 300};
  // Face boxes of each frame in video pixels (the photo's reference boxes moved by the camera).
  std::vector<std::vector<cv::Rect2f>> faces;
};

// The camera of frame i (u = i / (n - 1)): scale 0.80 -> 0.90, window origin in the 640-px photo
// from (100, 70) to (160, 10): a pan right and up with a zoom in, every face staying in view.
inline PanZoomClip write_pan_zoom_clip(const std::filesystem::path& file, int frames = 30, double fps = 10.0) {
  cv::Mat img = cv::imread(face_api_photo(3).string());
  cv::resize(img, img, cv::Size(640, img.rows * 640 / img.cols), 0, 0, cv::INTER_AREA);
  // sample3's three faces at 640 px width (tests/live/face_detector_test.cpp says how they were found).
  const std::vector<cv::Rect2f> faces = {{187, 118, 78, 78}, {350, 92, 79, 79}, {500, 120, 65, 65}};
  PanZoomClip clip;
  clip.file = file;
  clip.frames = frames;
  clip.fps = fps;
  cv::VideoWriter w(file.string(), cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, clip.size);
  if (!w.isOpened()) return clip;
  for (int i = 0; i < frames; ++i) {
    const double u = frames > 1 ? static_cast<double>(i) / (frames - 1) : 0.0;
    const double s = 0.80 + 0.10 * u, x0 = 100 + 60 * u, y0 = 70 - 60 * u;
    const cv::Mat m = (cv::Mat_<double>(2, 3) << s, 0, -s * x0, 0, s, -s * y0);
    cv::Mat frame;
    cv::warpAffine(img, frame, m, clip.size, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(40, 40, 40));
    w.write(frame);
    std::vector<cv::Rect2f> moved;
    for (const auto& f : faces)
      moved.emplace_back(static_cast<float>(s * (f.x - x0)), static_cast<float>(s * (f.y - y0)), static_cast<float>(s * f.width),
                         static_cast<float>(s * f.height));
    clip.faces.push_back(moved);
  }
  return clip;
}

}  // namespace ferkit::test
