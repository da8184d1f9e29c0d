// Recipe term "arcface": additive angular margin (Deng et al. 2019) on a cosine head.
// The student's head gives z = s cos(theta) (ModelSpec::head = "cosine"); this term trains on
// s cos(theta_y + m) for the true class. Plain cross-entropy on z during the warm-up epochs, then
// the margin grows linearly from 0 to m between margin_start and margin_end. Evaluation always
// uses the plain cosine logits (the model's own output), so nothing changes at inference.
#include <algorithm>
#include <cmath>

#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/losses.h"
#include "ferkit/options.h"
#include "ferkit/losses/loss_terms.h"

namespace ferkit {

torch::Tensor arcface_logits(const torch::Tensor& cosine_logits, const torch::Tensor& labels, double scale, double margin) {
  FERKIT_CHECK(scale > 0, "ArcFace: scale must be > 0, got " << scale);
  torch::Tensor cos = (cosine_logits / scale).clamp(-1.0 + 1e-7, 1.0 - 1e-7);
  torch::Tensor theta = torch::acos(cos);
  torch::Tensor target = torch::one_hot(labels.to(torch::kLong), cos.size(1)).to(cos.dtype());
  // Only the true class gets the margin; past pi - m the margin would wrap the angle around, so
  // the common "easy margin" fallback keeps cos(theta + m) monotone there.
  torch::Tensor with_margin = torch::cos(theta + margin);
  torch::Tensor fallback = cos - std::sin(M_PI - margin) * margin;
  with_margin = torch::where(theta + margin < M_PI, with_margin, fallback);
  return scale * (target * with_margin + (1 - target) * cos);
}

double arcface_margin_at(double progress_epochs, double margin, double warmup_epochs, double start, double end) {
  if (progress_epochs < warmup_epochs) return 0.0;
  if (end <= start) return progress_epochs >= start ? margin : 0.0;
  return margin * std::clamp((progress_epochs - start) / (end - start), 0.0, 1.0);
}

namespace {

struct ArcFaceOptions {
  double weight = 1.0;          // multiplier of this term
  double margin = 0.35;         // m (radians)
  double warmup_epochs = 5;     // plain-logit cross-entropy before this epoch
  double margin_start = 5;      // the margin grows from 0 at this epoch ...
  double margin_end = 15;       // ... to m at this one
  double label_smoothing = 0.0; // smoothing of the hard-label target
  template <class V>
  void visit(V& v) {
    v("weight", weight, "multiplier of this term");
    v("margin", margin, "additive angular margin m (radians)");
    v("warmup_epochs", warmup_epochs, "plain cross-entropy before this epoch");
    v("margin_start", margin_start, "epoch where the margin starts growing from 0");
    v("margin_end", margin_end, "epoch where the margin reaches m");
    v("label_smoothing", label_smoothing, "label smoothing of the target");
  }
};

class ArcFaceTerm : public LossTerm {
 public:
  ArcFaceTerm(const ArcFaceOptions& o, double scale) : o_(o), scale_(scale) {}
  std::string name() const override { return "arcface"; }
  void compute(const LossBatch& b, LossTerms& out) override {
    const double progress = b.epoch + b.epoch_fraction;
    const double m = arcface_margin_at(progress, o_.margin, o_.warmup_epochs, o_.margin_start, o_.margin_end);
    torch::Tensor z = b.student.logits;
    if (progress >= o_.warmup_epochs) z = arcface_logits(z, b.labels, scale_, m);
    torch::Tensor target = torch::one_hot(b.labels.to(torch::kLong), z.size(1)).to(z.dtype());
    out.emplace_back("arcface", o_.weight * soft_cross_entropy(z, target, o_.label_smoothing));
  }

 private:
  ArcFaceOptions o_;
  double scale_;
};

}  // namespace

std::shared_ptr<LossTerm> make_arcface_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup) {
  ArcFaceOptions o;
  bind_options(table, o, where);
  FERKIT_CHECK(setup.head == "cosine", where << ": arcface needs the cosine head (model.head = \"cosine\"), the model has '"
                                             << setup.head << "'");
  FERKIT_CHECK(o.margin >= 0 && o.margin < M_PI / 2, where << ".margin must be in [0, pi/2), got " << o.margin);
  return std::make_shared<ArcFaceTerm>(o, setup.cosine_scale);
}

}  // namespace ferkit
