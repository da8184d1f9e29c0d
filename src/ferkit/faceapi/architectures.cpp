// The face-api architectures (an explicit table) and loading face-api weights into them
// (ferkit/faceapi/networks.h).
#include <torch/torch.h>

#include <set>

#include "ferkit/error.h"
#include "ferkit/faceapi/networks.h"

namespace ferkit::faceapi {

std::shared_ptr<FaceapiNet> make_face_expression_net();
std::shared_ptr<FaceapiNet> make_face_landmark_68_tiny_net();
std::shared_ptr<FaceapiNet> make_tiny_face_detector_net();

namespace {

struct Entry {
  FaceapiArchitecture info;
  std::shared_ptr<FaceapiNet> (*make)();
};

const std::vector<Entry>& table() {
  static const std::vector<Entry> t = {
      {{"face_expression_net", "face_expression_model", "face_expression", 112, {122.782, 117.001, 104.298}, true,
        "FaceExpressionNet: 7 expressions from a 112x112 RGB face (dense blocks 32-256, fc 256->7)"},
       make_face_expression_net},
      {{"face_landmark_68_tiny_net", "face_landmark_68_tiny_model", "face_landmark_68_tiny", 112,
        {122.782, 117.001, 104.298}, true,
        "FaceLandmark68TinyNet: 68 landmarks from a 112x112 RGB face (dense blocks 32-128, fc 128->136)"},
       make_face_landmark_68_tiny_net},
      {{"tiny_face_detector", "tiny_face_detector_model", "tiny_face_detector", 416, {117.001, 114.697, 97.404}, false,
        "TinyFaceDetector: Tiny-YOLOv2-style face boxes, 5 anchors on a 13x13 grid at input 416"},
       make_tiny_face_detector_net},
  };
  return t;
}

// "dense0.conv1.depthwise_filter" -> "dense0/conv1/depthwise_filter"
std::string manifest_name(std::string torch_name) {
  for (char& c : torch_name)
    if (c == '.') c = '/';
  return torch_name;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// face-api's layout of a parameter stored in torch layout (see networks.h), and the permutation
// that takes face-api's tensor to torch's.
std::vector<int64_t> faceapi_shape(const std::string& name, const torch::Tensor& p, std::vector<int64_t>* to_torch) {
  const auto s = p.sizes();
  to_torch->clear();
  if (p.dim() == 4 && ends_with(name, "depthwise_filter")) {  // [C, 1, kh, kw] <- [kh, kw, C, 1]
    *to_torch = {2, 3, 0, 1};
    return {s[2], s[3], s[0], s[1]};
  }
  if (p.dim() == 4) {  // OIHW <- HWIO
    *to_torch = {3, 2, 0, 1};
    return {s[2], s[3], s[1], s[0]};
  }
  return s.vec();
}

}  // namespace

const std::vector<FaceapiArchitecture>& faceapi_architectures() {
  static const std::vector<FaceapiArchitecture> v = [] {
    std::vector<FaceapiArchitecture> out;
    for (const auto& e : table()) out.push_back(e.info);
    return out;
  }();
  return v;
}

const FaceapiArchitecture& faceapi_architecture(const std::string& name) {
  for (const auto& e : table())
    if (e.info.name == name) return e.info;
  std::string known;
  for (const auto& e : table()) known += (known.empty() ? "" : ", ") + e.info.name;
  throw Error("face-api architecture '" + name + "'", "one of " + known, "");
}

const FaceapiArchitecture* faceapi_architecture_for_manifest(const std::string& file_name) {
  for (const auto& e : table())
    if (file_name == e.info.manifest_stem + "-weights_manifest.json") return &e.info;
  return nullptr;
}

std::shared_ptr<FaceapiNet> create_network(const std::string& architecture) {
  for (const auto& e : table())
    if (e.info.name == architecture) {
      auto net = e.make();
      net->eval();
      return net;
    }
  faceapi_architecture(architecture);  // throws with the known names
  return nullptr;
}

void load_faceapi_weights(FaceapiNet& net, const NamedWeights& weights, const std::string& where) {
  torch::NoGradGuard no_grad;
  std::set<std::string> used;
  for (auto& kv : net.named_parameters()) {
    const std::string name = manifest_name(kv.key());
    torch::Tensor& dst = kv.value();
    std::vector<int64_t> perm;
    const std::vector<int64_t> want = faceapi_shape(name, dst, &perm);
    auto it = weights.find(name);
    if (it == weights.end())
      throw Error(where, "weight '" + name + "' of shape " + shape_text(want) + " (" + net.architecture() + ")", "no such weight");
    if (it->second.shape != want)
      throw Error(where, "weight '" + name + "' of shape " + shape_text(want) + " (" + net.architecture() + ")",
                  "shape " + shape_text(it->second.shape));
    torch::Tensor src = torch::from_blob(const_cast<float*>(it->second.values.data()), want, torch::kFloat32);
    if (!perm.empty()) src = src.permute(perm);
    dst.copy_(src);
    used.insert(name);
  }
  for (const auto& kv : weights)
    if (!used.count(kv.first))
      throw Error(where, "only weights of " + net.architecture(), "unexpected weight '" + kv.first + "' of shape " + shape_text(kv.second.shape));
}

}  // namespace ferkit::faceapi
