// The face detection methods: one explicit table (no static self-registration).
#include <functional>

#include "ferkit/error.h"
#include "ferkit/live/face_detector.h"

namespace ferkit {

std::unique_ptr<FaceDetector> make_dlib_hog_detector(const FaceDetectorOptions& options);
std::unique_ptr<FaceDetector> make_haar_detector(const FaceDetectorOptions& options);
std::unique_ptr<FaceDetector> make_yunet_detector(const FaceDetectorOptions& options);
std::unique_ptr<FaceDetector> make_tinyface_detector(const FaceDetectorOptions& options);

namespace {
struct Method {
  const char* name;
  std::unique_ptr<FaceDetector> (*make)(const FaceDetectorOptions&);
};
const Method kMethods[] = {
    {"dlib_hog", make_dlib_hog_detector},
    {"haar", make_haar_detector},
    {"yunet", make_yunet_detector},
    {"tinyface", make_tinyface_detector},
};
}  // namespace

std::vector<std::string> face_detector_methods() {
  std::vector<std::string> names;
  for (const auto& m : kMethods) names.emplace_back(m.name);
  return names;
}

std::unique_ptr<FaceDetector> make_face_detector(const FaceDetectorOptions& options) {
  FERKIT_CHECK(options.min_face_px >= 0, "detect.min_face_px must be >= 0, got " << options.min_face_px);
  std::string method = options.method;
  if (method == "auto") method = options.yunet_model.empty() ? "dlib_hog" : "yunet";
  for (const auto& m : kMethods)
    if (method == m.name) return m.make(options);
  std::string known = "auto";
  for (const auto& m : kMethods) known += std::string(", ") + m.name;
  throw Error("detect.method '" + options.method + "'", "one of " + known, "");
}

}  // namespace ferkit
