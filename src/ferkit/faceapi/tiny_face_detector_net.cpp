// face-api's TinyFaceDetector network (TinyYolov2Base.runMobilenet with separable convs; see
// ferkit/faceapi/networks.h). The box decoding lives in tiny_face_detector.cpp.
#include <limits>

#include "tf_layers.h"

namespace ferkit::faceapi {
namespace {

torch::Tensor leaky(const torch::Tensor& x) { return torch::leaky_relu(x, 0.1); }

// tf.maxPool(x, [2, 2], [s, s], 'same'): TF ignores the padding, so it is -inf here.
torch::Tensor max_pool_same(const torch::Tensor& x, int64_t stride) {
  return torch::max_pool2d(pad_same(x, 2, stride, -std::numeric_limits<double>::infinity()), {2, 2}, {stride, stride});
}

class TinyFaceDetectorNet : public FaceapiNet {
 public:
  TinyFaceDetectorNet() {
    conv0_ = register_module("conv0", TfConv(3, 16, 3));
    const int64_t ch[] = {16, 32, 64, 128, 256, 512};
    for (int i = 1; i <= 5; ++i) sep_.push_back(register_module("conv" + std::to_string(i), TfSeparableConv(ch[i - 1], ch[i])));
    conv8_ = register_module("conv8", TfConv(512, 25, 1));
  }

  torch::Tensor forward(const torch::Tensor& x) override {
    torch::Tensor y = max_pool_same(leaky(conv0_->forward(x, 1, /*same=*/false)), 2);
    for (size_t i = 0; i < sep_.size(); ++i) {
      y = leaky(sep_[i]->forward(y, 1));
      if (i + 1 < sep_.size()) y = max_pool_same(y, 2);
    }
    y = max_pool_same(y, 1);
    return conv8_->forward(y, 1, /*same=*/false);
  }

  std::string architecture() const override { return "tiny_face_detector"; }

 private:
  TfConv conv0_{nullptr}, conv8_{nullptr};
  std::vector<TfSeparableConv> sep_;
};

}  // namespace

std::shared_ptr<FaceapiNet> make_tiny_face_detector_net() { return std::make_shared<TinyFaceDetectorNet>(); }

}  // namespace ferkit::faceapi
