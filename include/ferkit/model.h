// FER models: backbone -> 256-D projection -> L2-normalised feature f -> 8-way classifier z.
//
//   ferkit::ModelSpec spec;                       // architecture, input size, channels, normalisation
//   spec.architecture = "resnet18_48";
//   ferkit::FerNet net = ferkit::create_model(spec);
//   ferkit::ModelOutput out = net->forward(x);    // x: [B, C, H, W] float, already normalised
//   out.features;                                 // [B, 256], unit L2 norm
//   out.logits;                                   // [B, 8]
//
// Architectures (model_names()): resnet18, resnet50 (torchvision layout), resnet18_48 / resnet50_48
// (3x3 stride-1 stem, no max-pool, for 48x48 inputs), mobilenetv3_small, mobilenetv3_large (and
// their _48 stems), efficientnet_b0, efficientnet_b3, convnext_tiny. Registering another is one
// line in the registry.
#pragma once

#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace ferkit {

struct ModelSpec {
  std::string architecture = "mobilenetv3_small_48";  // registry name
  int input_size = 48;        // square input side in pixels
  int in_channels = 1;        // 1 = grayscale, 3 = RGB
  int feature_dim = 256;      // size of the L2-normalised feature f
  int num_classes = 8;        // classifier outputs (the ferkit taxonomy)
  double dropout = 0.2;       // dropout before the projection (training only)
  std::vector<double> mean = {0.5};  // per-channel normalisation applied by preprocessing
  std::vector<double> std = {0.5};   // (x/255 - mean) / std
  template <class V>
  void visit(V& v) {
    v("architecture", architecture, "registered architecture name");
    v("input_size", input_size, "square input side in pixels");
    v("in_channels", in_channels, "1 = grayscale, 3 = RGB");
    v("feature_dim", feature_dim, "size of the L2-normalised feature");
    v("num_classes", num_classes, "classifier outputs");
    v("dropout", dropout, "dropout before the projection");
    v("mean", mean, "per-channel mean of (x/255)");
    v("std", std, "per-channel std of (x/255)");
  }
};

struct ModelOutput {
  torch::Tensor features;  // [B, feature_dim], L2-normalised
  torch::Tensor logits;    // [B, num_classes]
};

// The FER model wrapper. The backbone is a registered architecture; the head is
// Linear(backbone_dim, feature_dim) -> L2 normalise -> Linear(feature_dim, num_classes).
class FerNetImpl : public torch::nn::Module {
 public:
  FerNetImpl(const ModelSpec& spec, torch::nn::AnyModule backbone, int64_t backbone_dim);
  ModelOutput forward(const torch::Tensor& x);
  // Backbone output (pooled, before the projection) for analysis.
  torch::Tensor backbone_features(const torch::Tensor& x);
  const ModelSpec& spec() const { return spec_; }
  torch::nn::Linear& projection() { return projection_; }
  torch::nn::Linear& classifier() { return classifier_; }

 private:
  ModelSpec spec_;
  torch::nn::AnyModule backbone_;
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear projection_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(FerNet);

// Builds a model; throws ferkit::Error naming the known architectures for an unknown name.
FerNet create_model(const ModelSpec& spec);
std::vector<std::string> model_names();

// Parameter count of a module (all parameters, trainable or not).
int64_t count_parameters(const torch::nn::Module& m);

}  // namespace ferkit
