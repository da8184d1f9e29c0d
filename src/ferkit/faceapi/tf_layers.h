// The TensorFlow.js layers face-api's networks are made of, as LibTorch modules with face-api's
// parameter names (internal to src/ferkit/faceapi/). Padding is explicit (pad_same) because
// torch's symmetric padding cannot put TF's extra SAME pixel at the bottom/right.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "ferkit/faceapi/networks.h"

namespace ferkit::faceapi {

// A plain convolution: filters [out, in, k, k] (OIHW), bias [out].
class TfConvImpl : public torch::nn::Module {
 public:
  TfConvImpl(int64_t in, int64_t out, int64_t kernel);
  // same: TF 'SAME' padding; else 'VALID'.
  torch::Tensor forward(const torch::Tensor& x, int64_t stride, bool same);
  torch::Tensor filters, bias;
  int64_t kernel;
};
TORCH_MODULE(TfConv);

// tf.separableConv2d (3x3 depthwise with SAME padding and the given stride, then 1x1 pointwise)
// plus bias: depthwise_filter [C, 1, 3, 3], pointwise_filter [out, C, 1, 1], bias [out].
class TfSeparableConvImpl : public torch::nn::Module {
 public:
  TfSeparableConvImpl(int64_t in, int64_t out);
  torch::Tensor forward(const torch::Tensor& x, int64_t stride);
  torch::Tensor depthwise_filter, pointwise_filter, bias;
};
TORCH_MODULE(TfSeparableConv);

// face-api's fully connected layer: y = x W + b with weights [in, out].
class TfDenseImpl : public torch::nn::Module {
 public:
  TfDenseImpl(int64_t in, int64_t out);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weights, bias;
};
TORCH_MODULE(TfDense);

// face-api's denseBlock3/denseBlock4: conv0 (stride 2; a plain 3x3 conv in the first block,
// separable elsewhere) then separable convs, each fed relu of the sum of all previous outputs;
// the block returns relu of the sum of all outputs.
class DenseBlockImpl : public torch::nn::Module {
 public:
  DenseBlockImpl(int64_t in, int64_t out, int convs, bool first_layer);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  TfConv conv0_plain{nullptr};
  TfSeparableConv conv0_separable{nullptr};
  std::vector<TfSeparableConv> rest_;
};
TORCH_MODULE(DenseBlock);

}  // namespace ferkit::faceapi
