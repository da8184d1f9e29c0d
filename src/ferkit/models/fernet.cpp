// FerNet: a registered backbone followed by the 256-D projection, L2 normalisation and the linear or
// cosine classifier (include/ferkit/model.h).
#include "ferkit/model.h"

#include <torch/torch.h>

#include "ferkit/error.h"

namespace ferkit {

namespace F = torch::nn::functional;

FerNetImpl::FerNetImpl(const ModelSpec& spec, torch::nn::AnyModule backbone, int64_t backbone_dim)
    : spec_(spec), backbone_dim_(backbone_dim), cosine_(spec.head == "cosine"), backbone_(std::move(backbone)) {
  register_module("backbone", backbone_.ptr());
  dropout_ = register_module("dropout", torch::nn::Dropout(spec.dropout));
  projection_ = register_module("projection", torch::nn::Linear(backbone_dim, spec.feature_dim));
  classifier_ = register_module(
      "classifier", torch::nn::Linear(torch::nn::LinearOptions(spec.feature_dim, spec.num_classes).bias(!cosine_)));
}

torch::Tensor FerNetImpl::backbone_features(const torch::Tensor& x) {
  if (x.dim() != 4 || x.size(1) != spec_.in_channels) {
    std::string shape;
    for (int64_t i = 0; i < x.dim(); ++i) shape += (i ? ", " : "") + std::to_string(x.size(i));
    throw Error(spec_.architecture + " input", "[batch, " + std::to_string(spec_.in_channels) + ", height, width]",
                "[" + shape + "]");
  }
  return backbone_.forward<torch::Tensor>(x);
}

torch::Tensor FerNetImpl::classify(const torch::Tensor& features) {
  if (!cosine_) return classifier_(features);
  torch::Tensor w = F::normalize(classifier_->weight, F::NormalizeFuncOptions().dim(1));
  return spec_.cosine_scale * F::linear(features, w);
}

ModelOutput FerNetImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = dropout_(backbone_features(x));
  ModelOutput out;
  out.features = F::normalize(projection_(h), F::NormalizeFuncOptions().dim(1));
  out.logits = classify(out.features);
  return out;
}

int64_t count_parameters(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

}  // namespace ferkit
