// torchvision's small layers, shared by the architecture families: Conv2dNormActivation (conv,
// BatchNorm, activation registered as children "0", "1" so names match torchvision),
// SqueezeExcitation (fc1/fc2), LayerNorm2d, stochastic depth and _make_divisible.
// Written here because LibTorch's C++ API has none of them.
#pragma once

#include <torch/torch.h>

namespace ferkit::models {

enum class Activation { kNone, kReLU, kHardswish, kSiLU };
// In place where autograd allows it (after BatchNorm it does), as torchvision's inplace=True.
torch::Tensor activate_(torch::Tensor x, Activation a);

struct BatchNormConfig {
  double eps = 1e-5;
  double momentum = 0.1;
};

// torchvision.ops.Conv2dNormActivation with BatchNorm: "0" conv (bias-free), "1" BatchNorm2d; the
// activation has no parameters (torchvision's "2").
class ConvBnActImpl : public torch::nn::Module {
 public:
  ConvBnActImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t groups, Activation act,
                BatchNormConfig bn);
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
  Activation act_;
};
TORCH_MODULE(ConvBnAct);

// torchvision.ops.SqueezeExcitation: x * scale(fc2(act(fc1(avgpool(x))))).
class SqueezeExcitationImpl : public torch::nn::Module {
 public:
  // hard_scale: hardsigmoid (MobileNetV3) instead of sigmoid (EfficientNet); act: ReLU or SiLU.
  SqueezeExcitationImpl(int64_t channels, int64_t squeeze_channels, Activation act, bool hard_scale);
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::Conv2d fc1_{nullptr}, fc2_{nullptr};
  Activation act_;
  bool hard_scale_;
};
TORCH_MODULE(SqueezeExcitation);

// torchvision.models.convnext.LayerNorm2d: LayerNorm over channels of an NCHW tensor.
class LayerNorm2dImpl : public torch::nn::Module {
 public:
  explicit LayerNorm2dImpl(int64_t channels, double eps = 1e-6);
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::Tensor weight_, bias_;
  double eps_;
};
TORCH_MODULE(LayerNorm2d);

// A Sequential with a plain Tensor -> Tensor forward, so that it can sit inside another Sequential
// (LibTorch's own Sequential has a templated forward, which AnyModule cannot hold).
class TensorSequentialImpl : public torch::nn::SequentialImpl {
 public:
  using SequentialImpl::SequentialImpl;
  torch::Tensor forward(torch::Tensor x) { return SequentialImpl::forward<torch::Tensor>(std::move(x)); }
};
TORCH_MODULE(TensorSequential);

// torchvision.ops.stochastic_depth in "row" mode: zeroes whole samples of the residual branch with
// probability p and rescales the rest by 1/(1-p); identity when !training or p == 0.
torch::Tensor stochastic_depth(const torch::Tensor& x, double p, bool training);

// torchvision's _make_divisible(v, 8): nearest multiple of divisor, never more than 10% below v.
int64_t make_divisible(double v, int64_t divisor = 8);

// torchvision's initialisation of a convolution: kaiming normal, fan_out, ReLU gain; zero bias.
void init_conv_kaiming(torch::nn::Conv2d& conv);

}  // namespace ferkit::models
