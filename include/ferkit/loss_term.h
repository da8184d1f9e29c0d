// Loss terms: each one a small named thing, composed by the recipe.
//
// A term sees the batch (student outputs, targets, optional teacher outputs) and the schedule
// position, and returns one or more *named* weighted tensors. The trainer sums them and logs every
// name; it never knows which method it runs.
//
//   ferkit::CompositeLoss loss = ferkit::build_loss(recipe["loss"]);  // [[loss]] tables, in order
//   ferkit::LossTerms terms = loss.forward(batch);   // {"ce": ..., "kd": ...}
//   torch::Tensor total = ferkit::sum_terms(terms);
//
// Adding a term = one file under src/ferkit/losses/ + one registration line in loss_registry.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "ferkit/model.h"

namespace ferkit {

struct LossBatch {
  ModelOutput student;            // features [B, D] (unit norm) and logits [B, K]
  torch::Tensor targets;          // [B, K] soft target distribution
  torch::Tensor labels;           // [B] int64 hard labels
  torch::Tensor indices;          // [B] int64 dataset indices (for per-sample side data)
  torch::Tensor votes;            // [B, 10] raw FERPlus votes, or undefined
  torch::Tensor teacher_logits;   // [T, B, K] from T teachers, or undefined
  int epoch = 0;                  // 0-based
  int num_epochs = 1;
  int64_t step = 0;               // global optimisation step
  double epoch_fraction = 0.0;    // position inside the epoch, [0, 1)
};

// Named, already weighted loss tensors (scalar each).
using LossTerms = std::vector<std::pair<std::string, torch::Tensor>>;
torch::Tensor sum_terms(const LossTerms& terms);

class LossTerm {
 public:
  virtual ~LossTerm() = default;
  virtual std::string name() const = 0;
  // Adds this term's named, weighted tensors to out.
  virtual void compute(const LossBatch& batch, LossTerms& out) = 0;
  // True when the term needs teacher_logits in the batch.
  virtual bool needs_teacher() const { return false; }
  virtual bool needs_votes() const { return false; }
};

class CompositeLoss {
 public:
  void add(std::shared_ptr<LossTerm> term) { terms_.push_back(std::move(term)); }
  LossTerms forward(const LossBatch& batch);
  bool needs_teacher() const;
  bool needs_votes() const;
  const std::vector<std::shared_ptr<LossTerm>>& terms() const { return terms_; }

 private:
  std::vector<std::shared_ptr<LossTerm>> terms_;
};

// What terms may need to know about the training set when they are built.
struct LossSetup {
  std::array<int64_t, 8> class_counts{};  // hard-label counts of the training set
  int num_epochs = 1;
  int feature_dim = 256;
  int num_teachers = 0;                   // teacher logit sets the trainer will provide
  std::string head = "linear";            // the student's classifier head (linear | cosine)
  double cosine_scale = 30.0;             // s of a cosine head
  int64_t seed = 0;                       // the recipe seed (terms that draw derive their generators from it)
};

// Factory: a term built from its recipe table ({"name": "kd", "weight": 0.5, "temperature": 4, ...}).
// Unknown keys are errors that suggest the nearest field.
using LossFactory = std::function<std::shared_ptr<LossTerm>(const nlohmann::json& table, const std::string& where,
                                                            const LossSetup& setup)>;
std::vector<std::string> loss_names();
// Builds the loss from an array of tables (each with a "name" from loss_names()); the registry is
// the table in src/ferkit/losses/loss_registry.cpp. An empty array is an error.
CompositeLoss build_loss(const nlohmann::json& tables, const LossSetup& setup, const std::string& where = "loss");

}  // namespace ferkit
