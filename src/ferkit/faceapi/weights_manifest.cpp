// TensorFlow.js weights manifests (ferkit/faceapi/weights_manifest.h). Hand-written: no Debian
// package reads this format; nlohmann-json parses the JSON and OpenCV converts float16.
#include "ferkit/faceapi/weights_manifest.h"

#include <cstring>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "ferkit/error.h"

namespace ferkit::faceapi {
namespace {

int64_t storage_size(const std::string& storage) {
  if (storage == "float32") return 4;
  if (storage == "uint16" || storage == "float16") return 2;
  return 1;  // uint8
}

std::string where_entry(const std::filesystem::path& manifest, size_t group, size_t index) {
  return manifest.string() + ": group " + std::to_string(group) + ", weight " + std::to_string(index);
}

ManifestEntry parse_entry(const nlohmann::json& w, const std::filesystem::path& manifest, size_t g, size_t i) {
  const std::string where = where_entry(manifest, g, i);
  if (!w.is_object()) throw Error(where, "an object {name, shape, dtype}", w.dump());
  ManifestEntry e;
  if (!w.contains("name") || !w["name"].is_string()) throw Error(where, "a string field 'name'", w.dump());
  e.name = w["name"].get<std::string>();
  const std::string at = manifest.string() + ": weight '" + e.name + "'";
  if (!w.contains("shape") || !w["shape"].is_array()) throw Error(at, "an array field 'shape'", w.value("shape", nlohmann::json()).dump());
  for (const auto& d : w["shape"]) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) throw Error(at, "non-negative integer dimensions", w["shape"].dump());
    e.shape.push_back(d.get<int64_t>());
  }
  if (!w.contains("dtype") || !w["dtype"].is_string()) throw Error(at, "a string field 'dtype'", "");
  e.dtype = w["dtype"].get<std::string>();
  if (e.dtype != "float32") throw Error(at, "dtype float32 (the only dtype face-api's networks use)", "dtype '" + e.dtype + "'");
  e.storage = "float32";
  if (w.contains("quantization")) {
    const auto& q = w["quantization"];
    if (!q.is_object() || !q.contains("dtype") || !q["dtype"].is_string())
      throw Error(at, "a quantization object with a dtype", q.dump());
    e.storage = q["dtype"].get<std::string>();
    if (e.storage == "uint8" || e.storage == "uint16") {
      if (!q.contains("scale") || !q["scale"].is_number() || !q.contains("min") || !q["min"].is_number())
        throw Error(at, "quantization scale and min (numbers) for " + e.storage, q.dump());
      e.scale = q["scale"].get<double>();
      e.min = q["min"].get<double>();
    } else if (e.storage != "float16") {
      throw Error(at, "quantization dtype uint8, uint16 or float16", "'" + e.storage + "'");
    }
  }
  e.bytes = e.numel() * storage_size(e.storage);
  return e;
}

}  // namespace

int64_t ManifestEntry::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

int64_t WeightsManifest::total_bytes() const {
  int64_t n = 0;
  for (const auto& g : groups) n += g.bytes;
  return n;
}

const ManifestEntry* WeightsManifest::find(const std::string& name) const {
  for (const auto& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

WeightsManifest read_weights_manifest(const std::filesystem::path& manifest) {
  std::ifstream in(manifest);
  if (!in) throw Error(manifest.string(), "a TensorFlow.js weights manifest (<name>-weights_manifest.json)", "no such file");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw Error(manifest.string(), "valid JSON", std::string("a parse error (") + e.what() + ")");
  }
  if (!j.is_array() || j.empty()) throw Error(manifest.string(), "a non-empty JSON array of weight groups", j.is_array() ? "an empty array" : j.type_name());
  WeightsManifest m;
  m.path = manifest;
  std::set<std::string> names;
  const std::filesystem::path dir = manifest.parent_path();
  for (size_t g = 0; g < j.size(); ++g) {
    const auto& grp = j[g];
    const std::string where = manifest.string() + ": group " + std::to_string(g);
    if (!grp.is_object() || !grp.contains("paths") || !grp["paths"].is_array() || !grp.contains("weights") || !grp["weights"].is_array())
      throw Error(where, "an object with arrays 'paths' and 'weights'", grp.dump().substr(0, 200));
    ManifestGroup group;
    for (const auto& p : grp["paths"]) {
      if (!p.is_string()) throw Error(where, "shard file names (strings) in 'paths'", p.dump());
      group.shards.push_back(dir / p.get<std::string>());
    }
    int64_t offset = 0;
    for (size_t i = 0; i < grp["weights"].size(); ++i) {
      ManifestEntry e = parse_entry(grp["weights"][i], manifest, g, i);
      if (!names.insert(e.name).second) throw Error(manifest.string(), "unique weight names", "'" + e.name + "' listed twice");
      e.group = static_cast<int>(g);
      e.offset = offset;
      offset += e.bytes;
      m.entries.push_back(std::move(e));
    }
    group.bytes = offset;
    int64_t on_disk = 0;
    std::string shard_names;
    for (const auto& s : group.shards) {
      std::error_code ec;
      const auto size = std::filesystem::file_size(s, ec);
      if (ec) throw Error(s.string(), "the weights shard listed in " + manifest.string(), "no such file");
      on_disk += static_cast<int64_t>(size);
      shard_names += (shard_names.empty() ? "" : " + ") + s.filename().string();
    }
    if (on_disk != group.bytes)
      throw Error(shard_names.empty() ? where : (dir / shard_names).string(),
                  std::to_string(group.bytes) + " bytes (the " + std::to_string(grp["weights"].size()) +
                      " tensors listed in " + manifest.filename().string() + ")",
                  std::to_string(on_disk) + " bytes");
    m.groups.push_back(std::move(group));
  }
  return m;
}

NamedWeights load_weights(const WeightsManifest& m) {
  std::vector<std::vector<uint8_t>> group_bytes;
  for (const auto& g : m.groups) {
    std::vector<uint8_t> bytes;
    for (const auto& s : g.shards) {
      std::ifstream in(s, std::ios::binary);
      if (!in) throw Error(s.string(), "a readable weights shard", "it cannot be opened");
      std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      bytes.insert(bytes.end(), b.begin(), b.end());
    }
    if (static_cast<int64_t>(bytes.size()) != g.bytes)
      throw Error(g.shards.empty() ? m.path.string() : g.shards.front().string(), std::to_string(g.bytes) + " bytes",
                  std::to_string(bytes.size()) + " bytes read");
    group_bytes.push_back(std::move(bytes));
  }
  NamedWeights out;
  for (const auto& e : m.entries) {
    const uint8_t* p = group_bytes[e.group].data() + e.offset;
    WeightTensor t;
    t.shape = e.shape;
    const int64_t n = e.numel();
    t.values.resize(static_cast<size_t>(n));
    if (e.storage == "float32") {
      std::memcpy(t.values.data(), p, static_cast<size_t>(n) * 4);  // little-endian host (x86-64, arm64)
    } else if (e.storage == "uint8") {
      for (int64_t i = 0; i < n; ++i) t.values[i] = static_cast<float>(p[i] * e.scale + e.min);
    } else if (e.storage == "uint16") {
      for (int64_t i = 0; i < n; ++i) {
        uint16_t q;
        std::memcpy(&q, p + 2 * i, 2);
        t.values[i] = static_cast<float>(q * e.scale + e.min);
      }
    } else {  // float16
      cv::Mat half(1, static_cast<int>(n), CV_16F, const_cast<uint8_t*>(p));
      cv::Mat full(1, static_cast<int>(n), CV_32F, t.values.data());
      half.convertTo(full, CV_32F);
    }
    out.emplace(e.name, std::move(t));
  }
  return out;
}

}  // namespace ferkit::faceapi
