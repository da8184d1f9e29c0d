// dlib's 68-point shape predictor as a landmark provider ("dlib68", ferkit/live/landmark_provider.h).
#include <filesystem>
#include <map>
#include <mutex>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/serialize.h>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/live/landmark_provider.h"

namespace ferkit {
namespace {

struct Predictor {
  dlib::shape_predictor predictor;
};

// The 99 MB predictor takes about a second to read: load each file once per process and keep it.
std::shared_ptr<const Predictor> load_predictor(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Predictor>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  if (!std::filesystem::exists(path))
    throw Error(path, "dlib's 68-point shape predictor (Debian package libdlib-data)", "no such file");
  auto m = std::make_shared<Predictor>();
  try {
    dlib::deserialize(path) >> m->predictor;
  } catch (const std::exception& e) {
    throw Error(path, "a dlib shape predictor file", std::string("a file dlib cannot read (") + e.what() + ")");
  }
  if (m->predictor.num_parts() != 68)
    throw Error(path, "a 68-point shape predictor", std::to_string(m->predictor.num_parts()) + " points");
  cache[path] = m;
  return m;
}

class DlibLandmarks : public LandmarkProvider {
 public:
  explicit DlibLandmarks(const AlignerOptions& o) : model_(load_predictor(o.landmarks_model)) {}

  std::vector<cv::Point2f> landmarks(const cv::Mat& frame, const cv::Rect2f& face_box) override {
    FERKIT_CHECK(!frame.empty() && frame.depth() == CV_8U, "align: expected a non-empty 8-bit frame");
    // Only the region around the face is converted to gray: the predictor never looks further.
    const cv::Rect region = cv::Rect(cv::Rect2f(face_box.x - 0.25f * face_box.width, face_box.y - 0.25f * face_box.height,
                                                1.5f * face_box.width, 1.5f * face_box.height)) &
                            cv::Rect(0, 0, frame.cols, frame.rows);
    if (region.width < 2 || region.height < 2) return {};
    cv::Mat gray;
    if (frame.channels() == 3) cv::cvtColor(frame(region), gray, cv::COLOR_BGR2GRAY);
    else if (frame.channels() == 4) cv::cvtColor(frame(region), gray, cv::COLOR_BGRA2GRAY);
    else gray = frame(region).clone();
    dlib::cv_image<unsigned char> img(gray);
    const dlib::rectangle r(static_cast<long>(std::lround(face_box.x - region.x)), static_cast<long>(std::lround(face_box.y - region.y)),
                            static_cast<long>(std::lround(face_box.x + face_box.width - region.x)) - 1,
                            static_cast<long>(std::lround(face_box.y + face_box.height - region.y)) - 1);
    const dlib::full_object_detection shape = model_->predictor(img, r);
    std::vector<cv::Point2f> pts;
    pts.reserve(shape.num_parts());
    for (unsigned long i = 0; i < shape.num_parts(); ++i)
      pts.emplace_back(static_cast<float>(shape.part(i).x() + region.x), static_cast<float>(shape.part(i).y() + region.y));
    return pts;
  }

  std::string name() const override { return "dlib68"; }

 private:
  std::shared_ptr<const Predictor> model_;
};

}  // namespace

std::unique_ptr<LandmarkProvider> make_dlib68_landmarks(const AlignerOptions& options) {
  return std::make_unique<DlibLandmarks>(options);
}

}  // namespace ferkit
