// The architecture table: name -> backbone factory and its description. Adding an architecture is
// one row here (plus its family file).
#include <functional>

#include "ferkit/error.h"
#include "ferkit/model.h"
#include "ferkit/options.h"
#include "ferkit/models/backbones.h"

namespace ferkit {
namespace {

struct Entry {
  ArchitectureInfo info;
  std::function<models::Backbone(int in_channels)> make;
};

const std::vector<Entry>& registry() {
  using namespace models;
  static const std::vector<Entry> table = {
      {{"resnet18", "resnet", 224, 32, "ResNet-18, torchvision stem (7x7/2 conv, max-pool)"},
       [](int c) { return make_resnet(18, false, c); }},
      {{"resnet18_48", "resnet", 48, 8, "ResNet-18, 3x3 stride-1 stem without max-pool (48x48 -> 6x6 map)"},
       [](int c) { return make_resnet(18, true, c); }},
      {{"resnet50", "resnet", 224, 32, "ResNet-50 (bottleneck v1.5), torchvision stem"},
       [](int c) { return make_resnet(50, false, c); }},
      {{"resnet50_48", "resnet", 48, 8, "ResNet-50, 3x3 stride-1 stem without max-pool"},
       [](int c) { return make_resnet(50, true, c); }},
      {{"mobilenetv3_small", "mobilenetv3", 224, 32, "MobileNetV3-Small, torchvision layout"},
       [](int c) { return make_mobilenetv3(false, false, c); }},
      {{"mobilenetv3_small_48", "mobilenetv3", 48, 16, "MobileNetV3-Small, stride-1 first conv (48x48 -> 3x3 map)"},
       [](int c) { return make_mobilenetv3(false, true, c); }},
      {{"mobilenetv3_large", "mobilenetv3", 224, 32, "MobileNetV3-Large, torchvision layout"},
       [](int c) { return make_mobilenetv3(true, false, c); }},
      {{"mobilenetv3_large_48", "mobilenetv3", 48, 16, "MobileNetV3-Large, stride-1 first conv (48x48 -> 3x3 map)"},
       [](int c) { return make_mobilenetv3(true, true, c); }},
      {{"efficientnet_b0", "efficientnet", 224, 32, "EfficientNet-B0 (width 1.0, depth 1.0)"},
       [](int c) { return make_efficientnet(1.0, 1.0, c); }},
      {{"efficientnet_b3", "efficientnet", 300, 32, "EfficientNet-B3 (width 1.2, depth 1.4)"},
       [](int c) { return make_efficientnet(1.2, 1.4, c); }},
      {{"convnext_tiny", "convnext", 224, 32, "ConvNeXt-Tiny (depths 3,3,9,3; dims 96-768)"},
       [](int c) { return make_convnext_tiny(c); }},
  };
  return table;
}

const Entry& entry(const std::string& name) {
  for (const auto& e : registry()) {
    if (e.info.name == name) return e;
  }
  std::string known;
  for (const auto& n : architecture_names()) known += (known.empty() ? "" : ", ") + n;
  const std::string guess = nearest_name(name, architecture_names());
  throw Error("architecture '" + name + "'",
              "one of " + known + (guess.empty() ? std::string() : " (did you mean " + guess + "?)"), "");
}

}  // namespace

const std::vector<ArchitectureInfo>& architectures() {
  static const std::vector<ArchitectureInfo> infos = [] {
    std::vector<ArchitectureInfo> v;
    for (const auto& e : registry()) v.push_back(e.info);
    return v;
  }();
  return infos;
}

std::vector<std::string> architecture_names() {
  std::vector<std::string> names;
  for (const auto& e : registry()) names.push_back(e.info.name);
  return names;
}

std::vector<std::string> model_names() { return architecture_names(); }

const ArchitectureInfo& architecture_info(const std::string& name) { return entry(name).info; }

void validate_model_spec(const ModelSpec& s, const std::string& where) {
  const ArchitectureInfo& info = architecture_info(s.architecture);
  if (s.in_channels != 1 && s.in_channels != 3) throw Error(where + ".in_channels", "1 or 3", std::to_string(s.in_channels));
  if (s.input_size < info.min_input) {
    throw Error(where + ".input_size", s.architecture + " needs at least " + std::to_string(info.min_input) + " pixels",
                std::to_string(s.input_size));
  }
  if (s.feature_dim <= 0) throw Error(where + ".feature_dim", "a positive size", std::to_string(s.feature_dim));
  if (s.num_classes <= 0) throw Error(where + ".num_classes", "a positive count", std::to_string(s.num_classes));
  if (s.dropout < 0 || s.dropout >= 1) throw Error(where + ".dropout", "a probability in [0, 1)", std::to_string(s.dropout));
  if (s.head != "linear" && s.head != "cosine") throw Error(where + ".head", "linear or cosine", "'" + s.head + "'");
  if (s.head == "cosine" && !(s.cosine_scale > 0)) {
    throw Error(where + ".cosine_scale", "a positive scale", std::to_string(s.cosine_scale));
  }
  const auto sizes_ok = [&](size_t n) { return n == 1 || n == static_cast<size_t>(s.in_channels); };
  if (!sizes_ok(s.mean.size()) || !sizes_ok(s.std.size()) || s.mean.size() != s.std.size()) {
    throw Error(where + ".mean/std", "1 or " + std::to_string(s.in_channels) + " values each",
                std::to_string(s.mean.size()) + " and " + std::to_string(s.std.size()));
  }
  for (double v : s.std) {
    if (!(v > 0)) throw Error(where + ".std", "positive values", std::to_string(v));
  }
}

InputSpec input_spec(const ModelSpec& spec) { return InputSpec{spec.input_size, spec.in_channels, spec.mean, spec.std}; }

FerNet create_model(const ModelSpec& spec) {
  validate_model_spec(spec);
  models::Backbone b = entry(spec.architecture).make(spec.in_channels);
  return FerNet(spec, std::move(b.module), b.dim);
}

}  // namespace ferkit
