// What a FER model is, without torch: the ModelSpec stored in checkpoint sidecars and read by every
// backend, and the architecture table. Include ferkit/model.h to build the model itself.
//
//   ferkit::ModelSpec spec;                    // defaults: mobilenetv3_small_48, 48x48 gray
//   spec.architecture = "resnet18";
//   spec.in_channels = 3;  spec.input_size = 112;
//   spec.mean = {0.485, 0.456, 0.406};  spec.std = {0.229, 0.224, 0.225};
//   spec.head = "cosine";                      // ArcFace-style head: z = cosine_scale * cos(theta)
//   ferkit::InputSpec in = ferkit::input_spec(spec);   // what preprocess_face needs
//
// Contract: every model is backbone -> Linear(backbone_dim, feature_dim) -> L2 normalisation
// (feature f, unit norm) -> classifier z = Linear(feature_dim, num_classes) ("linear" head), or
// z = cosine_scale * normalize(W) f with no bias ("cosine" head: each logit is s * cos(angle between
// f and the class weight), the form ArcFace/CosFace margins are applied to).
#pragma once

#include <string>
#include <vector>

#include "ferkit/preprocess.h"

namespace ferkit {

struct ModelSpec {
  std::string architecture = "mobilenetv3_small_48";  // registry name (architecture_names())
  int input_size = 48;        // square input side in pixels
  int in_channels = 1;        // 1 = grayscale, 3 = RGB (only the first convolution changes)
  int feature_dim = 256;      // size of the L2-normalised feature f
  int num_classes = 8;        // classifier outputs (the ferkit taxonomy)
  double dropout = 0.2;       // dropout before the projection (training only)
  std::vector<double> mean = {0.5};  // per-channel (or one shared) mean of x/255, for preprocessing
  std::vector<double> std = {0.5};   // per-channel (or one shared) std: input = (x/255 - mean) / std
  std::string head = "linear";   // "linear": z = W f + b; "cosine": z = cosine_scale * cos(W_k, f)
  double cosine_scale = 30.0;    // s of the cosine head (ignored by the linear head)
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
    v("head", head, "classifier head: linear or cosine (z = cosine_scale * cos theta)");
    v("cosine_scale", cosine_scale, "scale s of the cosine head");
  }
};

// One registered architecture (the registry table in src/ferkit/models/model_registry.cpp).
struct ArchitectureInfo {
  std::string name;         // e.g. "resnet18_48"
  std::string family;       // resnet, mobilenetv3, efficientnet, convnext
  int default_input = 224;  // the input side it is meant for (48 for the _48 stems)
  int min_input = 32;       // smallest input side the layers accept
  std::string description;  // one line for `ferkit models list`
};
const std::vector<ArchitectureInfo>& architectures();
std::vector<std::string> architecture_names();
// Throws ferkit::Error naming the known architectures (and the nearest) for an unknown name.
const ArchitectureInfo& architecture_info(const std::string& name);

// Throws ferkit::Error (prefixed by where) when a field is out of range: unknown architecture or
// head, channels other than 1/3, mean/std sizes not 1 or in_channels, std <= 0, input below the
// architecture's minimum, non-positive sizes.
void validate_model_spec(const ModelSpec& spec, const std::string& where = "model spec");

// The preprocessing input (size, channels, mean, std) of a model.
InputSpec input_spec(const ModelSpec& spec);

}  // namespace ferkit
