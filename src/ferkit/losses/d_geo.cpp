// Recipe term "d_geo": batch geometry of the student's features — a cap on the spread of the
// high-arousal, clearly-expressed classes and a margin between class means — ramped in with a
// cosine between two epochs (docs/prior.md).
#include <cmath>

#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/options.h"
#include "ferkit/taxonomy.h"
#include "ferkit/losses/loss_terms.h"

namespace ferkit {

double d_geo_ramp(double progress, double start, double end) {
  if (end <= start) return progress >= start ? 1.0 : 0.0;
  if (progress <= start) return 0.0;
  if (progress >= end) return 1.0;
  return 0.5 * (1.0 - std::cos(M_PI * (progress - start) / (end - start)));
}

DGeoParts d_geo_loss(const torch::Tensor& features, const torch::Tensor& labels, const std::vector<int>& variance_classes,
                     double variance_max, double margin, int num_classes) {
  FERKIT_CHECK(features.dim() == 2 && labels.dim() == 1 && labels.size(0) == features.size(0),
               "D-Geo: features " << features.sizes() << " and labels " << labels.sizes() << " must be [B, D] and [B]");
  const torch::Tensor y = labels.to(torch::kLong);
  DGeoParts parts;
  // Start from the features so a batch with nothing to penalise still yields a (zero) graph.
  parts.variance = (features * 0).sum();
  parts.margin = (features * 0).sum();
  std::vector<torch::Tensor> means;
  std::vector<int> present;
  std::vector<torch::Tensor> members(static_cast<size_t>(num_classes));
  for (int c = 0; c < num_classes; ++c) {
    const torch::Tensor idx = (y == c).nonzero().squeeze(1);
    if (idx.numel() == 0) continue;
    members[static_cast<size_t>(c)] = features.index_select(0, idx);
    means.push_back(members[static_cast<size_t>(c)].mean(0));
    present.push_back(c);
  }
  parts.classes_present = static_cast<int>(present.size());
  for (int c : variance_classes) {
    FERKIT_CHECK(c >= 0 && c < num_classes, "D-Geo: variance class " << c << " is outside 0.." << num_classes - 1);
    const torch::Tensor& fc = members[static_cast<size_t>(c)];
    if (!fc.defined() || fc.size(0) < 2) continue;
    const torch::Tensor sigma2 = (fc - fc.mean(0)).pow(2).sum(1).mean();
    parts.variance = parts.variance + torch::relu(sigma2 - variance_max);
    ++parts.variance_classes_used;
  }
  for (size_t i = 0; i < means.size(); ++i)
    for (size_t j = i + 1; j < means.size(); ++j) {
      const torch::Tensor d = torch::sqrt((means[i] - means[j]).pow(2).sum() + 1e-12);
      parts.margin = parts.margin + torch::relu(margin - d);
    }
  return parts;
}

namespace {

struct DGeoOptions {
  double weight = 0.012;       // lambda_geo
  double alpha_var = 1.0;      // weight of the variance cap
  double alpha_margin = 1.0;   // weight of the mean margin
  double variance_max = 0.3;   // sigma2_max: allowed mean squared distance to the class mean
  double margin = 1.0;         // m: wanted distance between class means
  double ramp_start = 20;      // the term is 0 up to this epoch ...
  double ramp_end = 60;        // ... and at full weight from this one (cosine in between)
  std::vector<std::string> variance_classes = {"happiness", "surprise"};  // classes whose spread is capped
  template <class V>
  void visit(V& v) {
    v("weight", weight, "lambda_geo: multiplier of this term");
    v("alpha_var", alpha_var, "weight of the variance cap");
    v("alpha_margin", alpha_margin, "weight of the mean margin");
    v("variance_max", variance_max, "sigma2_max of the variance cap");
    v("margin", margin, "m: wanted distance between class means");
    v("ramp_start", ramp_start, "epoch where the cosine ramp starts (weight 0 before)");
    v("ramp_end", ramp_end, "epoch where the ramp reaches 1");
    v("variance_classes", variance_classes, "classes whose spread is capped");
  }
};

class DGeoTerm : public LossTerm {
 public:
  DGeoTerm(const DGeoOptions& o, std::vector<int> classes) : o_(o), classes_(std::move(classes)) {}
  std::string name() const override { return "d_geo"; }
  void compute(const LossBatch& b, LossTerms& out) override {
    const double ramp = d_geo_ramp(b.epoch + b.epoch_fraction, o_.ramp_start, o_.ramp_end);
    DGeoParts p = d_geo_loss(b.student.features, b.labels, classes_, o_.variance_max, o_.margin, kNumClasses);
    out.emplace_back("d_geo_var", o_.weight * ramp * o_.alpha_var * p.variance);
    out.emplace_back("d_geo_margin", o_.weight * ramp * o_.alpha_margin * p.margin);
  }

 private:
  DGeoOptions o_;
  std::vector<int> classes_;
};

}  // namespace

std::shared_ptr<LossTerm> make_d_geo_term(const nlohmann::json& table, const std::string& where, const LossSetup&) {
  DGeoOptions o;
  bind_options(table, o, where);
  FERKIT_CHECK(o.weight >= 0 && o.alpha_var >= 0 && o.alpha_margin >= 0,
               where << ": weight, alpha_var and alpha_margin must be >= 0, got " << o.weight << ", " << o.alpha_var << ", "
                     << o.alpha_margin);
  FERKIT_CHECK(o.variance_max >= 0 && o.margin >= 0,
               where << ": variance_max and margin must be >= 0, got " << o.variance_max << " and " << o.margin);
  std::vector<int> classes;
  for (const auto& name : o.variance_classes) classes.push_back(class_index(name));
  return std::make_shared<DGeoTerm>(o, classes);
}

}  // namespace ferkit
