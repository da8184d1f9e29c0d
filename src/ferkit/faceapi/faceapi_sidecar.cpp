// Sidecars of imported face-api networks (ferkit/faceapi/faceapi_sidecar.h).
#include "ferkit/faceapi/faceapi_sidecar.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ferkit/error.h"
#include "ferkit/run_dir.h"
#include "ferkit/options.h"
#include "ferkit/sidecar.h"
#include "ferkit/taxonomy.h"
#include "ferkit/models/atomic_file.h"

namespace ferkit::faceapi {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return "[" + s + "]";
}

}  // namespace

FaceapiSidecar default_faceapi_sidecar(const FaceapiArchitecture& a) {
  FaceapiSidecar s;
  s.architecture = a.name;
  s.input_size = a.input_size;
  s.mean_rgb = {a.mean_rgb[0], a.mean_rgb[1], a.mean_rgb[2]};
  s.square_padding = a.centred ? "centred" : "bottom_right";
  s.upstream_package = "@vladmandic/face-api";
  s.upstream_version = "unknown";
  if (a.name == "face_expression_net") {
    // The taxonomy's "faceapi" mapping: neutral, happy, sad, angry, fearful, disgusted, surprised.
    const LabelMapping& m = label_mapping("faceapi");
    s.source_classes = m.source_names;
    s.class_map = m.to_canonical_index;
    const auto& names = class_names();
    s.class_names.assign(names.begin(), names.end());
    const auto covered = m.covered();
    for (int k = 0; k < kNumClasses; ++k)
      if (!covered[k]) s.absent_classes.push_back(names[k]);
  }
  return s;
}

void validate_faceapi_sidecar(const FaceapiSidecar& s, const std::string& where) {
  if (s.format_version != 1) throw Error(where + ": format_version", "1", std::to_string(s.format_version));
  if (s.kind != "faceapi") throw Error(where + ": kind", "\"faceapi\"", "\"" + s.kind + "\"");
  try {
    faceapi_architecture(s.architecture);
  } catch (const Error& e) {
    throw Error(where + ": architecture: " + e.what());
  }
  const bool detector = s.architecture == "tiny_face_detector";
  if (detector ? (s.input_size <= 0 || s.input_size % 32 != 0) : s.input_size != 112)
    throw Error(where + ": input_size", detector ? "a positive multiple of 32" : "112", std::to_string(s.input_size));
  if (s.in_channels != 3) throw Error(where + ": in_channels", "3 (RGB)", std::to_string(s.in_channels));
  if (s.mean_rgb.size() != 3) throw Error(where + ": mean_rgb", "3 values", std::to_string(s.mean_rgb.size()) + " values");
  if (s.square_padding != "centred" && s.square_padding != "bottom_right")
    throw Error(where + ": square_padding", "centred or bottom_right", "\"" + s.square_padding + "\"");
  if (s.resize != "tf1_bilinear") throw Error(where + ": resize", "tf1_bilinear", "\"" + s.resize + "\"");
  if (s.architecture == "face_expression_net") {
    const auto& canonical = class_names();
    const std::vector<std::string> want(canonical.begin(), canonical.end());
    if (s.class_names != want) throw Error(where + ": class_names", "the ferkit taxonomy in canonical order " + join(want), join(s.class_names));
    if (s.source_classes.size() != 7) throw Error(where + ": source_classes", "face-api's 7 expression names", join(s.source_classes));
    if (s.class_map.size() != s.source_classes.size())
      throw Error(where + ": class_map", std::to_string(s.source_classes.size()) + " canonical indices (one per source class)",
                  std::to_string(s.class_map.size()));
    std::set<int> mapped;
    for (int c : s.class_map) {
      if (c < 0 || c >= kNumClasses || !mapped.insert(c).second)
        throw Error(where + ": class_map", "distinct canonical indices 0.." + std::to_string(kNumClasses - 1), std::to_string(c));
    }
    std::vector<std::string> absent;
    for (int k = 0; k < kNumClasses; ++k)
      if (!mapped.count(k)) absent.push_back(canonical[k]);
    if (s.absent_classes != absent)
      throw Error(where + ": absent_classes", "the classes no source class maps to " + join(absent), join(s.absent_classes));
    if (!(s.absent_logit < -100) || !std::isfinite(s.absent_logit))
      throw Error(where + ": absent_logit", "a finite value below -100 (probability 0 after softmax)", std::to_string(s.absent_logit));
  }
  if (!(s.temperature > 0)) throw Error(where + ": temperature", "a positive value", std::to_string(s.temperature));
  for (const auto* list : {&s.class_temperatures, &s.abstain_thresholds}) {
    if (!list->empty() && list->size() != static_cast<size_t>(kNumClasses))
      throw Error(where + ": " + (list == &s.class_temperatures ? "class_temperatures" : "abstain_thresholds"),
                  "empty or " + std::to_string(kNumClasses) + " values", std::to_string(list->size()) + " values");
  }
  for (double t : s.class_temperatures)
    if (!(t > 0)) throw Error(where + ": class_temperatures", "positive values", std::to_string(t));
}

FaceapiSidecar read_faceapi_sidecar(const std::filesystem::path& checkpoint) {
  const auto file = checkpoint_paths(checkpoint).sidecar;
  if (!std::filesystem::exists(file)) throw Error(file.string(), "the sidecar of an imported face-api network (JSON next to the weights)", "no such file");
  const nlohmann::json j = read_json_file(file);
  if (!j.is_object()) throw Error(file.string(), "a JSON object (face-api sidecar)", j.type_name());
  FaceapiSidecar s;
  try {
    bind_options(j, s, "sidecar");
  } catch (const Error& e) {
    throw Error(file.string() + ": " + e.what());
  }
  validate_faceapi_sidecar(s, file.string());
  return s;
}

void write_faceapi_sidecar(const std::filesystem::path& checkpoint, const FaceapiSidecar& s) {
  const auto file = checkpoint_paths(checkpoint).sidecar;
  validate_faceapi_sidecar(s, file.string());
  const std::string text = to_json(s).dump(2) + "\n";
  models::write_file_atomically(file, text.data(), text.size());
}

bool is_faceapi_sidecar(const std::filesystem::path& checkpoint) {
  std::ifstream in(checkpoint_paths(checkpoint).sidecar);
  if (!in) return false;
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.value("kind", std::string()) == "faceapi";
}

}  // namespace ferkit::faceapi
