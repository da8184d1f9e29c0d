// The checkpoint sidecar: everything needed to use a model's weights, stored as JSON next to them
// (<name>.pt + <name>.json). No torch here: calibration, reports and the CLI read and update it
// without building the model. ferkit/checkpoint.h saves and loads the pair.
//
//   ferkit::Sidecar s = ferkit::read_sidecar("runs/b0/best.pt");        // reads runs/b0/best.json
//   s.model.architecture;  s.temperature;  s.metrics["valid"]["accuracy"];
//   ferkit::update_sidecar("runs/b0/best.pt", [&](ferkit::Sidecar& s) { s.temperature = 1.37; });
//
// Contract: a sidecar is valid when its architecture is registered, its ModelSpec passes
// validate_model_spec, its class names are the ferkit taxonomy in canonical order, temperatures are
// positive and the per-class lists are empty or hold one value per class. Reading an invalid or
// incomplete sidecar throws ferkit::Error naming the file and the field; unknown keys are errors
// that suggest the nearest field. Writes are atomic (temporary file renamed into place) and
// update_sidecar never touches the weights.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/model_spec.h"

namespace ferkit {

struct Sidecar {
  int format_version = 1;                   // sidecar layout version
  ModelSpec model;                          // architecture, input size/channels, normalisation, head
  std::vector<std::string> class_names = default_class_names();  // the ferkit taxonomy, canonical order
  double temperature = 1.0;                 // global softmax temperature (1 until calibrated)
  std::vector<double> class_temperatures;   // per-class temperatures (empty = unused)
  std::vector<double> abstain_thresholds;   // per-class confidence thresholds (empty = none)
  std::string dataset_fingerprint;          // manifest fingerprint of the training data
  std::string git_commit;                   // ferkit::git_commit() of the build that trained it
  std::string created;                      // creation time, ISO 8601 UTC (set by save_checkpoint)
  std::string weights_sha256;               // SHA-256 of <name>.pt (set by save_checkpoint)
  nlohmann::json config = nlohmann::json::object();   // the resolved training config
  nlohmann::json metrics = nlohmann::json::object();  // free-form results (accuracy, ECE, ...)

  // The plain fields; config and metrics are free-form JSON and are handled by sidecar_to_json /
  // sidecar_from_json.
  template <class V>
  void visit(V& v) {
    v("format_version", format_version, "sidecar layout version");
    v("model", model, "model specification");
    v("class_names", class_names, "class names in canonical order");
    v("temperature", temperature, "global softmax temperature");
    v("class_temperatures", class_temperatures, "per-class temperatures (empty = unused)");
    v("abstain_thresholds", abstain_thresholds, "per-class abstention thresholds (empty = none)");
    v("dataset_fingerprint", dataset_fingerprint, "training data fingerprint");
    v("git_commit", git_commit, "ferkit commit that wrote the checkpoint");
    v("created", created, "creation time (ISO 8601 UTC)");
    v("weights_sha256", weights_sha256, "SHA-256 of the weights file");
  }
  static std::vector<std::string> default_class_names();
};

// <name>.pt and <name>.json for a checkpoint path given as "<name>", "<name>.pt" or "<name>.json".
struct CheckpointPaths {
  std::filesystem::path weights, sidecar;
};
CheckpointPaths checkpoint_paths(const std::filesystem::path& checkpoint);

nlohmann::json sidecar_to_json(const Sidecar& s);
// where: the file name used in error messages.
Sidecar sidecar_from_json(const nlohmann::json& j, const std::string& where);
// Throws ferkit::Error (prefixed by where) when the sidecar breaks the contract above.
void validate_sidecar(const Sidecar& s, const std::string& where);

// Reads and validates <name>.json; an absent file is an Error naming it.
Sidecar read_sidecar(const std::filesystem::path& checkpoint);
// Validates and atomically (re)writes <name>.json only.
void write_sidecar(const std::filesystem::path& checkpoint, const Sidecar& s);
// read_sidecar, edit, write_sidecar: how calibration records temperatures and thresholds.
void update_sidecar(const std::filesystem::path& checkpoint, const std::function<void(Sidecar&)>& edit);

}  // namespace ferkit
