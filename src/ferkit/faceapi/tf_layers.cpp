// TensorFlow.js layers for face-api's networks (tf_layers.h) and TF 'SAME' padding
// (ferkit/faceapi/networks.h).
#include "tf_layers.h"

#include <limits>

#include "ferkit/error.h"

namespace ferkit::faceapi {

SamePadding tf_same_padding(int64_t in, int64_t kernel, int64_t stride) {
  FERKIT_CHECK(in > 0 && kernel > 0 && stride > 0,
               "tf_same_padding: expected positive sizes, got in " << in << " kernel " << kernel << " stride " << stride);
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + kernel - in, 0);
  return {total / 2, total - total / 2};
}

torch::Tensor pad_same(const torch::Tensor& x, int64_t kernel, int64_t stride, double value) {
  const SamePadding h = tf_same_padding(x.size(2), kernel, stride);
  const SamePadding w = tf_same_padding(x.size(3), kernel, stride);
  if (h.before + h.after + w.before + w.after == 0) return x;
  return torch::constant_pad_nd(x, {w.before, w.after, h.before, h.after}, value);
}

TfConvImpl::TfConvImpl(int64_t in, int64_t out, int64_t k) : kernel(k) {
  filters = register_parameter("filters", torch::zeros({out, in, k, k}));
  bias = register_parameter("bias", torch::zeros({out}));
}

torch::Tensor TfConvImpl::forward(const torch::Tensor& x, int64_t stride, bool same) {
  return torch::conv2d(same ? pad_same(x, kernel, stride) : x, filters, bias, stride);
}

TfSeparableConvImpl::TfSeparableConvImpl(int64_t in, int64_t out) {
  depthwise_filter = register_parameter("depthwise_filter", torch::zeros({in, 1, 3, 3}));
  pointwise_filter = register_parameter("pointwise_filter", torch::zeros({out, in, 1, 1}));
  bias = register_parameter("bias", torch::zeros({out}));
}

torch::Tensor TfSeparableConvImpl::forward(const torch::Tensor& x, int64_t stride) {
  const std::vector<int64_t> strides{stride, stride}, no_padding{0, 0}, no_dilation{1, 1};
  torch::Tensor y = torch::conv2d(pad_same(x, 3, stride), depthwise_filter, torch::Tensor(), strides, no_padding, no_dilation,
                                  depthwise_filter.size(0));
  return torch::conv2d(y, pointwise_filter, bias);
}

TfDenseImpl::TfDenseImpl(int64_t in, int64_t out) {
  weights = register_parameter("weights", torch::zeros({in, out}));
  bias = register_parameter("bias", torch::zeros({out}));
}

torch::Tensor TfDenseImpl::forward(const torch::Tensor& x) { return torch::addmm(bias, x, weights); }

DenseBlockImpl::DenseBlockImpl(int64_t in, int64_t out, int convs, bool first_layer) {
  if (first_layer) conv0_plain = register_module("conv0", TfConv(in, out, 3));
  else conv0_separable = register_module("conv0", TfSeparableConv(in, out));
  for (int i = 1; i < convs; ++i) rest_.push_back(register_module("conv" + std::to_string(i), TfSeparableConv(out, out)));
}

torch::Tensor DenseBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor out1 = torch::relu(conv0_plain ? conv0_plain->forward(x, 2, true) : conv0_separable->forward(x, 2));
  torch::Tensor sum = out1;
  for (size_t i = 0; i < rest_.size(); ++i) {
    torch::Tensor in = i == 0 ? out1 : torch::relu(sum);
    sum = sum + rest_[i]->forward(in, 1);
  }
  return torch::relu(sum);
}

}  // namespace ferkit::faceapi
