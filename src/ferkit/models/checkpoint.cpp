// Checkpoints (include/ferkit/checkpoint.h): weights as a pickled {name: tensor} dict, readable by
// torch.load in Python, plus the JSON sidecar.
#include "ferkit/checkpoint.h"

#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "ferkit/error.h"
#include "ferkit/options.h"
#include "ferkit/sha256.h"
#include "ferkit/version.h"
#include "ferkit/models/atomic_file.h"
#include "ferkit/models/checkpoint_weights.h"

namespace ferkit {
namespace {

std::string shape_string(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

std::string utc_now_iso8601() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Parameters then buffers, in registration order: the tensors a checkpoint must hold.
std::vector<std::pair<std::string, torch::Tensor>> named_state(torch::nn::Module& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (auto& kv : m.named_parameters()) out.emplace_back(kv.key(), kv.value());
  for (auto& kv : m.named_buffers()) out.emplace_back(kv.key(), kv.value());
  return out;
}

}  // namespace

namespace models {

std::vector<char> read_file_bytes(const std::filesystem::path& file, const std::string& what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), what, "no such file");
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::map<std::string, torch::Tensor> read_checkpoint_tensors(const CheckpointPaths& paths, const std::string& expected_sha256,
                                                             const std::string& what) {
  const std::vector<char> bytes = read_file_bytes(paths.weights, what + " named by " + paths.sidecar.string());
  const std::string digest = sha256_hex(bytes.data(), bytes.size());
  if (!expected_sha256.empty() && digest != expected_sha256) {
    throw Error(paths.weights.string(), "SHA-256 " + expected_sha256 + " recorded in " + paths.sidecar.filename().string(),
                digest + " (weights and sidecar are from different saves)");
  }
  c10::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const c10::Error& e) {
    throw Error(paths.weights.string(), "a pickled {name: tensor} dict (torch::pickle_save / torch.save)", e.what_without_backtrace());
  }
  if (!value.isGenericDict()) throw Error(paths.weights.string(), "a dict of tensors", value.tagKind());
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& kv : value.toGenericDict()) {
    if (!kv.key().isString() || !kv.value().isTensor()) {
      throw Error(paths.weights.string(), "string keys and tensor values", kv.key().tagKind() + " -> " + kv.value().tagKind());
    }
    tensors[kv.key().toStringRef()] = kv.value().toTensor();
  }
  return tensors;
}

}  // namespace models

void load_named_tensors(torch::nn::Module& module, const std::map<std::string, torch::Tensor>& tensors,
                        const std::string& where, bool allow_missing, std::map<std::string, int>* unused) {
  torch::NoGradGuard no_grad;
  auto state = named_state(module);
  std::set<std::string> known;
  for (auto& [name, dst] : state) {
    known.insert(name);
    auto it = tensors.find(name);
    if (it == tensors.end()) {
      if (allow_missing) continue;
      throw Error(where, "tensor '" + name + "' of shape " + shape_string(dst), "no such tensor");
    }
    if (!it->second.sizes().equals(dst.sizes())) {
      throw Error(where, "tensor '" + name + "' of shape " + shape_string(dst), "shape " + shape_string(it->second));
    }
    dst.copy_(it->second);
  }
  for (const auto& kv : tensors) {
    if (known.count(kv.first)) continue;
    if (!unused) throw Error(where, "only tensors of the model", "unexpected tensor '" + kv.first + "' of shape " + shape_string(kv.second));
    ++(*unused)[kv.first];
  }
}

void save_checkpoint(const std::filesystem::path& checkpoint, FerNet& net, Sidecar sidecar) {
  const CheckpointPaths paths = checkpoint_paths(checkpoint);
  const nlohmann::json given = to_json(sidecar.model), actual = to_json(net->spec());
  if (given != to_json(ModelSpec{}) && given != actual) {
    throw Error(paths.sidecar.string(), "the sidecar's model spec to match the network's " + actual.dump(), given.dump());
  }
  sidecar.model = net->spec();
  if (sidecar.git_commit.empty()) sidecar.git_commit = git_commit();
  sidecar.created = utc_now_iso8601();
  validate_sidecar(sidecar, paths.sidecar.string());

  c10::Dict<std::string, torch::Tensor> dict;
  for (auto& [name, t] : named_state(*net)) dict.insert(name, t.detach().to(torch::kCPU).contiguous());
  const std::vector<char> bytes = torch::pickle_save(dict);
  sidecar.weights_sha256 = sha256_hex(bytes.data(), bytes.size());
  models::write_file_atomically(paths.weights, bytes.data(), bytes.size());
  write_sidecar(checkpoint, sidecar);
}

Checkpoint load_checkpoint(const std::filesystem::path& checkpoint) {
  const CheckpointPaths paths = checkpoint_paths(checkpoint);
  Checkpoint ck;
  ck.sidecar = read_sidecar(checkpoint);
  const auto tensors = models::read_checkpoint_tensors(paths, ck.sidecar.weights_sha256, "the checkpoint weights");
  ck.net = create_model(ck.sidecar.model);
  load_named_tensors(*ck.net, tensors, paths.weights.string() + " (architecture " + ck.sidecar.model.architecture + " from " +
                                           paths.sidecar.filename().string() + ")");
  ck.net->eval();
  return ck;
}

}  // namespace ferkit
