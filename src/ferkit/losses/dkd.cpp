// Recipe term "dkd": Decoupled Knowledge Distillation (TCKD + NCKD, each x T^2), with a linear
// warm-up of the whole term over the first epochs.
#include <algorithm>

#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/options.h"
#include "ferkit/losses/loss_terms.h"
#include "ferkit/losses/teacher_selection.h"

namespace ferkit {

DkdParts dkd_loss(const torch::Tensor& zs, const torch::Tensor& zt_in, const torch::Tensor& labels, double T) {
  FERKIT_CHECK(T > 0, "DKD: temperature must be > 0, got " << T);
  FERKIT_CHECK(zs.sizes() == zt_in.sizes(), "DKD: student logits " << zs.sizes() << " and teacher " << zt_in.sizes() << " differ");
  torch::Tensor zt = zt_in.detach().to(zs.dtype());
  const int64_t k = zs.size(1);
  torch::Tensor gt = torch::one_hot(labels.to(torch::kLong), k).to(zs.dtype());
  torch::Tensor ps = torch::softmax(zs / T, 1), pt = torch::softmax(zt / T, 1);
  // Binary split: (p_target, 1 - p_target).
  auto binary = [&](const torch::Tensor& p) {
    torch::Tensor target = (p * gt).sum(1, true);
    return torch::cat({target, (p * (1 - gt)).sum(1, true)}, 1);
  };
  torch::Tensor bs = binary(ps).clamp_min(1e-12), bt = binary(pt);
  torch::Tensor tckd = (torch::xlogy(bt, bt) - bt * bs.log()).sum(1).mean() * T * T;
  // Non-target distribution: the target logit pushed to -inf (a large negative) before softmax.
  torch::Tensor mask = gt * 1000.0;
  torch::Tensor log_ps_nt = torch::log_softmax(zs / T - mask, 1);
  torch::Tensor pt_nt = torch::softmax(zt / T - mask, 1);
  torch::Tensor nckd = (torch::xlogy(pt_nt, pt_nt) - pt_nt * log_ps_nt).sum(1).mean() * T * T;
  return {tckd, nckd};
}

namespace {

struct DkdOptions {
  double weight = 1.0;        // overall multiplier
  double alpha = 1.0;         // TCKD weight
  double beta = 8.0;          // NCKD weight
  double temperature = 4.0;   // T (> 0)
  double warmup_epochs = 20;  // linear warm-up of the KD weight from 0 (0 = none)
  int teacher = 0;            // index of the teacher
  template <class V>
  void visit(V& v) {
    v("weight", weight, "overall multiplier");
    v("alpha", alpha, "TCKD weight");
    v("beta", beta, "NCKD weight");
    v("temperature", temperature, "softmax temperature T");
    v("warmup_epochs", warmup_epochs, "linear warm-up length in epochs (0 = none)");
    v("teacher", teacher, "index of the teacher");
  }
};

class DkdTerm : public LossTerm {
 public:
  explicit DkdTerm(const DkdOptions& o) : o_(o) {}
  std::string name() const override { return "dkd"; }
  bool needs_teacher() const override { return true; }
  void compute(const LossBatch& b, LossTerms& out) override {
    torch::Tensor zt = select_teacher(b, o_.teacher, "dkd");
    DkdParts p = dkd_loss(b.student.logits, zt, b.labels, o_.temperature);
    double progress = b.epoch + b.epoch_fraction;
    double ramp = o_.warmup_epochs > 0 ? std::min(1.0, progress / o_.warmup_epochs) : 1.0;
    out.emplace_back("dkd_tckd", o_.weight * ramp * o_.alpha * p.tckd);
    out.emplace_back("dkd_nckd", o_.weight * ramp * o_.beta * p.nckd);
  }

 private:
  DkdOptions o_;
};

}  // namespace

std::shared_ptr<LossTerm> make_dkd_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup) {
  DkdOptions o;
  bind_options(table, o, where);
  FERKIT_CHECK(o.temperature > 0, where << ".temperature must be > 0, got " << o.temperature);
  FERKIT_CHECK(o.alpha >= 0 && o.beta >= 0, where << ": alpha and beta must be >= 0");
  require_teacher_index(o.teacher, setup, where);
  return std::make_shared<DkdTerm>(o);
}

}  // namespace ferkit
