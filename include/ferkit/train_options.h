// What `ferkit train` reads from a recipe (TOML; key = field name; see configs/*.toml).
//
//   name = "mnv3s-ce"          epochs = 30        seed = 0        threads = 2
//   [data]   format = "ferplus"  path = "../shared/data/ferplus"  label_mode = "probability"
//   [model]  architecture = "mobilenetv3_small_48"  input_size = 48  in_channels = 1
//   [loader] batch_size = 64      [augment] ...   [optim] weight_decay = 0.05   [schedule] lr = 2e-3
//   [[loss]] name = "ce"  label_smoothing = 0.055
//   [[teacher]] checkpoint = "runs/teacher/best.pt"      (for distillation terms)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ferkit/augment.h"
#include "ferkit/deep_momentum_options.h"
#include "ferkit/loader.h"
#include "ferkit/lr_schedule.h"
#include "ferkit/model_spec.h"

namespace ferkit {

struct DataSourceOptions {
  std::string format = "ferplus";         // reader for training data (ferkit/readers.h)
  std::string path;                       // dataset root or file
  std::string train_split = "train";      // split used for training
  std::string label_mode = "majority";    // FERPlus label rule for training targets
  std::string valid_format;               // validation reader ("" = format)
  std::string valid_path;                 // validation root ("" = path)
  std::string valid_split = "valid";      // split used for model selection
  std::string valid_label_mode = "majority";  // FERPlus label rule for validation labels
  int64_t limit_train = 0;                // > 0: a seeded, class-stratified subset (smoke runs; reported)
  int64_t limit_valid = 0;                // > 0: same for validation
  template <class V>
  void visit(V& v) {
    v("format", format, "reader for training data");
    v("path", path, "dataset root or file");
    v("train_split", train_split, "split used for training");
    v("label_mode", label_mode, "FERPlus label rule for training targets");
    v("valid_format", valid_format, "validation reader (empty = format)");
    v("valid_path", valid_path, "validation root (empty = path)");
    v("valid_split", valid_split, "split used for model selection");
    v("valid_label_mode", valid_label_mode, "FERPlus label rule for validation labels");
    v("limit_train", limit_train, "> 0: seeded stratified subset of the training set");
    v("limit_valid", limit_valid, "> 0: seeded stratified subset of the validation set");
  }
};

struct OptimizerOptions {
  std::string name = "adamw";    // adamw | sgd | deep_momentum
  double weight_decay = 0.05;    // decoupled weight decay (not applied to biases and norms)
  double beta1 = 0.9;            // AdamW beta1 / SGD momentum
  double beta2 = 0.999;          // AdamW beta2
  double grad_clip = 1.0;        // max global gradient norm (0 = off)
  DeepMomentumOptions deep_momentum;  // switches of name = "deep_momentum" (docs/research.md)
  template <class V>
  void visit(V& v) {
    v("name", name, "adamw | sgd | deep_momentum");
    v("weight_decay", weight_decay, "decoupled weight decay (not on biases and norms)");
    v("beta1", beta1, "AdamW beta1 / SGD momentum");
    v("beta2", beta2, "AdamW beta2");
    v("grad_clip", grad_clip, "max global gradient norm (0 = off)");
    v("deep_momentum", deep_momentum, "deep_momentum: the memory network's switches");
  }
};

struct TeacherOptions {
  std::string checkpoint;   // a ferkit checkpoint run on each training batch (no grad)
  std::string logits;       // or: per-sample logits exported by `ferkit teacher export` (NPZ side file)
  std::string backend = "libtorch";  // classifier backend for checkpoint teachers that are not FerNets
  template <class V>
  void visit(V& v) {
    v("checkpoint", checkpoint, "checkpoint run on each batch");
    v("logits", logits, "per-sample logits side file");
    v("backend", backend, "classifier backend for non-FerNet teachers");
  }
};

struct TrainOptions {
  std::string name = "run";           // run name (recorded; default output runs/<name>)
  std::string out;                    // run directory ("" = runs/<name>)
  int epochs = 30;                    // training epochs
  int64_t seed = 0;                   // seeds weights, data order, augmentation, dropout
  int threads = 2;                    // torch intra-op threads (set explicitly: the default is 1)
  bool ema = false;                   // keep an exponential moving average of the weights
  double ema_decay = 0.999;           // EMA decay per step
  std::string select_metric = "macro_f1";  // validation metric for the best checkpoint: macro_f1 | acc
  int64_t max_steps_per_epoch = 0;    // > 0: cut epochs short (smoke tests; reported)
  bool freeze_batchnorm = false;      // BatchNorm uses running statistics in training (rank-independent)
  std::string device = "cpu";         // cpu | cuda | cuda:N (CUDA builds; "cuda" = cuda:LOCAL_RANK per rank)
  bool amp = false;                   // CUDA: float16 autocast forward + dynamic loss scaling
  DataSourceOptions data;
  ModelSpec model;
  LoaderOptions loader;
  AugmentOptions augment;
  OptimizerOptions optim;
  ScheduleOptions schedule;
  template <class V>
  void visit(V& v) {
    v("name", name, "run name");
    v("out", out, "run directory (empty = runs/<name>)");
    v("epochs", epochs, "training epochs");
    v("seed", seed, "seed of weights, order, augmentation and dropout");
    v("threads", threads, "torch intra-op threads");
    v("ema", ema, "keep an EMA of the weights");
    v("ema_decay", ema_decay, "EMA decay per step");
    v("select_metric", select_metric, "validation metric of the best checkpoint (macro_f1 | acc)");
    v("max_steps_per_epoch", max_steps_per_epoch, "> 0: cut epochs short (smoke tests)");
    v("freeze_batchnorm", freeze_batchnorm, "BatchNorm uses its running statistics in training");
    v("device", device, "cpu | cuda | cuda:N (CUDA builds)");
    v("amp", amp, "CUDA: float16 autocast + dynamic loss scaling");
    v("data", data, "training and validation data");
    v("model", model, "architecture and input");
    v("loader", loader, "batching and decoding");
    v("augment", augment, "training augmentation");
    v("optim", optim, "optimiser");
    v("schedule", schedule, "learning-rate schedule");
  }
};

}  // namespace ferkit
