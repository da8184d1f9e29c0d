#include "ferkit/classifier.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include <opencv2/core.hpp>

#include "ferkit/error.h"
#include "ferkit/faceapi/faceapi_sidecar.h"
#include "ferkit/options.h"

namespace ferkit {
namespace {
std::map<std::string, ClassifierFactory>& backends() {
  static std::map<std::string, ClassifierFactory> b;
  return b;
}
std::mutex& backends_mutex() {
  static std::mutex m;
  return m;
}
void ensure_builtin_backends() {
  static std::once_flag once;
  std::call_once(once, register_builtin_classifier_backends);
}
}  // namespace

ClassScores scores_from_logits(const ClassLogits& logits, double temperature, const std::vector<double>& class_temperatures) {
  FERKIT_CHECK(temperature > 0, "temperature must be > 0, got " << temperature);
  FERKIT_CHECK(class_temperatures.empty() || class_temperatures.size() == static_cast<size_t>(kNumClasses),
               "per-class temperatures: expected " << kNumClasses << " values, got " << class_temperatures.size());
  std::array<double, kNumClasses> z{};
  for (int k = 0; k < kNumClasses; ++k) {
    double t = class_temperatures.empty() ? temperature : class_temperatures[k];
    FERKIT_CHECK(t > 0, "per-class temperature " << k << " must be > 0, got " << t);
    z[k] = logits[k] / t;
  }
  double m = *std::max_element(z.begin(), z.end());
  double s = 0;
  for (double& v : z) s += (v = std::exp(v - m));
  ClassScores out;
  for (int k = 0; k < kNumClasses; ++k) out.probs[k] = static_cast<float>(z[k] / s);
  out.label = static_cast<int>(std::max_element(out.probs.begin(), out.probs.end()) - out.probs.begin());
  return out;
}

std::vector<ClassScores> Classifier::predict(const std::vector<cv::Mat>& faces, bool calibrated, bool flip_tta) {
  const ClassifierInfo& inf = info();
  const double t = calibrated ? inf.temperature : 1.0;
  static const std::vector<double> none;
  const std::vector<double>& ct = calibrated ? inf.class_temperatures : none;
  std::vector<ClassLogits> z = logits(faces);
  std::vector<ClassScores> out;
  out.reserve(z.size());
  for (const auto& row : z) out.push_back(scores_from_logits(row, t, ct));
  if (flip_tta) {
    std::vector<cv::Mat> mirrored;
    mirrored.reserve(faces.size());
    for (const auto& f : faces) {
      cv::Mat m;
      cv::flip(f, m, 1);
      mirrored.push_back(m);
    }
    std::vector<ClassLogits> zf = logits(mirrored);
    for (size_t i = 0; i < out.size(); ++i) {
      ClassScores f = scores_from_logits(zf[i], t, ct);
      for (int k = 0; k < kNumClasses; ++k) out[i].probs[k] = 0.5f * (out[i].probs[k] + f.probs[k]);
      out[i].label = static_cast<int>(std::max_element(out[i].probs.begin(), out[i].probs.end()) - out[i].probs.begin());
    }
  }
  return out;
}

void register_classifier_backend(const std::string& name, ClassifierFactory factory) {
  std::lock_guard<std::mutex> lock(backends_mutex());
  backends()[name] = std::move(factory);
}

std::vector<std::string> classifier_backends() {
  ensure_builtin_backends();
  std::lock_guard<std::mutex> lock(backends_mutex());
  std::vector<std::string> names;
  for (const auto& kv : backends()) names.push_back(kv.first);
  return names;
}

std::unique_ptr<Classifier> open_classifier(const std::filesystem::path& model, const std::string& backend) {
  ensure_builtin_backends();
  std::string name = backend;
  if (name == "auto")  // by file kind; a face-api import says so in its sidecar ("kind": "faceapi")
    name = model.extension() == ".onnx" ? "opencv" : faceapi::is_faceapi_sidecar(model) ? "faceapi" : "libtorch";
  ClassifierFactory f;
  {
    std::lock_guard<std::mutex> lock(backends_mutex());
    auto it = backends().find(name);
    if (it != backends().end()) f = it->second;
  }
  if (!f) {
    std::string known;
    for (const auto& n : classifier_backends()) known += (known.empty() ? "" : ", ") + n;
    throw Error("classifier backend '" + name + "'", "one of: " + (known.empty() ? std::string("(none built)") : known), "");
  }
  return f(model);
}

}  // namespace ferkit
