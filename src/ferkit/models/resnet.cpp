// ResNet-18/50 in torchvision's layout (v1.5: stride on the 3x3 convolution of the bottleneck), with
// torchvision's parameter names: conv1, bn1, layer1.0.conv1, ..., layer4.1.downsample.0/1. The
// small stem (_48 variants) swaps conv1 for a 3x3 stride-1 convolution and drops the max-pool, so a
// 48x48 input ends on a 6x6 map instead of 2x2.
#include "ferkit/models/backbones.h"
#include "ferkit/models/layers.h"

namespace ferkit::models {
namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride) {
  torch::nn::Conv2d c(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).bias(false));
  init_conv_kaiming(c);
  return c;
}

torch::nn::BatchNorm2d bn(int64_t c) { return torch::nn::BatchNorm2d(torch::nn::BatchNormOptions(c)); }

// Shared by both block kinds: the optional "downsample" (conv1x1 + BN) on the identity path.
torch::nn::Sequential make_downsample(int64_t in, int64_t out, int64_t stride) {
  if (stride == 1 && in == out) return torch::nn::Sequential(nullptr);
  return torch::nn::Sequential(conv(in, out, 1, stride), bn(out));
}

class BasicBlockImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 1;
  BasicBlockImpl(int64_t in, int64_t planes, int64_t stride) {
    conv1_ = register_module("conv1", conv(in, planes, 3, stride));
    bn1_ = register_module("bn1", bn(planes));
    conv2_ = register_module("conv2", conv(planes, planes, 3, 1));
    bn2_ = register_module("bn2", bn(planes));
    downsample_ = make_downsample(in, planes, stride);
    if (downsample_) register_module("downsample", downsample_);
  }
  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor identity = downsample_ ? downsample_->forward(x) : x;
    torch::Tensor y = activate_(bn1_(conv1_(x)), Activation::kReLU);
    y = bn2_(conv2_(y));
    return torch::relu_(y += identity);
  }

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(BasicBlock);

class BottleneckImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 4;
  BottleneckImpl(int64_t in, int64_t planes, int64_t stride) {
    conv1_ = register_module("conv1", conv(in, planes, 1, 1));
    bn1_ = register_module("bn1", bn(planes));
    conv2_ = register_module("conv2", conv(planes, planes, 3, stride));
    bn2_ = register_module("bn2", bn(planes));
    conv3_ = register_module("conv3", conv(planes, planes * kExpansion, 1, 1));
    bn3_ = register_module("bn3", bn(planes * kExpansion));
    downsample_ = make_downsample(in, planes * kExpansion, stride);
    if (downsample_) register_module("downsample", downsample_);
  }
  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor identity = downsample_ ? downsample_->forward(x) : x;
    torch::Tensor y = activate_(bn1_(conv1_(x)), Activation::kReLU);
    y = activate_(bn2_(conv2_(y)), Activation::kReLU);
    y = bn3_(conv3_(y));
    return torch::relu_(y += identity);
  }

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(Bottleneck);

class ResNetImpl : public torch::nn::Module {
 public:
  ResNetImpl(int depth, bool small_stem, int in_channels) : small_stem_(small_stem) {
    conv1_ = register_module("conv1", small_stem ? conv(in_channels, 64, 3, 1) : conv(in_channels, 64, 7, 2));
    bn1_ = register_module("bn1", bn(64));
    const std::vector<int> blocks = depth == 18 ? std::vector<int>{2, 2, 2, 2} : std::vector<int>{3, 4, 6, 3};
    int64_t in = 64;
    const int64_t planes[4] = {64, 128, 256, 512};
    for (int i = 0; i < 4; ++i) {
      torch::nn::Sequential layer;
      for (int b = 0; b < blocks[i]; ++b) {
        const int64_t stride = (b == 0 && i > 0) ? 2 : 1;
        if (depth == 18) {
          layer->push_back(BasicBlock(in, planes[i], stride));
          in = planes[i] * BasicBlockImpl::kExpansion;
        } else {
          layer->push_back(Bottleneck(in, planes[i], stride));
          in = planes[i] * BottleneckImpl::kExpansion;
        }
      }
      layers_.push_back(register_module("layer" + std::to_string(i + 1), layer));
    }
    dim_ = in;
  }
  torch::Tensor forward(torch::Tensor x) {
    x = activate_(bn1_(conv1_(x)), Activation::kReLU);
    if (!small_stem_) x = torch::max_pool2d(x, 3, 2, 1);
    for (auto& layer : layers_) x = layer->forward(x);
    return torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  }
  int64_t dim() const { return dim_; }

 private:
  bool small_stem_;
  int64_t dim_ = 0;
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  std::vector<torch::nn::Sequential> layers_;
};
TORCH_MODULE(ResNet);

}  // namespace

Backbone make_resnet(int depth, bool small_stem, int in_channels) {
  ResNet net(depth, small_stem, in_channels);
  return {torch::nn::AnyModule(net), net->dim()};
}

}  // namespace ferkit::models
