// `ferkit eval`: a model on a dataset, in any reader's format, written as metrics.json,
// predictions.csv and pictures.
//
//   ferkit::EvalOptions o;
//   o.model = "models/default.pt";  o.data.format = "ferplus";  o.data.path = "../shared/data/ferplus";
//   o.data.split = "valid";  o.out = "runs/eval-valid";
//   nlohmann::json metrics = ferkit::evaluate_model(o);
//
// Cross-dataset evaluation just works: every reader maps its labels to the 8-class taxonomy, and
// present-only metrics average over the classes the data actually has. Probabilities use the
// temperature stored in the model's sidecar (1 until `ferkit calibrate`).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/metrics.h"
#include "ferkit/readers.h"

namespace ferkit {

struct EvalOptions {
  std::filesystem::path model;        // checkpoint (.pt + .json) or .onnx
  std::string backend = "auto";       // classifier backend (ferkit/classifier.h)
  ReadOptions data;                   // format, path, split, label mode
  std::filesystem::path out;          // output directory ("" = write nothing)
  int threads = 2;                    // decode and torch threads
  bool flip_tta = false;              // average with the mirrored image
  bool calibrated = true;             // apply the sidecar's temperature
  EvaluationOptions metrics;          // minority classes, ECE bins, bootstrap
};

// Returns metrics.json (the schema of ferkit/metrics.h plus "backend", "tta", "temperature").
nlohmann::json evaluate_model(const EvalOptions& options);

// `ferkit eval --seeds DIR...`: mean and std over the metrics.json of several run directories.
nlohmann::json aggregate_run_dirs(const std::vector<std::filesystem::path>& run_dirs);

}  // namespace ferkit
