// What the trainer writes into its run directory, and how a resume reads it back (internal).
#pragma once

#include <torch/types.h>

#include <nlohmann/json.hpp>

#include "ferkit/dataset.h"
#include "ferkit/model.h"
#include "ferkit/run_dir.h"
#include "ferkit/train_options.h"

namespace torch::optim { class Optimizer; }

namespace ferkit {

class WeightEma;

struct TrainState {
  int next_epoch = 0;       // first epoch still to run (0-based)
  int64_t step = 0;         // optimiser steps taken
  int best_epoch = -1;      // 1-based, -1 before the first validation
  double best_metric = 0;
};

class RunOutputs {
 public:
  RunOutputs(RunDir run, const TrainOptions& options, std::string train_fingerprint);
  // Appends one epoch row to metrics.jsonl and metrics.csv.
  void log_epoch(const nlohmann::json& row);
  // best.pt + best.json (sidecar with the epoch's validation metrics).
  void save_best(FerNet& net, const nlohmann::json& row);
  // last.pt + last.json, last_optimizer.pt, last_ema.pt, train_state.json — all a resume needs.
  void save_last(FerNet& net, torch::optim::Optimizer& opt, WeightEma* ema, const TrainState& state);
  // Optimiser and EMA states are loaded onto device (where the net trains).
  TrainState restore(FerNet& net, torch::optim::Optimizer& opt, WeightEma* ema, torch::Device device = torch::kCPU);
  // Evaluates best.pt on valid: metrics.json (with bootstrap intervals), predictions.csv and the
  // pictures (confusion matrices, reliability diagram, training curves). Returns metrics.json.
  nlohmann::json final_evaluation(const Dataset& valid, const std::string& valid_fingerprint);

 private:
  RunDir run_;
  TrainOptions options_;
  std::string train_fingerprint_;
};

}  // namespace ferkit
