// Batch-level mixing: mixup and cutmix on the tensors of a ferkit::Batch.
//
//   ferkit::AugmentRng rng(ferkit::derive_seed(seed, epoch, batch_index, 2));
//   ferkit::MixKind kind = ferkit::mix_batch(batch, augment_options, rng);  // per mixup_p / cutmix_p
//   // or the deterministic cores, for tests and custom schedules:
//   ferkit::mixup(batch, 0.7, partner);                   // partner: [B] int64 permutation
//   ferkit::cutmix(batch, ferkit::CutBox{8, 8, 24, 24}, partner);
//
// Contract (x = images, t = targets, v = votes, p = partner permutation):
// - mixup:  x <- lambda x + (1 - lambda) x[p];  t and v mixed with the same lambda.
// - cutmix: the box of x is replaced by the box of x[p]; lambda = 1 - box area / image area, the
//   exact share of each sample's own pixels; t and v mixed with that lambda.
// - batch.mix_lambda[i] = lambda and batch.mix_partner[i] = p[i], so that a loss can mix other
//   per-sample quantities (teacher outputs) the same way. labels and indices are not changed.
// - Mixed targets stay distributions (convex combinations of two distributions).
#pragma once

#include <torch/types.h>

#include "ferkit/augment.h"
#include "ferkit/loader.h"

namespace ferkit {

enum class MixKind { kNone, kMixup, kCutmix };
const char* mix_kind_name(MixKind k);  // "none", "mixup", "cutmix"

// Half-open pixel box [x0, x1) x [y0, y1).
struct CutBox {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int64_t area() const { return static_cast<int64_t>(x1 - x0) * (y1 - y0); }
};

void mixup(Batch& batch, double lambda, const torch::Tensor& partner);
void cutmix(Batch& batch, const CutBox& box, const torch::Tensor& partner);

// The cutmix box for a drawn lambda: sides sqrt(1 - lambda) x (width, height), centre uniform in
// the image, clipped to it (so the realised area may be smaller; cutmix() uses the real area).
CutBox cutmix_box(int height, int width, double lambda, AugmentRng& rng);

// Chooses mixup with probability mixup_p, else cutmix with probability cutmix_p, else nothing;
// draws lambda ~ Beta(alpha, alpha) and a random partner permutation; applies it.
MixKind mix_batch(Batch& batch, const AugmentOptions& o, AugmentRng& rng);

// One Beta(alpha, alpha) draw from two gamma draws.
double sample_beta(double alpha, AugmentRng& rng);

}  // namespace ferkit
