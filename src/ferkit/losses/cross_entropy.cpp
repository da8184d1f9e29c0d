// Recipe term "ce": cross-entropy on soft targets with label smoothing, class weights and optional
// logit adjustment.
#include <cmath>

#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/options.h"
#include "ferkit/losses/loss_terms.h"

namespace ferkit {

torch::Tensor soft_cross_entropy(const torch::Tensor& logits, const torch::Tensor& targets, double smoothing,
                                 const torch::Tensor& class_weights) {
  FERKIT_CHECK(logits.dim() == 2 && targets.sizes() == logits.sizes(),
               "cross-entropy: logits " << logits.sizes() << " and targets " << targets.sizes() << " must both be [B, K]");
  FERKIT_CHECK(smoothing >= 0 && smoothing < 1, "cross-entropy: label smoothing must be in [0, 1), got " << smoothing);
  const int64_t k = logits.size(1);
  torch::Tensor t = targets.to(logits.dtype());
  if (smoothing > 0) t = t * (1.0 - smoothing) + smoothing / static_cast<double>(k);
  torch::Tensor logp = torch::log_softmax(logits, 1);
  torch::Tensor per = t * logp;
  if (class_weights.defined()) {
    FERKIT_CHECK(class_weights.numel() == k, "cross-entropy: " << class_weights.numel() << " class weights for " << k << " classes");
    per = per * class_weights.to(logits.dtype()).view({1, k});
  }
  return -per.sum(1).mean();
}

torch::Tensor logit_adjusted_logits(const torch::Tensor& logits, const std::array<int64_t, 8>& counts, double tau) {
  std::vector<double> log_prior(counts.size());
  double total = 0;
  for (auto c : counts) total += static_cast<double>(c);
  FERKIT_CHECK(total > 0, "logit adjustment needs class counts from a non-empty training set");
  // An absent class gets the prior of a single sample, so the adjustment stays finite.
  for (size_t i = 0; i < counts.size(); ++i) log_prior[i] = std::log(std::max<double>(1.0, static_cast<double>(counts[i])) / total);
  return logits + tau * torch::tensor(log_prior, logits.options()).view({1, -1});
}

namespace {

struct CrossEntropyOptions {
  double weight = 1.0;              // multiplier of this term
  double label_smoothing = 0.055;   // alpha: targets become (1 - alpha) t + alpha / K
  std::string class_weights = "none";  // none | inverse_frequency | effective_number
  double beta = 0.999;              // effective-number beta
  double logit_adjustment = 0.0;    // tau of logit adjustment (0 = off)
  template <class V>
  void visit(V& v) {
    v("weight", weight, "multiplier of this term");
    v("label_smoothing", label_smoothing, "label smoothing alpha");
    v("class_weights", class_weights, "none | inverse_frequency | effective_number");
    v("beta", beta, "effective-number beta");
    v("logit_adjustment", logit_adjustment, "logit adjustment tau (0 = off)");
  }
};

class CrossEntropyTerm : public LossTerm {
 public:
  CrossEntropyTerm(const CrossEntropyOptions& o, const LossSetup& setup)
      : o_(o), counts_(setup.class_counts), weights_(class_weight_tensor(o.class_weights, setup.class_counts, o.beta)) {
    if (o.class_weights == "none") weights_ = torch::Tensor();
  }
  std::string name() const override { return "ce"; }
  void compute(const LossBatch& b, LossTerms& out) override {
    torch::Tensor z = b.student.logits;
    if (o_.logit_adjustment != 0) z = logit_adjusted_logits(z, counts_, o_.logit_adjustment);
    out.emplace_back("ce", o_.weight * soft_cross_entropy(z, b.targets, o_.label_smoothing, weights_));
  }

 private:
  CrossEntropyOptions o_;
  std::array<int64_t, 8> counts_;
  torch::Tensor weights_;
};

}  // namespace

std::shared_ptr<LossTerm> make_cross_entropy_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup) {
  CrossEntropyOptions o;
  bind_options(table, o, where);
  FERKIT_CHECK(o.weight >= 0, where << ".weight must be >= 0, got " << o.weight);
  return std::make_shared<CrossEntropyTerm>(o, setup);
}

}  // namespace ferkit
