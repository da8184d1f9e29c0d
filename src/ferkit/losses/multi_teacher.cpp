// Recipe term "multi_teacher": distillation from several teachers.
//   pairwise: KL(sum_j w_j softmax(z_j/T) || softmax(z_s/T)) T^2   (fuse probabilities first)
//   fused:    sum_j w_j KL(softmax(z_j/T) || softmax(z_s/T)) T^2   (sum of per-teacher KL terms)
//   split:    like pairwise, but each sample is fused with per-class teacher weights W[j][label]
//             (one-hot columns assign classes, i.e. sample subsets, to single teachers)
// Teacher weights that do not sum to 1 are normalised, with a warning.
#include <cmath>
#include <numeric>

#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/options.h"
#include "ferkit/losses/loss_terms.h"

namespace ferkit {

torch::Tensor fuse_teacher_probs(const torch::Tensor& teacher_logits, const std::vector<double>& weights, double T) {
  FERKIT_CHECK(T > 0, "multi-teacher: temperature must be > 0, got " << T);
  FERKIT_CHECK(teacher_logits.dim() == 3, "multi-teacher: teacher logits must be [T, B, K], got " << teacher_logits.sizes());
  const int64_t n = teacher_logits.size(0);
  FERKIT_CHECK(n > 0, "multi-teacher: the ensemble is empty");
  FERKIT_CHECK(static_cast<int64_t>(weights.size()) == n,
               "multi-teacher: " << weights.size() << " weights for " << n << " teachers");
  double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  FERKIT_CHECK(sum > 0, "multi-teacher: teacher weights must have a positive sum");
  torch::Tensor w = torch::tensor(weights, teacher_logits.options()).view({n, 1, 1}) / sum;
  return (torch::softmax(teacher_logits.detach() / T, 2) * w).sum(0);
}

torch::Tensor fuse_teacher_probs_by_class(const torch::Tensor& teacher_logits, const torch::Tensor& class_weights,
                                          const torch::Tensor& labels, double T) {
  FERKIT_CHECK(T > 0, "multi-teacher: temperature must be > 0, got " << T);
  FERKIT_CHECK(teacher_logits.dim() == 3, "multi-teacher: teacher logits must be [T, B, K], got " << teacher_logits.sizes());
  FERKIT_CHECK(class_weights.dim() == 2 && class_weights.size(0) == teacher_logits.size(0) &&
                   class_weights.size(1) == teacher_logits.size(2),
               "multi-teacher split: class weights must be [teachers, classes] = [" << teacher_logits.size(0) << ", "
                                                                                   << teacher_logits.size(2) << "], got " << class_weights.sizes());
  torch::Tensor w = class_weights.to(teacher_logits.dtype()).index_select(1, labels.to(torch::kLong));  // [T, B]
  torch::Tensor norm = w.sum(0, true);
  FERKIT_CHECK((norm > 0).all().item<bool>(), "multi-teacher split: some class has no teacher with positive weight");
  w = (w / norm).unsqueeze(2);
  return (torch::softmax(teacher_logits.detach() / T, 2) * w).sum(0);
}

namespace {

struct MultiTeacherOptions {
  double weight = 1.0;                 // multiplier of this term
  std::string mode = "pairwise";       // pairwise | fused | split
  double temperature = 4.0;            // T (> 0)
  std::vector<double> weights;         // per-teacher weights (empty = equal)
  std::vector<std::vector<double>> class_weights;  // split: [teachers][8] per-class weights
  template <class V>
  void visit(V& v) {
    v("weight", weight, "multiplier of this term");
    v("mode", mode, "pairwise | fused | split");
    v("temperature", temperature, "softmax temperature T");
    v("weights", weights, "per-teacher weights (empty = equal)");
    v("class_weights", class_weights, "split mode: per-teacher, per-class weights");
  }
};

class MultiTeacherTerm : public LossTerm {
 public:
  MultiTeacherTerm(MultiTeacherOptions o, torch::Tensor class_weights) : o_(std::move(o)), class_weights_(std::move(class_weights)) {}
  std::string name() const override { return "multi_teacher"; }
  bool needs_teacher() const override { return true; }
  void compute(const LossBatch& b, LossTerms& out) override {
    FERKIT_CHECK(b.teacher_logits.defined(), "loss term 'multi_teacher' needs teacher logits, but the batch has none");
    const torch::Tensor& zt = b.teacher_logits;
    torch::Tensor loss;
    if (o_.mode == "pairwise") {
      loss = kd_loss_to_distribution(b.student.logits, fuse_teacher_probs(zt, o_.weights, o_.temperature), o_.temperature);
    } else if (o_.mode == "fused") {
      double sum = std::accumulate(o_.weights.begin(), o_.weights.end(), 0.0);
      for (int64_t j = 0; j < zt.size(0); ++j) {
        torch::Tensor l = (o_.weights[j] / sum) * kd_loss(b.student.logits, zt[j], o_.temperature);
        loss = loss.defined() ? loss + l : l;
      }
    } else {
      loss = kd_loss_to_distribution(b.student.logits,
                                     fuse_teacher_probs_by_class(zt, class_weights_, b.labels, o_.temperature), o_.temperature);
    }
    out.emplace_back("multi_teacher", o_.weight * loss);
  }

 private:
  MultiTeacherOptions o_;
  torch::Tensor class_weights_;
};

}  // namespace

std::shared_ptr<LossTerm> make_multi_teacher_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup) {
  MultiTeacherOptions o;
  bind_options(table, o, where);
  FERKIT_CHECK(setup.num_teachers > 0, where << ": multi_teacher needs at least one [[teacher]] (the ensemble is empty)");
  FERKIT_CHECK(o.temperature > 0, where << ".temperature must be > 0, got " << o.temperature);
  FERKIT_CHECK(o.mode == "pairwise" || o.mode == "fused" || o.mode == "split",
               where << ".mode must be pairwise, fused or split, got '" << o.mode << "'");
  if (o.weights.empty()) o.weights.assign(setup.num_teachers, 1.0 / setup.num_teachers);
  FERKIT_CHECK(static_cast<int>(o.weights.size()) == setup.num_teachers,
               where << ".weights has " << o.weights.size() << " values for " << setup.num_teachers << " teachers");
  for (double w : o.weights) FERKIT_CHECK(w >= 0, where << ".weights must be >= 0, got " << w);
  double sum = std::accumulate(o.weights.begin(), o.weights.end(), 0.0);
  FERKIT_CHECK(sum > 0, where << ".weights must not all be 0");
  if (std::abs(sum - 1.0) > 1e-6) {
    warn(where + ".weights sum to " + std::to_string(sum) + ", not 1: normalised");
    for (double& w : o.weights) w /= sum;
  }
  torch::Tensor cw;
  if (o.mode == "split") {
    FERKIT_CHECK(static_cast<int>(o.class_weights.size()) == setup.num_teachers,
                 where << ".class_weights needs one row of 8 weights per teacher (" << setup.num_teachers << "), got "
                       << o.class_weights.size() << " rows");
    std::vector<double> flat;
    for (const auto& row : o.class_weights) {
      FERKIT_CHECK(row.size() == 8, where << ".class_weights rows need 8 values, got " << row.size());
      flat.insert(flat.end(), row.begin(), row.end());
    }
    cw = torch::tensor(flat, torch::kFloat32).view({setup.num_teachers, 8});
  }
  return std::make_shared<MultiTeacherTerm>(o, cw);
}

}  // namespace ferkit
