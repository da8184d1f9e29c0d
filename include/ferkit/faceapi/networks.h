// face-api.js's networks as LibTorch modules: FaceExpressionNet, FaceLandmark68TinyNet and
// TinyFaceDetector, with TensorFlow's 'SAME' padding done explicitly.
//
//   auto w = ferkit::faceapi::load_weights(ferkit::faceapi::read_weights_manifest(
//       "model/face_expression_model-weights_manifest.json"));
//   auto net = ferkit::faceapi::create_network("face_expression_net");
//   ferkit::faceapi::load_faceapi_weights(*net, w, "face_expression_model-weights_manifest.json");
//   torch::Tensor logits = net->forward(x);   // x [N, 3, 112, 112] from net_input_into -> [N, 7]
//
// Architectures (checked against face-api 1.7.15's src/ and dist/face-api.esm.js):
// - face_expression_net: four dense blocks of 4 convolutions (32, 64, 128, 256 channels; the
//   first convolution of each block has stride 2 and is a plain 3x3 conv in block 0, depthwise
//   separable elsewhere; block output relu(out1 + out2 + out3 + out4) with the dense skip sums),
//   7x7 average pool, fc 256 -> 7 (softmax gives neutral, happy, sad, angry, fearful, disgusted,
//   surprised). Input 112, centred square, mean (122.782, 117.001, 104.298).
// - face_landmark_68_tiny_net: three dense blocks of 3 convolutions (32, 64, 128), 14x14
//   average pool, fc 128 -> 136 = 68 (x, y) pairs relative to the padded square. Same input.
// - tiny_face_detector: a VALID 3x3 conv (3 -> 16) and leaky relu 0.1, then five depthwise
//   separable convs (32, 64, 128, 256, 512; SAME, + bias, leaky relu 0.1), each after a 2x2 max
//   pool (stride 2, SAME; the last pool has stride 1), then a 1x1 conv to 25 = 5 anchors x (tx, ty,
//   tw, th, objectness). Input 416 (a multiple of 32) padded at the bottom/right, mean
//   (117.001, 114.697, 97.404). Output [N, 25, S/32, S/32] (channels first; face-api's is NHWC).
// No batch normalisation anywhere. Parameters keep face-api's names with '/' -> '.'
// ("dense0.conv1.depthwise_filter"); convolution filters are stored OIHW (face-api's HWIO
// [kh, kw, in, out] permuted; depthwise [3, 3, C, 1] -> [C, 1, 3, 3]); fully connected weights stay
// [in, out] (y = x W + b).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "ferkit/faceapi/architectures.h"
#include "ferkit/faceapi/weights_manifest.h"

namespace ferkit::faceapi {

// TensorFlow 'SAME' padding for one spatial axis: out = ceil(in / stride); the total padding
// max((out - 1) * stride + kernel - in, 0) is split with the smaller half before (top/left) and
// the extra pixel after (bottom/right).
struct SamePadding {
  int64_t before = 0, after = 0;
};
SamePadding tf_same_padding(int64_t in, int64_t kernel, int64_t stride);
// x [N, C, H, W] padded for a SAME op on both axes with value (0 for convolutions, -inf for max
// pooling, where TensorFlow ignores the padding).
torch::Tensor pad_same(const torch::Tensor& x, int64_t kernel, int64_t stride, double value = 0.0);

// A face-api network. forward takes [N, 3, S, S] from net_input_into.
class FaceapiNet : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  virtual std::string architecture() const = 0;
};

std::shared_ptr<FaceapiNet> create_network(const std::string& architecture);

// Copies face-api weights (manifest names and HWIO layout) into the network. Every parameter
// must be present with the shape face-api would give it; a missing or mis-shaped weight, or a
// manifest weight the network has no place for, is an Error naming the weight and `where`.
void load_faceapi_weights(FaceapiNet& net, const NamedWeights& weights, const std::string& where);

}  // namespace ferkit::faceapi
