// MobileNetV3 small/large in torchvision's layout and names (features.N, block.M, fc1/fc2 of the
// squeeze-excitation), BatchNorm eps 1e-3 / momentum 0.01, hardswish, SE with hardsigmoid. The
// backbone ends with torchvision's last 1x1 convolution (576 / 960 channels) and the average pool;
// torchvision's hidden Linear(576, 1024) belongs to its classifier, which ferkit replaces by the
// 256-D projection. The _48 variants use a stride-1 first convolution (total stride 16), so a 48x48
// input ends on a 3x3 map.
#include "ferkit/models/backbones.h"
#include "ferkit/models/layers.h"

namespace ferkit::models {
namespace {

constexpr BatchNormConfig kBn{1e-3, 0.01};

struct BlockConfig {
  int64_t in, kernel, expanded, out;
  bool se, hardswish;
  int64_t stride;
};

class InvertedResidualImpl : public torch::nn::Module {
 public:
  explicit InvertedResidualImpl(const BlockConfig& c) : residual_(c.stride == 1 && c.in == c.out) {
    const Activation act = c.hardswish ? Activation::kHardswish : Activation::kReLU;
    torch::nn::Sequential block;
    if (c.expanded != c.in) block->push_back(ConvBnAct(c.in, c.expanded, 1, 1, 1, act, kBn));
    block->push_back(ConvBnAct(c.expanded, c.expanded, c.kernel, c.stride, c.expanded, act, kBn));
    if (c.se) block->push_back(SqueezeExcitation(c.expanded, make_divisible(c.expanded / 4), Activation::kReLU, true));
    block->push_back(ConvBnAct(c.expanded, c.out, 1, 1, 1, Activation::kNone, kBn));
    block_ = register_module("block", block);
  }
  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor y = block_->forward(x);
    return residual_ ? y += x : y;
  }

 private:
  bool residual_;
  torch::nn::Sequential block_{nullptr};
};
TORCH_MODULE(InvertedResidual);

// torchvision's _mobilenet_v3_conf (width 1.0, no reduced tail, no dilation).
std::vector<BlockConfig> config(bool large) {
  if (large) {
    return {{16, 3, 16, 16, false, false, 1},   {16, 3, 64, 24, false, false, 2},
            {24, 3, 72, 24, false, false, 1},   {24, 5, 72, 40, true, false, 2},
            {40, 5, 120, 40, true, false, 1},   {40, 5, 120, 40, true, false, 1},
            {40, 3, 240, 80, false, true, 2},   {80, 3, 200, 80, false, true, 1},
            {80, 3, 184, 80, false, true, 1},   {80, 3, 184, 80, false, true, 1},
            {80, 3, 480, 112, true, true, 1},   {112, 3, 672, 112, true, true, 1},
            {112, 5, 672, 160, true, true, 2},  {160, 5, 960, 160, true, true, 1},
            {160, 5, 960, 160, true, true, 1}};
  }
  return {{16, 3, 16, 16, true, false, 2},  {16, 3, 72, 24, false, false, 2}, {24, 3, 88, 24, false, false, 1},
          {24, 5, 96, 40, true, true, 2},   {40, 5, 240, 40, true, true, 1},  {40, 5, 240, 40, true, true, 1},
          {40, 5, 120, 48, true, true, 1},  {48, 5, 144, 48, true, true, 1},  {48, 5, 288, 96, true, true, 2},
          {96, 5, 576, 96, true, true, 1},  {96, 5, 576, 96, true, true, 1}};
}

class MobileNetV3Impl : public torch::nn::Module {
 public:
  MobileNetV3Impl(bool large, bool small_stem, int in_channels) {
    const std::vector<BlockConfig> blocks = config(large);
    torch::nn::Sequential features;
    features->push_back(ConvBnAct(in_channels, blocks.front().in, 3, small_stem ? 1 : 2, 1, Activation::kHardswish, kBn));
    for (const auto& c : blocks) features->push_back(InvertedResidual(c));
    dim_ = 6 * blocks.back().out;
    features->push_back(ConvBnAct(blocks.back().out, dim_, 1, 1, 1, Activation::kHardswish, kBn));
    features_ = register_module("features", features);
  }
  torch::Tensor forward(torch::Tensor x) {
    return torch::adaptive_avg_pool2d(features_->forward(x), {1, 1}).flatten(1);
  }
  int64_t dim() const { return dim_; }

 private:
  int64_t dim_ = 0;
  torch::nn::Sequential features_{nullptr};
};
TORCH_MODULE(MobileNetV3);

}  // namespace

Backbone make_mobilenetv3(bool large, bool small_stem, int in_channels) {
  MobileNetV3 net(large, small_stem, in_channels);
  return {torch::nn::AnyModule(net), net->dim()};
}

}  // namespace ferkit::models
