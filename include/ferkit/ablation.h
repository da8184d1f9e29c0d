// `ferkit ablate`: named loss recipes (B0 CE, B1 +KD, B2 +Proto-KD, B3 +D-Geo, ...) trained with the
// same backbone, data and seeds, then one table.
//
//   # configs/ablation_kd.toml
//   name = "kd"                       # runs go to <out>/<arm>-s<seed>
//   base = "mobilenetv3_small.toml"   # the common recipe (relative to this file)
//   seeds = [0, 1]
//   overrides = ["epochs=20"]         # applied to every arm
//   [[arm]]
//   name = "B0"
//   label = "CE"
//   [[arm.loss]]
//   name = "ce"
//   [[arm]]
//   name = "B1"
//   label = "+KD"
//   teacher = [{ logits = "runs/teacher/train_logits.npz" }]
//   loss = [{ name = "ce", weight = 0.5 }, { name = "kd", weight = 0.5, temperature = 4.0 }]
//
//   ferkit::AblationResult r = ferkit::run_ablation(ferkit::read_ablation("configs/ablation_kd.toml"));
//
// An arm replaces the base recipe's [[loss]] (and [[teacher]] when it gives one) and may add its
// own overrides. A run whose directory already holds metrics.json is reused, an interrupted one is
// resumed, so an ablation can be stopped and restarted. Every run writes its own fingerprint.json;
// the ablation writes summary.json, table.md and table.tex (mean ± std over seeds, and the 95%
// bootstrap interval when there is a single seed).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferkit {

struct AblationArm {
  std::string name;                  // short id (B0, B1, ...): run directories and table rows
  std::string label;                 // what it adds ("+KD")
  nlohmann::json loss;               // [[loss]] tables (replace the base recipe's)
  nlohmann::json teacher;            // [[teacher]] tables (null = keep the base recipe's)
  std::vector<std::string> overrides;  // key=value applied after the ablation's own
};

struct AblationSpec {
  std::string name = "ablation";
  std::filesystem::path base;        // the common recipe
  std::vector<int64_t> seeds = {0};
  std::vector<std::string> overrides;  // applied to every arm
  std::filesystem::path out;         // default runs/ablation-<name>
  std::vector<AblationArm> arms;
};

AblationSpec read_ablation(const std::filesystem::path& file, const std::vector<std::string>& extra_overrides = {});

struct AblationResult {
  std::filesystem::path dir;
  nlohmann::json summary;  // per arm: runs, mean/std of the metrics
};

// dry_run: resolve and write every run's recipe (config.json) without training.
AblationResult run_ablation(const AblationSpec& spec, bool dry_run = false);

}  // namespace ferkit
