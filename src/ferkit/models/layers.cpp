#include "ferkit/models/layers.h"

namespace ferkit::models {

torch::Tensor activate_(torch::Tensor x, Activation a) {
  switch (a) {
    case Activation::kNone: return x;
    case Activation::kReLU: return torch::relu_(x);
    case Activation::kHardswish: return at::hardswish_(x);
    case Activation::kSiLU: return at::silu_(x);
  }
  return x;
}

void init_conv_kaiming(torch::nn::Conv2d& conv) {
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
  if (conv->bias.defined()) conv->bias.zero_();
}

ConvBnActImpl::ConvBnActImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t groups,
                             Activation act, BatchNormConfig bn)
    : act_(act) {
  conv_ = register_module("0", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                                     .stride(stride)
                                                     .padding((kernel - 1) / 2)
                                                     .groups(groups)
                                                     .bias(false)));
  bn_ = register_module("1", torch::nn::BatchNorm2d(torch::nn::BatchNormOptions(out).eps(bn.eps).momentum(bn.momentum)));
  init_conv_kaiming(conv_);
}

torch::Tensor ConvBnActImpl::forward(torch::Tensor x) { return activate_(bn_(conv_(x)), act_); }

SqueezeExcitationImpl::SqueezeExcitationImpl(int64_t channels, int64_t squeeze_channels, Activation act, bool hard_scale)
    : act_(act), hard_scale_(hard_scale) {
  fc1_ = register_module("fc1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, squeeze_channels, 1)));
  fc2_ = register_module("fc2", torch::nn::Conv2d(torch::nn::Conv2dOptions(squeeze_channels, channels, 1)));
  init_conv_kaiming(fc1_);
  init_conv_kaiming(fc2_);
}

torch::Tensor SqueezeExcitationImpl::forward(torch::Tensor x) {
  torch::Tensor s = torch::adaptive_avg_pool2d(x, {1, 1});
  s = fc2_(activate_(fc1_(s), act_));
  s = hard_scale_ ? torch::hardsigmoid(s) : torch::sigmoid(s);
  return x * s;
}

LayerNorm2dImpl::LayerNorm2dImpl(int64_t channels, double eps) : eps_(eps) {
  weight_ = register_parameter("weight", torch::ones({channels}));
  bias_ = register_parameter("bias", torch::zeros({channels}));
}

torch::Tensor LayerNorm2dImpl::forward(torch::Tensor x) {
  x = x.permute({0, 2, 3, 1});
  x = torch::layer_norm(x, {weight_.size(0)}, weight_, bias_, eps_);
  return x.permute({0, 3, 1, 2});
}

torch::Tensor stochastic_depth(const torch::Tensor& x, double p, bool training) {
  if (!training || p == 0.0) return x;
  const double survival = 1.0 - p;
  std::vector<int64_t> size(static_cast<size_t>(x.dim()), 1);
  size[0] = x.size(0);
  torch::Tensor noise = torch::empty(size, x.options()).bernoulli_(survival);
  if (survival > 0.0) noise.div_(survival);
  return x * noise;
}

int64_t make_divisible(double v, int64_t divisor) {
  int64_t n = std::max(divisor, static_cast<int64_t>(v + divisor / 2.0) / divisor * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

}  // namespace ferkit::models
