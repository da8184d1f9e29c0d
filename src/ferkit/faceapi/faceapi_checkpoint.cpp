// Imported face-api networks on disk (ferkit/faceapi/faceapi_checkpoint.h).
#include "ferkit/faceapi/faceapi_checkpoint.h"

#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "ferkit/checkpoint.h"
#include "ferkit/error.h"
#include "ferkit/sha256.h"
#include "ferkit/sidecar.h"
#include "ferkit/version.h"
#include "ferkit/models/atomic_file.h"
#include "ferkit/models/checkpoint_weights.h"

namespace ferkit::faceapi {
namespace {

std::string utc_now_iso8601() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void check_architecture(const FaceapiModel& m, const std::string& expected, const std::filesystem::path& path) {
  if (!expected.empty() && m.sidecar.architecture != expected)
    throw Error(path.string(), "a face-api " + expected + " network", "a " + m.sidecar.architecture + " network");
}

}  // namespace

void save_faceapi_checkpoint(const std::filesystem::path& checkpoint, FaceapiNet& net, FaceapiSidecar sidecar) {
  const CheckpointPaths paths = checkpoint_paths(checkpoint);
  if (sidecar.architecture != net.architecture())
    throw Error(paths.sidecar.string(), "architecture " + net.architecture() + " (the network's)", sidecar.architecture);
  if (sidecar.git_commit.empty()) sidecar.git_commit = git_commit();
  sidecar.created = utc_now_iso8601();
  validate_faceapi_sidecar(sidecar, paths.sidecar.string());
  c10::Dict<std::string, torch::Tensor> dict;
  for (auto& kv : net.named_parameters()) dict.insert(kv.key(), kv.value().detach().to(torch::kCPU).contiguous());
  const std::vector<char> bytes = torch::pickle_save(dict);
  sidecar.weights_sha256 = sha256_hex(bytes.data(), bytes.size());
  models::write_file_atomically(paths.weights, bytes.data(), bytes.size());
  write_faceapi_sidecar(checkpoint, sidecar);
}

FaceapiModel load_faceapi_manifest(const std::filesystem::path& manifest) {
  const FaceapiArchitecture* arch = faceapi_architecture_for_manifest(manifest.filename().string());
  if (!arch) {
    std::string known;
    for (const auto& a : faceapi_architectures()) known += (known.empty() ? "" : ", ") + a.manifest_stem + "-weights_manifest.json";
    throw Error(manifest.string(), "the weights manifest of a face-api network ferkit supports (" + known + ")", manifest.filename().string());
  }
  const WeightsManifest m = read_weights_manifest(manifest);
  FaceapiModel out;
  out.sidecar = default_faceapi_sidecar(*arch);
  out.sidecar.upstream_manifest = manifest.filename().string();
  Sha256 digest;
  for (const auto& g : m.groups)
    for (const auto& shard : g.shards) {
      const std::vector<char> b = models::read_file_bytes(shard, "a weights shard listed in " + manifest.string());
      digest.update(b.data(), b.size());
    }
  out.sidecar.upstream_sha256 = digest.hex();
  const auto package_dir = std::filesystem::absolute(manifest).parent_path().parent_path();
  std::ifstream pj(package_dir / "package.json");
  if (pj) {
    nlohmann::json j = nlohmann::json::parse(pj, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) {
      out.sidecar.upstream_package = j.value("name", out.sidecar.upstream_package);
      out.sidecar.upstream_version = j.value("version", out.sidecar.upstream_version);
      out.sidecar.upstream_license = j.value("license", std::string());
    }
  }
  if (std::filesystem::exists(package_dir / "LICENSE")) out.sidecar.license_file = (package_dir / "LICENSE").string();
  out.net = create_network(arch->name);
  load_faceapi_weights(*out.net, load_weights(m), manifest.string());
  out.net->eval();
  return out;
}

FaceapiModel load_faceapi_model(const std::filesystem::path& path, const std::string& expected_architecture) {
  if (ends_with(path.filename().string(), "-weights_manifest.json")) {
    FaceapiModel m = load_faceapi_manifest(path);
    check_architecture(m, expected_architecture, path);
    return m;
  }
  const CheckpointPaths paths = checkpoint_paths(path);
  FaceapiModel m;
  m.sidecar = read_faceapi_sidecar(path);
  check_architecture(m, expected_architecture, paths.sidecar);
  const auto tensors = models::read_checkpoint_tensors(paths, m.sidecar.weights_sha256, "the weights");
  m.net = create_network(m.sidecar.architecture);
  load_named_tensors(*m.net, tensors, paths.weights.string() + " (" + m.sidecar.architecture + ")");
  m.net->eval();
  return m;
}

}  // namespace ferkit::faceapi
