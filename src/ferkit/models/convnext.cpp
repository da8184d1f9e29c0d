// ConvNeXt-Tiny in torchvision's layout and names: features.0 stem (4x4/4 conv with bias +
// LayerNorm2d), features.1/3/5/7 stages of CNBlocks (block.0 depthwise 7x7, block.2 LayerNorm,
// block.3/5 the MLP; layer_scale), features.2/4/6 downsampling (LayerNorm2d + 2x2/2 conv), and the
// final LayerNorm2d named classifier.0 as in torchvision (it is part of the pooled feature).
// LayerNorm eps 1e-6, layer scale 1e-6, stochastic depth 0.1 ramped over the 18 blocks.
#include "ferkit/models/backbones.h"
#include "ferkit/models/layers.h"

namespace ferkit::models {
namespace {

constexpr double kLayerScale = 1e-6;
constexpr double kStochasticDepth = 0.1;

// torchvision initialises Conv2d/Linear with trunc_normal_(std=0.02) truncated at +-2 (absolute),
// i.e. 100 standard deviations: a plain normal draw is the same distribution.
void init_trunc_normal(torch::Tensor& weight, torch::Tensor& bias) {
  torch::NoGradGuard no_grad;
  weight.normal_(0.0, 0.02);
  if (bias.defined()) bias.zero_();
}

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t padding, int64_t groups) {
  torch::nn::Conv2d c(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(padding).groups(groups).bias(true));
  init_trunc_normal(c->weight, c->bias);
  return c;
}

torch::nn::Linear linear(int64_t in, int64_t out) {
  torch::nn::Linear l(in, out);
  init_trunc_normal(l->weight, l->bias);
  return l;
}

class CNBlockImpl : public torch::nn::Module {
 public:
  CNBlockImpl(int64_t dim, double drop) : drop_(drop) {
    // torchvision's block is a Sequential whose Permute/GELU entries (1, 4, 6) hold no parameters.
    auto block = register_module("block", std::make_shared<torch::nn::Module>());
    dwconv_ = block->register_module("0", conv(dim, dim, 7, 1, 3, dim));
    norm_ = block->register_module("2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
    fc1_ = block->register_module("3", linear(dim, 4 * dim));
    fc2_ = block->register_module("5", linear(4 * dim, dim));
    layer_scale_ = register_parameter("layer_scale", torch::full({dim, 1, 1}, kLayerScale));
  }
  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor y = dwconv_(x).permute({0, 2, 3, 1});
    y = fc2_(torch::gelu(fc1_(norm_(y)))).permute({0, 3, 1, 2});
    y = stochastic_depth(layer_scale_ * y, drop_, is_training());
    return y += x;
  }

 private:
  double drop_;
  torch::nn::Conv2d dwconv_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
  torch::Tensor layer_scale_;
};
TORCH_MODULE(CNBlock);

class ConvNeXtImpl : public torch::nn::Module {
 public:
  explicit ConvNeXtImpl(int in_channels) {
    const int64_t dims[4] = {96, 192, 384, 768};
    const int64_t depths[4] = {3, 3, 9, 3};
    const int64_t total = 3 + 3 + 9 + 3;
    torch::nn::Sequential features;
    features->push_back(TensorSequential(conv(in_channels, dims[0], 4, 4, 0, 1), LayerNorm2d(dims[0])));
    int64_t block_id = 0;
    for (int s = 0; s < 4; ++s) {
      TensorSequential stage;
      for (int64_t b = 0; b < depths[s]; ++b, ++block_id) {
        stage->push_back(CNBlock(dims[s], kStochasticDepth * static_cast<double>(block_id) / (total - 1.0)));
      }
      features->push_back(stage);
      if (s < 3) features->push_back(TensorSequential(LayerNorm2d(dims[s]), conv(dims[s], dims[s + 1], 2, 2, 0, 1)));
    }
    features_ = register_module("features", features);
    classifier_ = register_module("classifier", torch::nn::Sequential(LayerNorm2d(dims[3])));
  }
  torch::Tensor forward(torch::Tensor x) {
    x = torch::adaptive_avg_pool2d(features_->forward(x), {1, 1});
    return classifier_->forward(x).flatten(1);
  }
  int64_t dim() const { return 768; }

 private:
  torch::nn::Sequential features_{nullptr}, classifier_{nullptr};
};
TORCH_MODULE(ConvNeXt);

}  // namespace

Backbone make_convnext_tiny(int in_channels) {
  ConvNeXt net(in_channels);
  return {torch::nn::AnyModule(net), net->dim()};
}

}  // namespace ferkit::models
