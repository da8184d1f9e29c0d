// Recipe term "proto_kd": the student's feature, compared by cosine with the frozen EEG prototype
// bank, is pulled towards the bank's prior over valence x arousal bins (docs/prior.md).
#include <sstream>

#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/options.h"
#include "ferkit/prototype_bank.h"
#include "ferkit/losses/loss_terms.h"

namespace ferkit {

torch::Tensor proto_kd_loss(const torch::Tensor& features, const torch::Tensor& prototypes, const torch::Tensor& prior,
                            double temperature) {
  FERKIT_CHECK(temperature > 0, "Proto-KD: temperature must be > 0, got " << temperature);
  FERKIT_CHECK(features.dim() == 2 && prototypes.dim() == 2 && features.size(1) == prototypes.size(1),
               "Proto-KD: features " << features.sizes() << " and prototypes " << prototypes.sizes()
                                     << " must be [B, D] and [K, D] with the same D");
  FERKIT_CHECK(prior.dim() == 1 && prior.size(0) == prototypes.size(0),
               "Proto-KD: prior " << prior.sizes() << " must have one entry per prototype (" << prototypes.size(0) << ")");
  const auto opts = torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-12);
  const torch::Tensor f = torch::nn::functional::normalize(features, opts);
  const torch::Tensor p = torch::nn::functional::normalize(prototypes.detach().to(features.dtype()), opts);
  const torch::Tensor log_q_stu = torch::log_softmax(f.matmul(p.t()) / temperature, 1);  // [B, K]
  const torch::Tensor q = prior.detach().to(features.dtype()).unsqueeze(0);             // [1, K]
  // xlogy keeps 0 log 0 = 0 for a bin with no prior mass (epsilon = 0).
  return (torch::xlogy(q, q) - q * log_q_stu).sum(1).mean();
}

namespace {

struct ProtoKdOptions {
  double weight = 0.12;       // lambda_proto
  double temperature = 0.9;   // tau of q_stu = softmax(cos / tau)
  std::string bank;           // bank.npz from `ferkit prototypes build` (verified by its SHA-256)
  template <class V>
  void visit(V& v) {
    v("weight", weight, "lambda_proto: multiplier of this term");
    v("temperature", temperature, "tau of the student's bin distribution");
    v("bank", bank, "prototype bank (.npz with its .json sidecar)");
  }
};

class ProtoKdTerm : public LossTerm {
 public:
  ProtoKdTerm(const ProtoKdOptions& o, torch::Tensor prototypes, torch::Tensor prior)
      : o_(o), prototypes_(std::move(prototypes)), prior_(std::move(prior)) {}
  std::string name() const override { return "proto_kd"; }
  void compute(const LossBatch& b, LossTerms& out) override {
    const torch::Tensor& f = b.student.features;
    out.emplace_back("proto_kd", o_.weight * proto_kd_loss(f, prototypes_.to(f.device()), prior_.to(f.device()), o_.temperature));
  }

 private:
  ProtoKdOptions o_;
  torch::Tensor prototypes_, prior_;
};

}  // namespace

std::shared_ptr<LossTerm> make_proto_kd_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup) {
  ProtoKdOptions o;
  bind_options(table, o, where);
  FERKIT_CHECK(!o.bank.empty(), where << ".bank: give the prototype bank (bank = \"runs/.../bank.npz\", from `ferkit prototypes build`)");
  FERKIT_CHECK(o.temperature > 0, where << ".temperature must be > 0, got " << o.temperature);
  FERKIT_CHECK(o.weight >= 0, where << ".weight must be >= 0, got " << o.weight);
  PrototypeBank bank = read_prototype_bank(o.bank);
  if (bank.dim != setup.feature_dim)
    throw Error(where + ".bank", "prototypes of the student's feature dimension " + std::to_string(setup.feature_dim) +
                                     " (model.feature_dim)",
                o.bank + " holds " + std::to_string(bank.dim) + "-D prototypes");
  torch::Tensor prototypes = torch::from_blob(bank.prototypes.data(), {bank.bins(), bank.dim}, torch::kFloat32).clone();
  torch::Tensor prior = torch::tensor(bank.prior, torch::kFloat64).to(torch::kFloat32);
  return std::make_shared<ProtoKdTerm>(o, prototypes, prior);
}

}  // namespace ferkit
