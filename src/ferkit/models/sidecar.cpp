// Checkpoint sidecars (include/ferkit/sidecar.h): JSON next to the weights, validated on every read
// and write.
#include "ferkit/sidecar.h"

#include <fstream>
#include <sstream>

#include "ferkit/error.h"
#include "ferkit/run_dir.h"
#include "ferkit/options.h"
#include "ferkit/taxonomy.h"
#include "ferkit/models/atomic_file.h"

namespace ferkit {

std::vector<std::string> Sidecar::default_class_names() {
  const auto& names = ferkit::class_names();
  return {names.begin(), names.end()};
}

CheckpointPaths checkpoint_paths(const std::filesystem::path& checkpoint) {
  std::filesystem::path base = checkpoint;
  if (base.extension() == ".pt" || base.extension() == ".json") base.replace_extension();
  CheckpointPaths p;
  p.weights = base;
  p.weights += ".pt";
  p.sidecar = base;
  p.sidecar += ".json";
  return p;
}

nlohmann::json sidecar_to_json(const Sidecar& s) {
  nlohmann::json j = to_json(s);
  j["config"] = s.config;
  j["metrics"] = s.metrics;
  return j;
}

Sidecar sidecar_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw Error(where, "a JSON object (checkpoint sidecar)", j.type_name());
  nlohmann::json plain = j;
  Sidecar s;
  for (const char* key : {"config", "metrics"}) {
    auto it = plain.find(key);
    if (it == plain.end()) continue;
    if (!it->is_object()) throw Error(where + ": " + key, "a JSON object", it->type_name());
    (std::string(key) == "config" ? s.config : s.metrics) = *it;
    plain.erase(it);
  }
  try {
    bind_options(plain, s, "sidecar");
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
  validate_sidecar(s, where);
  return s;
}

void validate_sidecar(const Sidecar& s, const std::string& where) {
  if (s.format_version != 1) throw Error(where + ": format_version", "1", std::to_string(s.format_version));
  try {
    validate_model_spec(s.model, "model");
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
  const auto& canonical = ferkit::class_names();
  bool same = s.class_names.size() == canonical.size();
  for (size_t i = 0; same && i < canonical.size(); ++i) same = s.class_names[i] == canonical[i];
  if (!same) {
    std::string want, got;
    for (const auto& n : canonical) want += (want.empty() ? "" : ", ") + n;
    for (const auto& n : s.class_names) got += (got.empty() ? "" : ", ") + n;
    throw Error(where + ": class_names", "the ferkit taxonomy in canonical order [" + want + "]", "[" + got + "]");
  }
  if (s.model.num_classes != kNumClasses) {
    throw Error(where + ": model.num_classes", std::to_string(kNumClasses) + " (the ferkit taxonomy)",
                std::to_string(s.model.num_classes));
  }
  if (!(s.temperature > 0)) throw Error(where + ": temperature", "a positive value", std::to_string(s.temperature));
  if (!s.class_temperatures.empty() && s.class_temperatures.size() != static_cast<size_t>(kNumClasses)) {
    throw Error(where + ": class_temperatures", "empty or " + std::to_string(kNumClasses) + " values",
                std::to_string(s.class_temperatures.size()) + " values");
  }
  for (double t : s.class_temperatures) {
    if (!(t > 0)) throw Error(where + ": class_temperatures", "positive values", std::to_string(t));
  }
  if (!s.abstain_thresholds.empty() && s.abstain_thresholds.size() != static_cast<size_t>(kNumClasses)) {
    throw Error(where + ": abstain_thresholds", "empty or " + std::to_string(kNumClasses) + " values",
                std::to_string(s.abstain_thresholds.size()) + " values");
  }
}

Sidecar read_sidecar(const std::filesystem::path& checkpoint) {
  const auto file = checkpoint_paths(checkpoint).sidecar;
  if (!std::filesystem::exists(file)) throw Error(file.string(), "the checkpoint sidecar (JSON next to the weights)", "no such file");
  const nlohmann::json j = read_json_file(file);
  return sidecar_from_json(j, file.string());
}

void write_sidecar(const std::filesystem::path& checkpoint, const Sidecar& s) {
  const auto file = checkpoint_paths(checkpoint).sidecar;
  validate_sidecar(s, file.string());
  const std::string text = sidecar_to_json(s).dump(2) + "\n";
  models::write_file_atomically(file, text.data(), text.size());
}

void update_sidecar(const std::filesystem::path& checkpoint, const std::function<void(Sidecar&)>& edit) {
  Sidecar s = read_sidecar(checkpoint);
  edit(s);
  write_sidecar(checkpoint, s);
}

}  // namespace ferkit
