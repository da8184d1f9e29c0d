// The "faceapi" Classifier backend (ferkit/faceapi/faceapi_classifier.h). It lives with the other
// face-api code rather than under src/ferkit/backends/ because it shares face-api's own input
// preparation and checkpoint format, which no other backend uses.
#include "ferkit/faceapi/faceapi_classifier.h"

#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "ferkit/error.h"
#include "ferkit/faceapi/faceapi_checkpoint.h"
#include "ferkit/faceapi/net_input.h"

namespace ferkit::faceapi {
namespace {

class FaceapiClassifier : public Classifier {
 public:
  FaceapiClassifier(const std::filesystem::path& model, const FaceapiClassifierOptions& o) : opt_(o) {
    m_ = load_faceapi_model(model, "face_expression_net");
    const FaceapiSidecar& s = m_.sidecar;
    spec_.size = s.input_size;
    spec_.centred = s.square_padding == "centred";
    for (int c = 0; c < 3; ++c) spec_.mean_rgb[c] = static_cast<float>(s.mean_rgb[c]);
    info_.backend = "faceapi";
    info_.architecture = s.architecture;
    info_.model_path = model;
    info_.input = InputSpec{s.input_size, 3, {s.mean_rgb[0] / 255, s.mean_rgb[1] / 255, s.mean_rgb[2] / 255}, {1.0, 1.0, 1.0}};
    info_.class_names = s.class_names;
    info_.temperature = s.temperature;
    info_.class_temperatures = s.class_temperatures;
    info_.abstain_thresholds = s.abstain_thresholds;
    info_.supported.fill(false);
    for (int k : s.class_map) info_.supported[k] = true;
  }

  std::vector<ClassLogits> logits(const std::vector<cv::Mat>& faces) override {
    if (faces.empty()) return {};
    // Only on a change: set_num_threads rebuilds the OpenMP pool, and doing it on every call made a
    // 2-thread batch-1 inference take 10 ms instead of 1.4 ms here.
    if (opt_.threads > 0 && torch::get_num_threads() != opt_.threads) torch::set_num_threads(opt_.threads);
    const int64_t n = static_cast<int64_t>(faces.size()), s = spec_.size;
    torch::Tensor x = torch::empty({n, 3, s, s});
    for (int64_t i = 0; i < n; ++i) {
      if (faces[i].empty()) throw Error("faceapi classifier: face " + std::to_string(i), "a non-empty 8-bit image", "an empty image");
      net_input_into(faces[i], spec_, x[i].data_ptr<float>());
    }
    torch::NoGradGuard no_grad;
    torch::Tensor z = m_.net->forward(x).contiguous();
    const auto& map = m_.sidecar.class_map;
    FERKIT_CHECK(z.size(1) == static_cast<int64_t>(map.size()),
                 "faceapi classifier: the network gave " << z.size(1) << " outputs, the sidecar maps " << map.size());
    auto za = z.accessor<float, 2>();
    std::vector<ClassLogits> out(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      out[i].fill(static_cast<float>(m_.sidecar.absent_logit));
      for (size_t j = 0; j < map.size(); ++j) out[i][map[j]] = za[i][static_cast<int64_t>(j)];
    }
    return out;
  }

  const ClassifierInfo& info() const override { return info_; }

 private:
  FaceapiClassifierOptions opt_;
  FaceapiModel m_;
  NetInputSpec spec_;
  ClassifierInfo info_;
};

}  // namespace

std::unique_ptr<Classifier> open_faceapi_classifier(const std::filesystem::path& model, const FaceapiClassifierOptions& options) {
  return std::make_unique<FaceapiClassifier>(model, options);
}

}  // namespace ferkit::faceapi
