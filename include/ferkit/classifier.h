// One Classifier interface for every inference backend (LibTorch, OpenCV DNN, imported models).
//
//   auto clf = ferkit::open_classifier("models/default.pt", "libtorch");   // or "opencv" with .onnx
//   std::vector<ferkit::ClassScores> p = clf->predict({face1, face2});     // calibrated probabilities
//   p[0].probs[ferkit::kHappiness];
//
// Faces are 8-bit BGR or grayscale crops of any size; the backend applies the model's own
// preprocessing (ferkit/preprocess.h) and the temperature from its sidecar. Backends live apart
// under src/ferkit/backends/<name>/; LibTorch is the reference the others are tested against.
#pragma once

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ferkit/preprocess.h"
#include "ferkit/taxonomy.h"

namespace cv { class Mat; }

namespace ferkit {

using ClassLogits = std::array<float, kNumClasses>;

struct ClassScores {
  std::array<float, kNumClasses> probs{};  // sums to 1
  int label = 0;                           // argmax
};

// What a classifier was built from: read from the checkpoint sidecar (or ONNX metadata).
struct ClassifierInfo {
  std::string backend;                     // "libtorch", "opencv", ...
  std::string architecture;
  std::filesystem::path model_path;
  InputSpec input;
  std::vector<std::string> class_names;    // canonical order
  double temperature = 1.0;                // global temperature (1 = uncalibrated)
  std::vector<double> class_temperatures;  // per-class temperatures (empty = unused)
  std::vector<double> abstain_thresholds;  // per-class confidence thresholds (empty = none)
  std::array<bool, kNumClasses> supported{};  // classes the model can output (false: absent class)
  // The training pipeline applied CLAHE to the faces: the live enhancement stage follows this by
  // default, so a model sees at deployment what it saw in training (train/serve skew otherwise).
  bool trained_with_clahe = false;
};

class Classifier {
 public:
  virtual ~Classifier() = default;
  // Raw (uncalibrated) logits, one row per face, in the canonical class order.
  virtual std::vector<ClassLogits> logits(const std::vector<cv::Mat>& faces) = 0;
  virtual const ClassifierInfo& info() const = 0;

  // softmax(logits / T) with the global or per-class temperature from info(); calibrated=false
  // uses T = 1. flip_tta averages the probabilities of each face and its mirror image.
  std::vector<ClassScores> predict(const std::vector<cv::Mat>& faces, bool calibrated = true, bool flip_tta = false);
};

// Softmax of logits divided by temperatures (a single value or one per class).
ClassScores scores_from_logits(const ClassLogits& logits, double temperature,
                               const std::vector<double>& class_temperatures = {});

// Backends register a factory by name; open_classifier picks one (backend "auto": by file kind).
using ClassifierFactory = std::function<std::unique_ptr<Classifier>(const std::filesystem::path& model)>;
void register_classifier_backend(const std::string& name, ClassifierFactory factory);
std::vector<std::string> classifier_backends();
std::unique_ptr<Classifier> open_classifier(const std::filesystem::path& model, const std::string& backend = "auto");
// Registers the backends built into the library ("libtorch", ...): an explicit table in
// src/ferkit/backends/builtin_backends.cpp. open_classifier and classifier_backends call it once.
void register_builtin_classifier_backends();

}  // namespace ferkit
