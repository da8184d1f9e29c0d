// The EEG teacher's network: a small CNN on band-power topomaps regressing valence and arousal,
// with a 256-D penultimate feature that the prototype bank is built from.
//
//   ferkit::EegTeacherSpec spec;  spec.bands = 4;  spec.grid = 32;
//   ferkit::EegTeacherNet net(spec);
//   ferkit::EegTeacherOutput out = net->forward(maps);   // maps [B, bands, grid, grid]
//   out.features;    // [B, 256], the penultimate feature (before the ReLU of the head)
//   out.ratings;     // [B, 2] = (valence, arousal) in [-1, 1] (tanh)
//   ferkit::save_eeg_teacher("out/fold-1.pt", net, extra);   // fold-1.pt (LibTorch archive) + fold-1.json
//   ferkit::EegTeacherNet back = ferkit::load_eeg_teacher("out/fold-1.pt");   // eval mode
//
// Layers: four blocks conv3x3 (padding 1) -> BatchNorm -> ReLU with width w, 2w, 4w, 8w channels,
// 2x2 max-pooling after the first three (grid 32 -> 16 -> 8 -> 4), global average pooling, then
// Linear(8w, feature_dim) = the feature g; the head is ReLU -> Dropout -> Linear(feature_dim, 2) ->
// tanh. The feature is taken before the ReLU so it is not confined to the positive orthant (the
// bank compares features by cosine). Grid >= 8.
//
// The sidecar (<name>.json) holds the spec, the weights' SHA-256 and whatever the caller adds
// (fold, held-out subjects, metrics); loading checks the SHA-256 and the spec.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace ferkit {

struct EegTeacherSpec {
  int bands = 5;          // input channels: the topomaps' bands
  int grid = 32;          // map side N
  int width = 16;         // channels of the first block (then 2w, 4w, 8w)
  int feature_dim = 256;  // penultimate feature size
  double dropout = 0.3;   // before the output layer (training only)
  template <class V>
  void visit(V& v) {
    v("bands", bands, "input channels (topomap bands)");
    v("grid", grid, "map side N");
    v("width", width, "channels of the first block (then 2w, 4w, 8w)");
    v("feature_dim", feature_dim, "penultimate feature size");
    v("dropout", dropout, "dropout before the output layer");
  }
};

struct EegTeacherOutput {
  torch::Tensor features;  // [B, feature_dim]
  torch::Tensor ratings;   // [B, 2] valence, arousal in [-1, 1]
};

class EegTeacherNetImpl : public torch::nn::Module {
 public:
  explicit EegTeacherNetImpl(const EegTeacherSpec& spec);
  // maps must be [B, bands, grid, grid] (else an Error naming both shapes).
  EegTeacherOutput forward(const torch::Tensor& maps);
  const EegTeacherSpec& spec() const { return spec_; }

 private:
  EegTeacherSpec spec_;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr}, conv4_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr}, bn4_{nullptr};
  torch::nn::Linear feature_{nullptr}, output_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(EegTeacherNet);

// Writes <name>.pt (torch::save archive) then <name>.json {"spec", "weights_sha256", ...extra}.
void save_eeg_teacher(const std::filesystem::path& weights, EegTeacherNet& net, const nlohmann::json& extra = {});
// Reads both, checks the SHA-256, returns the net in eval mode.
EegTeacherNet load_eeg_teacher(const std::filesystem::path& weights);

}  // namespace ferkit
