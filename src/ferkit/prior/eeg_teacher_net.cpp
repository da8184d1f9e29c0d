#include "ferkit/eeg_teacher_net.h"

#include <torch/torch.h>

#include <sstream>

#include "ferkit/error.h"
#include "ferkit/options.h"
#include "ferkit/run_dir.h"
#include "ferkit/sha256.h"

namespace ferkit {
namespace {

torch::nn::Conv2d conv(int in, int out) { return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)); }

std::filesystem::path sidecar_of(const std::filesystem::path& weights) {
  return std::filesystem::path(weights).replace_extension(".json");
}

}  // namespace

EegTeacherNetImpl::EegTeacherNetImpl(const EegTeacherSpec& s) : spec_(s) {
  FERKIT_CHECK(s.bands >= 1 && s.grid >= 8 && s.width >= 1 && s.feature_dim >= 1 && s.dropout >= 0 && s.dropout < 1,
               "EEG teacher: expected bands >= 1, grid >= 8, width >= 1, feature_dim >= 1, 0 <= dropout < 1, got bands "
                   << s.bands << ", grid " << s.grid << ", width " << s.width << ", feature_dim " << s.feature_dim
                   << ", dropout " << s.dropout);
  const int w = s.width;
  conv1_ = register_module("conv1", conv(s.bands, w));
  bn1_ = register_module("bn1", torch::nn::BatchNorm2d(w));
  conv2_ = register_module("conv2", conv(w, 2 * w));
  bn2_ = register_module("bn2", torch::nn::BatchNorm2d(2 * w));
  conv3_ = register_module("conv3", conv(2 * w, 4 * w));
  bn3_ = register_module("bn3", torch::nn::BatchNorm2d(4 * w));
  conv4_ = register_module("conv4", conv(4 * w, 8 * w));
  bn4_ = register_module("bn4", torch::nn::BatchNorm2d(8 * w));
  feature_ = register_module("feature", torch::nn::Linear(8 * w, s.feature_dim));
  dropout_ = register_module("dropout", torch::nn::Dropout(s.dropout));
  output_ = register_module("output", torch::nn::Linear(s.feature_dim, 2));
}

EegTeacherOutput EegTeacherNetImpl::forward(const torch::Tensor& x) {
  if (x.dim() != 4 || x.size(1) != spec_.bands || x.size(2) != spec_.grid || x.size(3) != spec_.grid) {
    std::ostringstream s;
    s << x.sizes();
    throw Error("EEG teacher input",
                "maps [B, " + std::to_string(spec_.bands) + ", " + std::to_string(spec_.grid) + ", " +
                    std::to_string(spec_.grid) + "]",
                s.str());
  }
  torch::Tensor h = torch::max_pool2d(torch::relu(bn1_(conv1_(x))), 2);
  h = torch::max_pool2d(torch::relu(bn2_(conv2_(h))), 2);
  h = torch::max_pool2d(torch::relu(bn3_(conv3_(h))), 2);
  h = torch::relu(bn4_(conv4_(h))).mean({2, 3});
  EegTeacherOutput out;
  out.features = feature_(h);
  out.ratings = torch::tanh(output_(dropout_(torch::relu(out.features))));
  return out;
}

void save_eeg_teacher(const std::filesystem::path& weights, EegTeacherNet& net, const nlohmann::json& extra) {
  if (weights.has_parent_path()) std::filesystem::create_directories(weights.parent_path());
  const auto tmp = std::filesystem::path(weights.string() + ".tmp");
  torch::save(net, tmp.string());
  std::filesystem::rename(tmp, weights);
  nlohmann::json j = extra.is_object() ? extra : nlohmann::json::object();
  j["spec"] = to_json(net->spec());
  j["weights_sha256"] = sha256_file(weights);
  write_json_file(sidecar_of(weights), j);
}

EegTeacherNet load_eeg_teacher(const std::filesystem::path& weights) {
  const auto side = sidecar_of(weights);
  FERKIT_CHECK(std::filesystem::exists(weights), weights.string() << ": no such EEG teacher weights file");
  FERKIT_CHECK(std::filesystem::exists(side), side.string() << ": the EEG teacher's sidecar is missing");
  nlohmann::json j = read_json_file(side);
  FERKIT_CHECK(j.contains("spec") && j.contains("weights_sha256"),
               side.string() << ": expected 'spec' and 'weights_sha256' (an EEG teacher sidecar)");
  const std::string digest = sha256_file(weights);
  if (digest != j["weights_sha256"].get<std::string>())
    throw Error(weights.string(), "SHA-256 " + j["weights_sha256"].get<std::string>() + " (recorded in " + side.string() + ")",
                digest);
  EegTeacherSpec spec;
  bind_options(j["spec"], spec, side.filename().string() + ".spec");
  EegTeacherNet net(spec);
  torch::load(net, weights.string());
  net->eval();
  return net;
}

}  // namespace ferkit
