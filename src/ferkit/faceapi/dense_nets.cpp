// face-api's dense-block networks (ferkit/faceapi/networks.h): FaceExpressionNet (FaceFeatureExtractor
// + fc 256 -> 7) and FaceLandmark68TinyNet (TinyFaceFeatureExtractor + fc 128 -> 136).
#include "tf_layers.h"

namespace ferkit::faceapi {
namespace {

// Dense blocks (each halves the resolution), average pool to 1x1, fully connected.
class DenseBlockNet : public FaceapiNet {
 public:
  DenseBlockNet(std::string arch, const std::vector<int64_t>& channels, int convs_per_block, int64_t pool, int64_t outputs)
      : arch_(std::move(arch)), pool_(pool) {
    int64_t in = 3;
    for (size_t i = 0; i < channels.size(); ++i) {
      blocks_.push_back(register_module("dense" + std::to_string(i), DenseBlock(in, channels[i], convs_per_block, i == 0)));
      in = channels[i];
    }
    fc_ = register_module("fc", TfDense(in, outputs));
  }

  torch::Tensor forward(const torch::Tensor& x) override {
    torch::Tensor y = x;
    for (auto& b : blocks_) y = b->forward(y);
    // tf.avgPool(out, [pool, pool], [2, 2], 'valid'): 1x1 at face-api's input size.
    y = torch::avg_pool2d(y, {pool_, pool_}, {2, 2});
    return fc_->forward(y.flatten(1));
  }

  std::string architecture() const override { return arch_; }

 private:
  std::string arch_;
  int64_t pool_;
  std::vector<DenseBlock> blocks_;
  TfDense fc_{nullptr};
};

}  // namespace

std::shared_ptr<FaceapiNet> make_face_expression_net() {
  return std::make_shared<DenseBlockNet>("face_expression_net", std::vector<int64_t>{32, 64, 128, 256}, 4, 7, 7);
}

std::shared_ptr<FaceapiNet> make_face_landmark_68_tiny_net() {
  return std::make_shared<DenseBlockNet>("face_landmark_68_tiny_net", std::vector<int64_t>{32, 64, 128}, 3, 14, 136);
}

}  // namespace ferkit::faceapi
