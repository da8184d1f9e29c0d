// images_to_tensor: in-memory crops -> [N, C, H, W] through the shared preprocessing.
#include <opencv2/core.hpp>

#include "ferkit/error.h"
#include "ferkit/loader.h"

namespace ferkit {

torch::Tensor images_to_tensor(const std::vector<cv::Mat>& crops, const InputSpec& input) {
  const int64_t n = static_cast<int64_t>(crops.size());
  torch::Tensor out = torch::empty({n, input.channels, input.size, input.size}, torch::kFloat32);
  const int64_t per = static_cast<int64_t>(input.channels) * input.size * input.size;
  float* dst = out.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    try {
      preprocess_face_into(crops[static_cast<size_t>(i)], input, dst + i * per);
    } catch (const Error& e) {
      throw Error("images_to_tensor: crop " + std::to_string(i) + " of " + std::to_string(n),
                  "an 8-bit gray or BGR image", e.what());
    }
  }
  return out;
}

}  // namespace ferkit
