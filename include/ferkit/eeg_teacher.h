// `ferkit eeg teacher`: a small CNN on band-power topomaps regressing valence and arousal, trained
// and evaluated with subject-independent (leave-subjects-out) cross-validation, against two
// baselines; its out-of-fold penultimate features feed the prototype bank.
//
//   ferkit::EegTeacherOptions o;
//   o.topomaps = "runs/gameemo-topomaps/topomaps.npz";   // from `ferkit eeg topomaps`
//   o.out = "runs/gameemo-teacher";
//   o.folds = 7;  o.loss = "ccc";  o.epochs = 12;  o.seed = 0;  o.threads = 1;
//   ferkit::EegTeacherResult r = ferkit::train_eeg_teacher(o);
//   r.metrics["summary"]["teacher"]["valence"]["ccc"]["mean"];
//
// Protocol. The subjects are split into K folds (ferkit/subject_folds.h); for each fold a fresh
// network (ferkit/eeg_teacher_net.h, input channels = the bands present) is trained for a fixed
// number of epochs on the other folds' maps — no early stopping, so the held-out subjects are never
// looked at — with AdamW and a cosine learning-rate decay, loss MSE or 1 - CCC (the mean over
// valence and arousal of the batch CCC). It then predicts the held-out maps. Baselines on the same
// folds: "mean" predicts the training folds' mean rating; "ridge" is ridge regression
// (ferkit/ridge_regression.h) on the raw band powers of the NPZ (log10 when all are positive,
// standardised on the training folds), lambda chosen per fold by inner leave-subjects-out CV on the
// training folds from `ridge_lambdas`.
//
// Metrics (ferkit/affect_metrics.h): CCC and RMSE per dimension and fold; over folds the mean,
// sample std and the 95% Student t interval; and "pooled" values over all out-of-fold predictions.
//
// Outputs in `out`: metrics.json; fold-<k>.pt + fold-<k>.json (weights and sidecar, k = 1..K);
// features.npz — for every map, the penultimate feature computed by the model of the fold that
// held it out (out-of-fold): features [M, D] float32, predictions [M, 2] float32, valence, arousal
// [M] float32, subject, trial, window, fold [M] int64 (fold 1-based); features.json — where they
// came from (topomaps file and SHA-256, the EEG source recorded in topomaps.json, options).
// Deterministic for a seed at a fixed thread count. Errors: see read_topomap_dataset (missing
// ratings, ratings outside [-1, 1]); fewer subjects than folds; an unknown loss.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferkit {

struct EegTeacherOptions {
  std::string topomaps;          // topomaps.npz written by `ferkit eeg topomaps`
  std::string out;               // output folder
  int folds = 7;                 // K leave-subjects-out folds (2 <= K <= subjects)
  std::string loss = "ccc";      // mse | ccc (1 - CCC averaged over valence and arousal)
  int epochs = 12;               // training epochs per fold (fixed: no early stopping)
  int64_t seed = 0;              // folds, initialisation, batch order, dropout
  int threads = 1;               // torch intra-op threads
  int batch_size = 64;           // maps per step
  double lr = 2e-3;              // AdamW peak learning rate (cosine decay to 1% of it)
  double weight_decay = 1e-4;    // AdamW decoupled weight decay
  int width = 16;                // channels of the first conv block (then 2w, 4w, 8w)
  int feature_dim = 256;         // penultimate feature size (= the student's feature size)
  double dropout = 0.3;          // before the output layer
  std::vector<double> ridge_lambdas = {0.1, 1, 10, 100, 1000, 10000};  // ridge baseline candidates
  int ridge_inner_folds = 4;     // inner leave-subjects-out folds choosing lambda
  template <class V>
  void visit(V& v) {
    v("topomaps", topomaps, "topomaps.npz from `ferkit eeg topomaps`");
    v("out", out, "output folder");
    v("folds", folds, "leave-subjects-out folds");
    v("loss", loss, "mse or ccc (1 - CCC)");
    v("epochs", epochs, "epochs per fold");
    v("seed", seed, "seed of folds, weights, order and dropout");
    v("threads", threads, "torch threads");
    v("batch_size", batch_size, "maps per step");
    v("lr", lr, "AdamW peak learning rate (cosine decay)");
    v("weight_decay", weight_decay, "AdamW weight decay");
    v("width", width, "channels of the first conv block");
    v("feature_dim", feature_dim, "penultimate feature size");
    v("dropout", dropout, "dropout before the output layer");
    v("ridge_lambdas", ridge_lambdas, "ridge baseline: candidate lambdas");
    v("ridge_inner_folds", ridge_inner_folds, "ridge baseline: inner folds choosing lambda");
  }
};

struct EegTeacherResult {
  std::filesystem::path dir;
  std::filesystem::path features;  // features.npz
  nlohmann::json metrics;          // the content of metrics.json
};

EegTeacherResult train_eeg_teacher(const EegTeacherOptions& options);

// "valence ccc 0.21 ± 0.08 [0.12, 0.30]"-style lines of metrics["summary"], for the CLI and docs.
std::vector<std::string> describe_teacher_metrics(const nlohmann::json& metrics);

}  // namespace ferkit
