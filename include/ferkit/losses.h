// The loss formulas as free functions (each recipe term in src/ferkit/losses/ wraps one of them).
// Reductions are pinned: every function returns the mean over the batch of a per-sample loss.
//
//   torch::Tensor l = ferkit::soft_cross_entropy(logits, targets, /*smoothing=*/0.055);
//   torch::Tensor w = ferkit::class_weight_tensor("effective_number", counts, 0.999);
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

namespace ferkit {

// Per-class weights from training-set counts: "none" (all 1), "inverse_frequency"
// (N / (K * n_c), as sklearn's "balanced"), "effective_number" ((1 - beta) / (1 - beta^n_c),
// Cui et al. 2019, normalised to sum to K over present classes). Absent classes get weight 0.
torch::Tensor class_weight_tensor(const std::string& mode, const std::array<int64_t, 8>& counts, double beta = 0.999);

// -sum_k w_k t'_k log softmax(z)_k averaged over the batch, with t' = (1 - a) t + a / K
// (PyTorch's cross_entropy with probability targets, label_smoothing=a and weight=w).
torch::Tensor soft_cross_entropy(const torch::Tensor& logits, const torch::Tensor& targets, double smoothing = 0.0,
                                 const torch::Tensor& class_weights = {});

// Logit adjustment (Menon et al. 2021): cross-entropy on z + tau * log(prior).
torch::Tensor logit_adjusted_logits(const torch::Tensor& logits, const std::array<int64_t, 8>& counts, double tau);

// Focal loss on soft targets: -sum_k w_k t_k (1 - p_k)^gamma log p_k, batch mean.
torch::Tensor focal_loss(const torch::Tensor& logits, const torch::Tensor& targets, double gamma,
                         const torch::Tensor& class_weights = {});

// Knowledge distillation (Hinton et al.): KL(softmax(z_t/T) || softmax(z_s/T)) * T^2, batch mean of
// the per-sample KL (PyTorch's kl_div reduction "batchmean", not "mean"). The T^2 factor keeps the
// soft-loss gradient scale independent of T.
torch::Tensor kd_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits, double temperature);
// Mean squared error between logits (mean over batch and classes).
torch::Tensor kd_mse_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits);
// KL(p_target || softmax(z_s/T)) * T^2 for an already fused teacher distribution p_target [B, K].
torch::Tensor kd_loss_to_distribution(const torch::Tensor& student_logits, const torch::Tensor& teacher_probs,
                                      double temperature);

// Decoupled KD (Zhao et al. 2022). TCKD: KL between the binary (target, non-target) splits of the
// teacher and student distributions at T; NCKD: KL between the distributions over the non-target
// classes only (target masked out before the softmax). Each is multiplied by T^2.
struct DkdParts {
  torch::Tensor tckd;
  torch::Tensor nckd;
};
DkdParts dkd_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits,
                  const torch::Tensor& labels, double temperature);

// Multi-teacher fusion of teacher logits [T, B, K] into probabilities [B, K] at temperature tau:
// sum_j w_j softmax(z_j / tau) with weights normalised to sum to 1.
torch::Tensor fuse_teacher_probs(const torch::Tensor& teacher_logits, const std::vector<double>& weights, double temperature);
// Per-class teacher weights: W [T, K]; each sample is fused with the column of its label
// (normalised over teachers). One-hot columns assign whole classes to single teachers.
torch::Tensor fuse_teacher_probs_by_class(const torch::Tensor& teacher_logits, const torch::Tensor& class_weights,
                                          const torch::Tensor& labels, double temperature);

// ArcFace: from cosine-head logits s cos(theta), the logits s cos(theta_y + m) for the true class
// and s cos(theta_k) for the others.
torch::Tensor arcface_logits(const torch::Tensor& cosine_logits, const torch::Tensor& labels, double scale, double margin);
// The margin at a training position (in epochs): 0 during warm-up, then linear from 0 at start to m
// at end.
double arcface_margin_at(double progress_epochs, double margin, double warmup_epochs, double start, double end);

// Proto-KD, the brain-informed prior (docs/prior.md): s_k = cos(f, p_k) against the K frozen bank
// prototypes, q_stu = softmax(s / tau), loss = KL(q_pro || q_stu) = sum_k q_pro,k (log q_pro,k -
// log q_stu,k), batch mean. The bank prior q_pro [K] (sums to 1) is the same for every sample;
// features [B, D] and prototypes [K, D] are normalised here (cosine), the prototypes get no gradient.
torch::Tensor proto_kd_loss(const torch::Tensor& features, const torch::Tensor& prototypes, const torch::Tensor& prior,
                            double temperature);

// D-Geo, the batch geometry of the student's features (docs/prior.md). Per class c present in the
// batch: mu_c = the mean of its features; for a class with n_c >= 2 samples, sigma2_c = (1/n_c)
// sum_i ||f_i - mu_c||^2 (the mean squared distance to mu_c). Absent classes are skipped everywhere
// and one-sample classes in the variance, so nothing is ever NaN.
//   variance = sum_{c in variance_classes, n_c >= 2} max(0, sigma2_c - variance_max)
//   margin   = sum over unordered pairs {c, c'} of present classes (c < c') of
//              max(0, m - ||mu_c - mu_c'||), ||d|| computed as sqrt(||d||^2 + 1e-12) (finite gradient
//              when two means coincide)
// Both unweighted; labels [B] int64 in [0, num_classes).
struct DGeoParts {
  torch::Tensor variance;       // scalar
  torch::Tensor margin;         // scalar
  int classes_present = 0;      // classes with at least one sample in the batch
  int variance_classes_used = 0;  // variance classes with at least two samples
};
DGeoParts d_geo_loss(const torch::Tensor& features, const torch::Tensor& labels, const std::vector<int>& variance_classes,
                     double variance_max, double margin, int num_classes = 8);
// The cosine ramp: 0 for progress <= start, 1/2 (1 - cos(pi (progress - start) / (end - start)))
// between, 1 for progress >= end (progress = epoch + epoch_fraction; end <= start: a step at start).
double d_geo_ramp(double progress_epochs, double start, double end);

}  // namespace ferkit
