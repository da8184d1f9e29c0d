// Mixup and cutmix on a Batch's tensors (see include/ferkit/mixing.h).
#include "ferkit/mixing.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ferkit/error.h"

namespace ferkit {
namespace {

void check_partner(const Batch& batch, const torch::Tensor& partner, const char* what) {
  FERKIT_CHECK(batch.images.defined() && batch.images.dim() == 4,
               what << ": expected images [B, C, H, W], got " << (batch.images.defined() ? batch.images.sizes() : torch::IntArrayRef{}));
  const int64_t b = batch.images.size(0);
  FERKIT_CHECK(partner.defined() && partner.dim() == 1 && partner.size(0) == b && partner.scalar_type() == torch::kLong,
               what << ": expected a partner permutation [" << b << "] int64, got "
                    << (partner.defined() ? partner.sizes() : torch::IntArrayRef{}));
  FERKIT_CHECK(batch.targets.defined() && batch.targets.size(0) == b,
               what << ": targets have " << (batch.targets.defined() ? batch.targets.size(0) : 0) << " rows for " << b << " images");
}

// lambda * own + (1 - lambda) * partner's, for targets and votes alike.
void mix_rows(torch::Tensor& t, double lambda, const torch::Tensor& partner) {
  if (!t.defined()) return;
  t = t.mul(lambda).add_(t.index_select(0, partner), 1.0 - lambda);
}

void record(Batch& batch, double lambda, const torch::Tensor& partner) {
  batch.mix_lambda = torch::full({batch.images.size(0)}, lambda, torch::kFloat32);
  batch.mix_partner = partner.clone();
}

}  // namespace

const char* mix_kind_name(MixKind k) {
  switch (k) {
    case MixKind::kMixup: return "mixup";
    case MixKind::kCutmix: return "cutmix";
    default: return "none";
  }
}

void mixup(Batch& batch, double lambda, const torch::Tensor& partner) {
  check_partner(batch, partner, "mixup");
  FERKIT_CHECK(lambda >= 0 && lambda <= 1, "mixup: lambda must be in [0, 1], got " << lambda);
  mix_rows(batch.images, lambda, partner);
  mix_rows(batch.targets, lambda, partner);
  mix_rows(batch.votes, lambda, partner);
  record(batch, lambda, partner);
}

void cutmix(Batch& batch, const CutBox& box, const torch::Tensor& partner) {
  check_partner(batch, partner, "cutmix");
  const int64_t h = batch.images.size(2), w = batch.images.size(3);
  FERKIT_CHECK(box.x0 >= 0 && box.y0 >= 0 && box.x0 <= box.x1 && box.y0 <= box.y1 && box.x1 <= w && box.y1 <= h,
               "cutmix: box [" << box.x0 << ", " << box.x1 << ") x [" << box.y0 << ", " << box.y1
                               << ") is not inside the " << w << "x" << h << " image");
  const double lambda = 1.0 - static_cast<double>(box.area()) / static_cast<double>(h * w);
  if (box.area() > 0) {
    torch::Tensor source = batch.images.index_select(0, partner);
    batch.images.slice(2, box.y0, box.y1).slice(3, box.x0, box.x1)
        .copy_(source.slice(2, box.y0, box.y1).slice(3, box.x0, box.x1));
  }
  mix_rows(batch.targets, lambda, partner);
  mix_rows(batch.votes, lambda, partner);
  record(batch, lambda, partner);
}

CutBox cutmix_box(int height, int width, double lambda, AugmentRng& rng) {
  FERKIT_CHECK(lambda >= 0 && lambda <= 1, "cutmix_box: lambda must be in [0, 1], got " << lambda);
  const double ratio = std::sqrt(1.0 - lambda);
  const int cut_w = static_cast<int>(std::lround(width * ratio));
  const int cut_h = static_cast<int>(std::lround(height * ratio));
  const int cx = std::uniform_int_distribution<int>(0, width - 1)(rng);
  const int cy = std::uniform_int_distribution<int>(0, height - 1)(rng);
  CutBox b;
  b.x0 = std::clamp(cx - cut_w / 2, 0, width);
  b.x1 = std::clamp(cx - cut_w / 2 + cut_w, 0, width);
  b.y0 = std::clamp(cy - cut_h / 2, 0, height);
  b.y1 = std::clamp(cy - cut_h / 2 + cut_h, 0, height);
  return b;
}

double sample_beta(double alpha, AugmentRng& rng) {
  FERKIT_CHECK(alpha > 0, "sample_beta: alpha must be > 0, got " << alpha);
  std::gamma_distribution<double> gamma(alpha, 1.0);
  const double a = gamma(rng), b = gamma(rng);
  // Both gammas can underflow to 0 for tiny alpha; Beta then puts its mass on the ends.
  if (a + b <= 0) return std::uniform_int_distribution<int>(0, 1)(rng);
  return a / (a + b);
}

MixKind mix_batch(Batch& batch, const AugmentOptions& o, AugmentRng& rng) {
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  MixKind kind = u < o.mixup_p ? MixKind::kMixup : u < o.mixup_p + o.cutmix_p ? MixKind::kCutmix : MixKind::kNone;
  if (kind == MixKind::kNone) return kind;
  const int64_t n = batch.images.size(0);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  torch::Tensor partner = torch::tensor(order, torch::kLong);
  if (kind == MixKind::kMixup) {
    mixup(batch, sample_beta(o.mixup_alpha, rng), partner);
  } else {
    const double lambda = sample_beta(o.cutmix_alpha, rng);
    cutmix(batch, cutmix_box(static_cast<int>(batch.images.size(2)), static_cast<int>(batch.images.size(3)), lambda, rng),
           partner);
  }
  return kind;
}

}  // namespace ferkit
