// face-api.js / TensorFlow.js weights: a `<name>-weights_manifest.json` and the `.bin` shard(s) it
// lists. No torch here: the networks (ferkit/faceapi/networks.h) turn these into parameters.
//
//   ferkit::faceapi::WeightsManifest m =
//       ferkit::faceapi::read_weights_manifest("model/face_expression_model-weights_manifest.json");
//   m.entries[0].name;   // "dense0/conv0/filters", shape [3, 3, 3, 32], stored as quantized uint8
//   ferkit::faceapi::NamedWeights w = ferkit::faceapi::load_weights(m);
//   w.at("fc/bias").values;   // 7 floats, dequantized
//
// Format (TensorFlow.js weights manifest, checked on face-api 1.7.15's files): a JSON array of
// groups {"paths": [shard files], "weights": [{name, shape, dtype, quantization?}]}. A group's
// shards are concatenated and hold its tensors back to back in manifest order, little-endian,
// row-major (face-api's conv filters are HWIO [kh, kw, in, out], fully connected [in, out]).
// dtype must be "float32". A tensor with `quantization` {dtype, scale, min} is stored as uint8 or
// uint16 with value = q * scale + min (computed in double, rounded to float like TensorFlow.js),
// or as IEEE float16 (quantization dtype "float16", no scale/min).
//
// Errors (ferkit::Error naming the manifest or .bin file and the tensor): unreadable or malformed
// JSON; an unknown dtype or quantization dtype; a negative dimension; a duplicate weight name; a
// missing shard; shards whose total size differs from the bytes the manifest lists (both counts
// given). Nothing is truncated or skipped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ferkit::faceapi {

struct ManifestEntry {
  std::string name;               // e.g. "dense0/conv1/depthwise_filter"
  std::vector<int64_t> shape;     // as listed (HWIO for convolutions)
  std::string dtype = "float32";  // the tensor's dtype after dequantization
  std::string storage = "float32";  // how it is stored: float32, uint8, uint16 or float16
  double scale = 1.0;             // uint8/uint16: value = q * scale + min
  double min = 0.0;
  int group = 0;                  // index of its group in the manifest
  int64_t offset = 0;             // byte offset inside its group's concatenated shards
  int64_t bytes = 0;              // stored size in bytes

  int64_t numel() const;
};

struct ManifestGroup {
  std::vector<std::filesystem::path> shards;  // absolute (resolved next to the manifest)
  int64_t bytes = 0;                          // what the group's entries need
};

struct WeightsManifest {
  std::filesystem::path path;         // the manifest file
  std::vector<ManifestGroup> groups;
  std::vector<ManifestEntry> entries;  // manifest order
  int64_t total_bytes() const;
  // nullptr when there is no such entry.
  const ManifestEntry* find(const std::string& name) const;
};

// Parses and checks the manifest against its shards (existence and total size).
WeightsManifest read_weights_manifest(const std::filesystem::path& manifest);

struct WeightTensor {
  std::vector<int64_t> shape;
  std::vector<float> values;  // row-major, dequantized
};
using NamedWeights = std::map<std::string, WeightTensor>;

// Reads every tensor of the manifest (sizes are checked again against the shards as read).
NamedWeights load_weights(const WeightsManifest& manifest);

// "[3, 3, 32, 1]"
std::string shape_text(const std::vector<int64_t>& shape);

}  // namespace ferkit::faceapi
