// face-api's FaceLandmark68TinyNet (ferkit/faceapi/face_landmark_68_tiny.h): forward and
// FaceLandmark68NetBase.postProcess.
#include "ferkit/faceapi/face_landmark_68_tiny.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

#include "ferkit/error.h"
#include "ferkit/faceapi/faceapi_checkpoint.h"
#include "ferkit/faceapi/net_input.h"

namespace ferkit::faceapi {

struct FaceLandmark68Tiny::Impl {
  FaceapiModel model;
  NetInputSpec spec;
};

FaceLandmark68Tiny::FaceLandmark68Tiny(const std::filesystem::path& model) : impl_(std::make_unique<Impl>()) {
  if (!std::filesystem::exists(model))
    throw Error(model.string(),
                "face-api's 68-point tiny landmark net (run `ferkit import faceapi`, or give face_landmark_68_tiny_model-weights_manifest.json)",
                "no such file");
  impl_->model = load_faceapi_model(model, "face_landmark_68_tiny_net");
  const auto& s = impl_->model.sidecar;
  impl_->spec.size = s.input_size;
  impl_->spec.centred = s.square_padding == "centred";
  for (int c = 0; c < 3; ++c) impl_->spec.mean_rgb[c] = static_cast<float>(s.mean_rgb[c]);
}

FaceLandmark68Tiny::~FaceLandmark68Tiny() = default;

std::vector<cv::Point2f> FaceLandmark68Tiny::landmarks(const cv::Mat& crop) { return landmarks(std::vector<cv::Mat>{crop})[0]; }

std::vector<std::vector<cv::Point2f>> FaceLandmark68Tiny::landmarks(const std::vector<cv::Mat>& crops) {
  if (crops.empty()) return {};
  const int64_t n = static_cast<int64_t>(crops.size()), s = impl_->spec.size;
  torch::Tensor x = torch::empty({n, 3, s, s});
  for (int64_t i = 0; i < n; ++i) {
    if (crops[i].empty()) throw Error("faceapi68tiny: crop " + std::to_string(i), "a non-empty 8-bit image", "an empty image");
    net_input_into(crops[i], impl_->spec, x[i].data_ptr<float>());
  }
  torch::Tensor y;
  {
    torch::NoGradGuard no_grad;
    y = impl_->model.net->forward(x).contiguous();
  }
  FERKIT_CHECK(y.size(1) == 136, "faceapi68tiny: expected 136 outputs, got " << y.size(1));
  auto ya = y.accessor<float, 2>();
  std::vector<std::vector<cv::Point2f>> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double w = crops[i].cols, h = crops[i].rows;
    const double scale = static_cast<double>(s) / std::max(w, h);
    const double ws = w * scale, hs = h * scale;
    const double pad_x = ws < hs ? std::abs(ws - hs) / 2 : 0.0, pad_y = hs < ws ? std::abs(ws - hs) / 2 : 0.0;
    out[i].reserve(68);
    for (int k = 0; k < 68; ++k) {
      const double rx = (ya[i][2 * k] * static_cast<double>(s) - pad_x) / ws;
      const double ry = (ya[i][2 * k + 1] * static_cast<double>(s) - pad_y) / hs;
      out[i].emplace_back(static_cast<float>(rx * w), static_cast<float>(ry * h));
    }
  }
  return out;
}

}  // namespace ferkit::faceapi
