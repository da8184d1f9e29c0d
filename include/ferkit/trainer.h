// `ferkit train`: one recipe in, one run directory out.
//
//   ferkit::Recipe r = ferkit::load_recipe("configs/mobilenetv3_small.toml", {"epochs=5"});
//   ferkit::TrainResult res = ferkit::train_model(r);
//   res.run_dir;   // config.json, fingerprint.json, dataset.json, metrics.jsonl/.csv,
//                  // best.pt/.json, last.pt/.json (+ optimiser state), metrics.json, predictions.csv
//
// The run directory holds the resolved recipe (config.json), the dataset fingerprints and every
// switch that changes the result (fingerprint.json), the git commit (run.json), per-epoch metrics
// as JSON lines and CSV, the best checkpoint by validation macro-F1 (or accuracy) and the last
// one. Resuming (TrainControl::resume) continues from the last checkpoint and gives the same
// metrics as an uninterrupted run: the data order, augmentation and dropout of an epoch depend
// only on (seed, epoch), and the optimiser and EMA states are restored.
//
// Data-parallel (TrainControl::distributed, `ferkit train --nproc N`): every rank joins a c10d
// process group, takes its part of each global batch and averages gradients before the step;
// rank 0 validates and writes the run directory while the others wait (docs/distributed.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/distributed.h"
#include "ferkit/train_options.h"

namespace ferkit {

struct Recipe {
  TrainOptions train;
  nlohmann::json loss = nlohmann::json::array();  // [[loss]] tables, in order
  std::vector<TeacherOptions> teachers;           // [[teacher]] tables, in order
  // Everything as one JSON object (what config.json records and what resumes compare).
  nlohmann::json resolved() const;
};

// Reads a TOML recipe and applies "key=value" overrides ("schedule.lr=1e-3", "epochs=5").
// Unknown keys are errors that suggest the nearest field. A recipe without [[loss]] gets
// [[loss]] name = "ce" (cross-entropy with the default label smoothing).
Recipe load_recipe(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
Recipe recipe_from_json(nlohmann::json config, const std::string& where);

struct TrainControl {
  bool resume = false;          // continue the run in the run directory from last.pt
  int stop_after_epochs = 0;    // > 0: stop after this many epochs in this call (tests, time boxes)
  std::string command;          // invoking command line, recorded in run.json
  // Data-parallel rank (world_size > 1): loader.batch_size is per rank, the global batch is
  // world_size times larger; only rank 0 writes the run directory (docs/distributed.md).
  DistributedOptions distributed;
};

struct TrainResult {
  std::filesystem::path run_dir;
  int best_epoch = -1;           // 1-based
  double best_metric = 0;        // select_metric of the best epoch
  nlohmann::json final_metrics;  // metrics.json of the best checkpoint on the validation set
  bool finished = false;         // false when stopped early by stop_after_epochs
};

TrainResult train_model(const Recipe& recipe, const TrainControl& control = {});

// A seeded, class-stratified subset of about n samples (each class keeps its share, at least one
// sample per present class), in dataset order. Returns the dataset unchanged when n <= 0 or n >= size.
Dataset stratified_subset(const Dataset& d, int64_t n, int64_t seed);

}  // namespace ferkit
