// Real-looking faces for the corruption tests: the bundled sample faces (always there) and crops of
// the face-api demo photo sample3.jpg (three women, colour) when the npm cache is present.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/test_support.h"

namespace ferkit::test {

// face0096.png is the first validation face.
inline std::filesystem::path sample_face_path(int i) {
  std::string number = std::to_string(96 + i);
  number.insert(0, 4 - std::min<size_t>(4, number.size()), '0');
  return std::filesystem::path(FERKIT_SOURCE_DIR) / "data" / "sample" / "FER2013Valid" / ("face" + number + ".png");
}

// The first n validation faces of data/sample, 48 x 48 gray.
inline std::vector<cv::Mat> sample_faces(int n = 3) {
  std::vector<cv::Mat> out;
  for (int i = 0; i < n; ++i) out.push_back(cv::imread(sample_face_path(i).string(), cv::IMREAD_GRAYSCALE));
  return out;
}

// The three faces of face-api's sample3.jpg (scaled to 640 px wide; boxes as in
// tests/live/face_video.h), in colour; empty when the npm cache is absent.
inline std::vector<cv::Mat> face_api_crops() {
  const auto photo = npm_cache_dir() / "face-api" / "demo" / "sample3.jpg";
  std::vector<cv::Mat> out;
  cv::Mat img = cv::imread(photo.string(), cv::IMREAD_COLOR);
  if (img.empty()) return out;
  cv::resize(img, img, cv::Size(640, img.rows * 640 / img.cols), 0, 0, cv::INTER_AREA);
  for (const cv::Rect& r : {cv::Rect(187, 118, 78, 78), cv::Rect(350, 92, 79, 79), cv::Rect(500, 120, 65, 65)})
    out.push_back(img(r).clone());
  return out;
}

}  // namespace ferkit::test
