// Teachers for distillation: exporting per-sample logits bound to a dataset, and weighted
// ensembles of several teachers.
//
//   ferkit::TeacherExportOptions e;  e.models = {"runs/t1/best.pt"};  e.data = {...train...};
//   ferkit::export_teacher_logits(e, "runs/t1/train_logits.npz");     // bound to the manifest
//
//   ferkit::EnsembleSearchOptions s;  s.models = {"runs/t1/best.pt", "runs/t2/best.pt"};  s.data = valid;
//   ferkit::EnsembleRecipe r = ferkit::search_ensemble(s);             // weights + temperatures
//   ferkit::write_ensemble_recipe("runs/ens.json", r);
//   // an ensemble recipe is usable wherever a teacher checkpoint is: export it as one teacher
//   e.models = {"runs/ens.json"};  ferkit::export_teacher_logits(e, "runs/ens_train_logits.npz");
//
// Fused ensemble logits are log(sum_j w_j softmax(z_j / T_j)): their softmax is the fused
// distribution, so KD at temperature 1 distils exactly the ensemble.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/class_matrix.h"
#include "ferkit/readers.h"

namespace ferkit {

struct EnsembleMember {
  std::string model;            // checkpoint or .onnx
  std::string backend = "auto";
  double weight = 1.0;          // normalised to sum to 1
  double temperature = 1.0;     // applied to this member's logits before fusion
};

struct EnsembleRecipe {
  std::vector<EnsembleMember> members;
  std::string objective;        // what the search maximised ("macro_f1" or "nll")
  nlohmann::json validation;    // ensemble and single-teacher validation figures
};

void write_ensemble_recipe(const std::filesystem::path& file, const EnsembleRecipe& r);
// Errors: an empty ensemble, a weight < 0, all weights 0, T <= 0. Weights that do not sum to 1 are
// normalised with a warning.
EnsembleRecipe read_ensemble_recipe(const std::filesystem::path& file);

// log(sum_j w_j softmax(z_j / T_j)) row by row; members' logits in the same row order.
LogitMatrix fuse_ensemble_logits(const std::vector<LogitMatrix>& member_logits, const std::vector<EnsembleMember>& members);

// Logits of one model or ensemble recipe (.json of write_ensemble_recipe) over a dataset.
LogitMatrix teacher_logits(const std::filesystem::path& model, const std::string& backend, const Dataset& data, int threads);

struct TeacherExportOptions {
  std::string model;            // checkpoint, .onnx or ensemble recipe (.json with "members")
  std::string backend = "auto";
  ReadOptions data;             // the data the student will train on (same reader options!)
  int64_t limit = 0;            // the student's data.limit_train, if it uses one (same seed)
  int64_t seed = 0;             // the student's seed (for limit)
  int threads = 2;
};
// Writes a side file (kind "teacher_logits", 8 columns) bound to the dataset's manifest; returns
// the number of rows.
int64_t export_teacher_logits(const TeacherExportOptions& o, const std::filesystem::path& out);

struct EnsembleSearchOptions {
  std::vector<std::string> models;  // 1..6 members
  std::string backend = "auto";
  ReadOptions data;                 // validation data
  std::string objective = "macro_f1";  // macro_f1 (ties broken by NLL) | nll
  double weight_step = 0.1;         // simplex grid step of the weights
  std::vector<double> temperatures = {0.5, 1.0, 1.5, 2.0, 3.0};  // per-member temperature grid
  int threads = 2;
};
EnsembleRecipe search_ensemble(const EnsembleSearchOptions& o);

}  // namespace ferkit
