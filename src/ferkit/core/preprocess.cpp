#include "ferkit/preprocess.h"

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"

namespace ferkit {

cv::Mat resize_for_model(const cv::Mat& face, const InputSpec& spec) {
  FERKIT_CHECK(!face.empty(), "preprocess: the face image is empty");
  FERKIT_CHECK(face.depth() == CV_8U, "preprocess: expected an 8-bit image, got depth " << face.depth());
  FERKIT_CHECK(spec.channels == 1 || spec.channels == 3, "preprocess: the model must take 1 or 3 channels, got " << spec.channels);
  FERKIT_CHECK(spec.size > 0, "preprocess: input size must be > 0, got " << spec.size);
  cv::Mat img;
  if (spec.channels == 1) {
    if (face.channels() == 3) cv::cvtColor(face, img, cv::COLOR_BGR2GRAY);
    else if (face.channels() == 4) cv::cvtColor(face, img, cv::COLOR_BGRA2GRAY);
    else img = face;
  } else {
    if (face.channels() == 1) cv::cvtColor(face, img, cv::COLOR_GRAY2RGB);
    else if (face.channels() == 4) cv::cvtColor(face, img, cv::COLOR_BGRA2RGB);
    else cv::cvtColor(face, img, cv::COLOR_BGR2RGB);
  }
  if (img.cols != spec.size || img.rows != spec.size) {
    bool shrinking = img.cols > spec.size || img.rows > spec.size;
    cv::Mat resized;
    cv::resize(img, resized, cv::Size(spec.size, spec.size), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    img = resized;
  }
  return img;
}

void preprocess_face_into(const cv::Mat& face, const InputSpec& spec, float* out) {
  FERKIT_CHECK(spec.mean.size() == static_cast<size_t>(spec.channels) || spec.mean.size() == 1,
               "preprocess: mean has " << spec.mean.size() << " values for " << spec.channels << " channels");
  FERKIT_CHECK(spec.std.size() == spec.mean.size(), "preprocess: std has " << spec.std.size() << " values, mean " << spec.mean.size());
  cv::Mat img = resize_for_model(face, spec);
  const int n = spec.size * spec.size;
  for (int c = 0; c < spec.channels; ++c) {
    const double mean = spec.mean[spec.mean.size() == 1 ? 0 : c];
    const double sd = spec.std[spec.std.size() == 1 ? 0 : c];
    FERKIT_CHECK(sd > 0, "preprocess: std must be > 0, got " << sd);
    const float scale = static_cast<float>(1.0 / (255.0 * sd));
    const float shift = static_cast<float>(mean / sd);
    float* dst = out + static_cast<size_t>(c) * n;
    for (int y = 0; y < spec.size; ++y) {
      const uint8_t* row = img.ptr<uint8_t>(y);
      for (int x = 0; x < spec.size; ++x) dst[y * spec.size + x] = row[x * spec.channels + c] * scale - shift;
    }
  }
}

std::vector<float> preprocess_face(const cv::Mat& face, const InputSpec& spec) {
  std::vector<float> out(static_cast<size_t>(spec.channels) * spec.size * spec.size);
  preprocess_face_into(face, spec, out.data());
  return out;
}

}  // namespace ferkit
