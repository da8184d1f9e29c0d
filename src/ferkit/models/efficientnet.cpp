// EfficientNet-B0/B3 in torchvision's layout and names (features.0 stem, features.1-7 stages of
// MBConv blocks "features.S.B.block.M", features.8 the last 1x1 convolution): SiLU, SE with sigmoid
// squeezing to input_channels/4, BatchNorm eps 1e-5, width/depth multipliers with
// _make_divisible(c * width, 8) and ceil(layers * depth), stochastic depth ramped linearly from 0 to
// 0.2 * (N-1)/N over the N blocks (training only).
#include <cmath>

#include "ferkit/models/backbones.h"
#include "ferkit/models/layers.h"

namespace ferkit::models {
namespace {

constexpr BatchNormConfig kBn{1e-5, 0.1};
constexpr double kStochasticDepth = 0.2;

class MBConvImpl : public torch::nn::Module {
 public:
  MBConvImpl(int64_t expand_ratio, int64_t kernel, int64_t stride, int64_t in, int64_t out, double drop)
      : residual_(stride == 1 && in == out), drop_(drop) {
    const int64_t expanded = make_divisible(static_cast<double>(in * expand_ratio));
    torch::nn::Sequential block;
    if (expanded != in) block->push_back(ConvBnAct(in, expanded, 1, 1, 1, Activation::kSiLU, kBn));
    block->push_back(ConvBnAct(expanded, expanded, kernel, stride, expanded, Activation::kSiLU, kBn));
    block->push_back(SqueezeExcitation(expanded, std::max<int64_t>(1, in / 4), Activation::kSiLU, false));
    block->push_back(ConvBnAct(expanded, out, 1, 1, 1, Activation::kNone, kBn));
    block_ = register_module("block", block);
  }
  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor y = block_->forward(x);
    if (!residual_) return y;
    y = stochastic_depth(y, drop_, is_training());
    return y += x;
  }

 private:
  bool residual_;
  double drop_;
  torch::nn::Sequential block_{nullptr};
};
TORCH_MODULE(MBConv);

struct StageConfig {
  int64_t expand_ratio, kernel, stride, in, out, layers;
};

class EfficientNetImpl : public torch::nn::Module {
 public:
  EfficientNetImpl(double width, double depth, int in_channels) {
    // torchvision's _efficientnet_conf for efficientnet_b*, before the multipliers.
    std::vector<StageConfig> stages = {{1, 3, 1, 32, 16, 1},  {6, 3, 2, 16, 24, 2},   {6, 5, 2, 24, 40, 2},
                                       {6, 3, 2, 40, 80, 3},  {6, 5, 1, 80, 112, 3},  {6, 5, 2, 112, 192, 4},
                                       {6, 3, 1, 192, 320, 1}};
    int64_t total = 0;
    for (auto& s : stages) {
      s.in = make_divisible(s.in * width);
      s.out = make_divisible(s.out * width);
      s.layers = static_cast<int64_t>(std::ceil(s.layers * depth));
      total += s.layers;
    }
    torch::nn::Sequential features;
    features->push_back(ConvBnAct(in_channels, stages.front().in, 3, 2, 1, Activation::kSiLU, kBn));
    int64_t block_id = 0;
    for (const auto& s : stages) {
      TensorSequential stage;
      for (int64_t b = 0; b < s.layers; ++b, ++block_id) {
        const double drop = kStochasticDepth * static_cast<double>(block_id) / static_cast<double>(total);
        stage->push_back(MBConv(s.expand_ratio, s.kernel, b == 0 ? s.stride : 1, b == 0 ? s.in : s.out, s.out, drop));
      }
      features->push_back(stage);
    }
    dim_ = 4 * stages.back().out;
    features->push_back(ConvBnAct(stages.back().out, dim_, 1, 1, 1, Activation::kSiLU, kBn));
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
TORCH_MODULE(EfficientNet);

}  // namespace

Backbone make_efficientnet(double width_mult, double depth_mult, int in_channels) {
  EfficientNet net(width_mult, depth_mult, in_channels);
  return {torch::nn::AnyModule(net), net->dim()};
}

}  // namespace ferkit::models
