// Recipe terms "kd" (soft-target KL at temperature T, times T^2) and "kd_mse" (MSE on logits).
#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/options.h"
#include "ferkit/losses/loss_terms.h"
#include "ferkit/losses/teacher_selection.h"

namespace ferkit {

torch::Tensor kd_loss_to_distribution(const torch::Tensor& student_logits, const torch::Tensor& teacher_probs,
                                      double temperature) {
  FERKIT_CHECK(temperature > 0, "KD: temperature must be > 0, got " << temperature);
  FERKIT_CHECK(student_logits.sizes() == teacher_probs.sizes(),
               "KD: student logits " << student_logits.sizes() << " and teacher " << teacher_probs.sizes() << " differ in shape");
  torch::Tensor log_ps = torch::log_softmax(student_logits / temperature, 1);
  torch::Tensor pt = teacher_probs.to(student_logits.dtype());
  // xlogy keeps 0 * log 0 = 0 for classes the teacher gives no mass.
  torch::Tensor kl = (torch::xlogy(pt, pt) - pt * log_ps).sum(1);
  return kl.mean() * temperature * temperature;
}

torch::Tensor kd_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits, double temperature) {
  FERKIT_CHECK(temperature > 0, "KD: temperature must be > 0, got " << temperature);
  return kd_loss_to_distribution(student_logits, torch::softmax(teacher_logits.detach() / temperature, 1), temperature);
}

torch::Tensor kd_mse_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits) {
  FERKIT_CHECK(student_logits.sizes() == teacher_logits.sizes(),
               "KD-MSE: student logits " << student_logits.sizes() << " and teacher " << teacher_logits.sizes() << " differ in shape");
  return (student_logits - teacher_logits.detach()).pow(2).mean();
}

namespace {

struct KdOptions {
  double weight = 1.0;        // alpha: multiplier of this term (pair with ce weight 1 - alpha)
  double temperature = 4.0;   // softmax temperature T (> 0)
  int teacher = 0;            // which teacher's logits (index into the recipe's teachers)
  template <class V>
  void visit(V& v) {
    v("weight", weight, "multiplier of this term");
    v("temperature", temperature, "softmax temperature T");
    v("teacher", teacher, "index of the teacher to distil from");
  }
};

class KdTerm : public LossTerm {
 public:
  KdTerm(const KdOptions& o, bool mse) : o_(o), mse_(mse) {}
  std::string name() const override { return mse_ ? "kd_mse" : "kd"; }
  bool needs_teacher() const override { return true; }
  void compute(const LossBatch& b, LossTerms& out) override {
    torch::Tensor zt = select_teacher(b, o_.teacher, name());
    out.emplace_back(name(), o_.weight * (mse_ ? kd_mse_loss(b.student.logits, zt)
                                                : kd_loss(b.student.logits, zt, o_.temperature)));
  }

 private:
  KdOptions o_;
  bool mse_;
};

std::shared_ptr<LossTerm> make(const nlohmann::json& table, const std::string& where, const LossSetup& setup, bool mse) {
  KdOptions o;
  bind_options(table, o, where);
  FERKIT_CHECK(o.temperature > 0, where << ".temperature must be > 0, got " << o.temperature);
  FERKIT_CHECK(o.weight >= 0, where << ".weight must be >= 0, got " << o.weight);
  require_teacher_index(o.teacher, setup, where);
  return std::make_shared<KdTerm>(o, mse);
}

}  // namespace

std::shared_ptr<LossTerm> make_kd_term(const nlohmann::json& t, const std::string& w, const LossSetup& s) { return make(t, w, s, false); }
std::shared_ptr<LossTerm> make_kd_mse_term(const nlohmann::json& t, const std::string& w, const LossSetup& s) { return make(t, w, s, true); }

}  // namespace ferkit
