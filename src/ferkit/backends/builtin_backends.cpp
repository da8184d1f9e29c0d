// The built-in Classifier backends: an explicit table (static self-registration would be dropped
// by the linker from a static library). open_classifier calls this once.
#include "ferkit/classifier.h"
#include "ferkit/faceapi/faceapi_classifier.h"
#include "ferkit/libtorch_classifier.h"
#include "ferkit/opencv_dnn_classifier.h"

namespace ferkit {

void register_builtin_classifier_backends() {
  register_classifier_backend("libtorch", [](const std::filesystem::path& model) { return open_libtorch_classifier(model); });
  register_classifier_backend("opencv", [](const std::filesystem::path& model) { return open_opencv_dnn_classifier(model); });
  register_classifier_backend("faceapi", [](const std::filesystem::path& model) { return faceapi::open_faceapi_classifier(model); });
}

}  // namespace ferkit
