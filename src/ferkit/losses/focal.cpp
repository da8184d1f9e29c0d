// Recipe term "focal": focal loss on soft targets (Lin et al. 2017, softmax form).
#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/options.h"
#include "ferkit/losses/loss_terms.h"

namespace ferkit {

torch::Tensor focal_loss(const torch::Tensor& logits, const torch::Tensor& targets, double gamma,
                         const torch::Tensor& class_weights) {
  FERKIT_CHECK(gamma >= 0, "focal loss: gamma must be >= 0, got " << gamma);
  FERKIT_CHECK(logits.dim() == 2 && targets.sizes() == logits.sizes(),
               "focal loss: logits " << logits.sizes() << " and targets " << targets.sizes() << " must both be [B, K]");
  torch::Tensor logp = torch::log_softmax(logits, 1);
  torch::Tensor per = targets.to(logits.dtype()) * torch::pow(1.0 - logp.exp(), gamma) * logp;
  if (class_weights.defined()) per = per * class_weights.to(logits.dtype()).view({1, -1});
  return -per.sum(1).mean();
}

namespace {

struct FocalOptions {
  double weight = 1.0;                 // multiplier of this term
  double gamma = 2.0;                  // focusing parameter (0 = cross-entropy)
  std::string class_weights = "none";  // none | inverse_frequency | effective_number
  double beta = 0.999;                 // effective-number beta
  template <class V>
  void visit(V& v) {
    v("weight", weight, "multiplier of this term");
    v("gamma", gamma, "focusing parameter");
    v("class_weights", class_weights, "none | inverse_frequency | effective_number");
    v("beta", beta, "effective-number beta");
  }
};

class FocalTerm : public LossTerm {
 public:
  FocalTerm(const FocalOptions& o, const LossSetup& s) : o_(o) {
    if (o.class_weights != "none") weights_ = class_weight_tensor(o.class_weights, s.class_counts, o.beta);
  }
  std::string name() const override { return "focal"; }
  void compute(const LossBatch& b, LossTerms& out) override {
    out.emplace_back("focal", o_.weight * focal_loss(b.student.logits, b.targets, o_.gamma, weights_));
  }

 private:
  FocalOptions o_;
  torch::Tensor weights_;
};

}  // namespace

std::shared_ptr<LossTerm> make_focal_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup) {
  FocalOptions o;
  bind_options(table, o, where);
  return std::make_shared<FocalTerm>(o, setup);
}

}  // namespace ferkit
