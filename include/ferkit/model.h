// FER models: backbone -> 256-D projection -> L2-normalised feature f -> 8-way classifier z.
//
//   ferkit::ModelSpec spec;                       // architecture, input size, channels, normalisation
//   spec.architecture = "resnet18_48";
//   ferkit::FerNet net = ferkit::create_model(spec);
//   ferkit::ModelOutput out = net->forward(x);    // x: [B, C, H, W] float, already normalised
//   out.features;                                 // [B, 256], unit L2 norm
//   out.logits;                                   // [B, 8]
//
// Architectures (model_names(), `ferkit models list`): resnet18, resnet50 (torchvision layout),
// resnet18_48 / resnet50_48 (3x3 stride-1 stem, no max-pool, for 48x48 inputs), mobilenetv3_small,
// mobilenetv3_large (and their _48 variants with a stride-1 first convolution), efficientnet_b0,
// efficientnet_b3, convnext_tiny. Registering another is one line in model_registry.cpp.
//
// Parameter names: the backbone is registered as "backbone" and its parameters and buffers carry
// torchvision's state_dict names below it ("backbone.layer4.1.downsample.0.weight",
// "backbone.features.3.block.1.0.weight"), so torchvision weights can be loaded by name
// (ferkit/checkpoint.h, load_backbone_npz). The backbone holds everything torchvision has before its
// classification head: for ConvNeXt that includes the final LayerNorm2d, "classifier.0". Then come
// "projection.{weight,bias}" and "classifier.weight" (+ "classifier.bias" for the linear head).
//
// Training behaviour as torchvision: BatchNorm eps/momentum per family (MobileNetV3: 1e-3 / 0.01),
// stochastic depth (EfficientNet: 0.2 ramped over blocks; ConvNeXt: 0.1), identity in eval mode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "ferkit/model_spec.h"

namespace ferkit {

struct ModelOutput {
  torch::Tensor features;  // [B, feature_dim], L2-normalised
  torch::Tensor logits;    // [B, num_classes]
};

// The FER model wrapper. The backbone is a registered architecture mapping [B, C, H, W] to pooled
// features [B, backbone_dim]; the head is Linear(backbone_dim, feature_dim) -> L2 normalise ->
// the linear or cosine classifier of spec.head.
class FerNetImpl : public torch::nn::Module {
 public:
  FerNetImpl(const ModelSpec& spec, torch::nn::AnyModule backbone, int64_t backbone_dim);
  ModelOutput forward(const torch::Tensor& x);
  // x must be [B, in_channels, H, W] (anything else is a ferkit::Error naming both shapes).
  // Backbone output (pooled, before the projection) for analysis and weight-exchange checks.
  torch::Tensor backbone_features(const torch::Tensor& x);
  // Logits from features (the head alone): linear, or cosine_scale * normalize(W) f.
  torch::Tensor classify(const torch::Tensor& features);
  const ModelSpec& spec() const { return spec_; }
  int64_t backbone_dim() const { return backbone_dim_; }
  torch::nn::Module& backbone() { return *backbone_.ptr(); }
  torch::nn::Linear& projection() { return projection_; }
  torch::nn::Linear& classifier() { return classifier_; }

 private:
  ModelSpec spec_;
  int64_t backbone_dim_;
  bool cosine_;
  torch::nn::AnyModule backbone_;
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear projection_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(FerNet);

// Builds a model (training mode, fresh torchvision-style initialisation from torch's global RNG);
// validates the spec first and throws ferkit::Error naming the known architectures for an unknown
// name.
FerNet create_model(const ModelSpec& spec);
std::vector<std::string> model_names();  // == architecture_names()

// Parameter count of a module (all parameters, trainable or not; buffers excluded).
int64_t count_parameters(const torch::nn::Module& m);

}  // namespace ferkit
