// The training engine: reads the data, builds the model, the loss and the optimiser from the
// recipe, runs epochs with validation, and keeps the run directory complete at every epoch so a
// run can be resumed or inspected at any time.
#include "ferkit/trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>

#include "ferkit/checkpoint.h"
#include "ferkit/console.h"
#include "ferkit/deep_momentum.h"
#include "ferkit/error.h"
#include "ferkit/grad_scaler.h"
#include "ferkit/loss_term.h"
#include "ferkit/manifest.h"
#include "ferkit/metrics.h"
#include "ferkit/options.h"
#include "ferkit/predict.h"
#include "ferkit/readers.h"
#include "ferkit/run_dir.h"
#include "ferkit/sha256.h"
#include "ferkit/train/distributed_training.h"
#include "ferkit/train/run_outputs.h"
#include "ferkit/train/teacher_set.h"
#include "ferkit/train/training_device.h"
#include "ferkit/version.h"
#include "ferkit/weight_ema.h"

namespace ferkit {
namespace {

Dataset read_split(const std::string& format, const std::string& path, const std::string& split,
                   const std::string& label_mode, const std::string& what) {
  FERKIT_CHECK(!path.empty(), "recipe: data." << (what == "valid" ? "valid_path (or data.path)" : "path")
                                               << " is empty: say where the " << what << " data is");
  ReadOptions ro;
  ro.format = format;
  ro.path = path;
  ro.split = split;
  ro.label_mode = label_mode;
  Dataset d = read_dataset(ro);
  FERKIT_CHECK(!d.samples.empty(), what << " data " << path << " (split " << split << ") holds no samples");
  return d;
}

nlohmann::json dataset_summary(const Dataset& d, const Manifest& m) {
  nlohmann::json j;
  j["fingerprint"] = m.fingerprint();
  j["count"] = d.samples.size();
  auto counts = d.class_counts();
  for (int k = 0; k < kNumClasses; ++k) j["class_counts"][class_name(k)] = counts[k];
  j["dropped"] = d.dropped;
  j["format"] = d.format;
  j["root"] = d.root.string();
  return j;
}

// Switches that do not change the result (where to write, how many threads decode).
nlohmann::json result_switches(const Recipe& r) {
  nlohmann::json j = r.resolved();
  j.erase("name");
  j.erase("out");
  j.erase("threads");
  j["loader"].erase("threads");
  j["loader"].erase("prefetch");
  return j;
}

std::vector<torch::optim::OptimizerParamGroup> param_groups(FerNet& net, double weight_decay, bool adamw, double beta1,
                                                            double beta2, double lr) {
  std::vector<torch::Tensor> decay, no_decay;
  for (auto& p : net->named_parameters()) {
    if (!p.value().requires_grad()) continue;
    // Biases and normalisation scales are not decayed (1-D parameters).
    (p.value().dim() <= 1 ? no_decay : decay).push_back(p.value());
  }
  std::vector<torch::optim::OptimizerParamGroup> groups;
  if (adamw) {
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(lr).betas({beta1, beta2}).weight_decay(weight_decay)));
    groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(
                                      torch::optim::AdamWOptions(lr).betas({beta1, beta2}).weight_decay(0.0)));
  } else {
    groups.emplace_back(decay, std::make_unique<torch::optim::SGDOptions>(
                                   torch::optim::SGDOptions(lr).momentum(beta1).nesterov(true).weight_decay(weight_decay)));
    groups.emplace_back(no_decay, std::make_unique<torch::optim::SGDOptions>(
                                      torch::optim::SGDOptions(lr).momentum(beta1).nesterov(true).weight_decay(0.0)));
  }
  return groups;
}

void set_lr(torch::optim::Optimizer& opt, double lr) {
  for (auto& g : opt.param_groups()) g.options().set_lr(lr);
}

nlohmann::json epoch_validation(FerNet& net, const Dataset& valid, const TrainOptions& o) {
  PredictOptions po;
  po.threads = o.loader.threads;
  po.progress = false;
  DatasetPredictions p = predict_dataset(net, valid, po);
  auto m8 = classification_metrics(p.probs, p.labels, all_classes(kNumClasses));
  auto cal = calibration_metrics(p.probs, p.labels, 15);
  nlohmann::json j;
  j["valid_acc"] = m8.accuracy;
  j["valid_macro_f1"] = m8.macro_f1;
  j["valid_bacc"] = m8.balanced_accuracy;
  j["valid_nll"] = cal.nll;
  j["valid_ece"] = cal.ece;
  return j;
}

}  // namespace

TrainResult train_model(const Recipe& recipe, const TrainControl& control) {
  const TrainOptions& o = recipe.train;
  FERKIT_CHECK(o.epochs > 0, "recipe: epochs must be > 0, got " << o.epochs);
  FERKIT_CHECK(o.threads > 0, "recipe: threads must be > 0, got " << o.threads);
  FERKIT_CHECK(o.select_metric == "macro_f1" || o.select_metric == "acc",
               "recipe: select_metric must be macro_f1 or acc, got '" << o.select_metric << "'");
  torch::set_num_threads(o.threads);
  const torch::Device device = training_device(o.device, o.amp, control.distributed);
  std::unique_ptr<DataParallelGroup> group;
  if (control.distributed.enabled()) group = DataParallelGroup::connect(control.distributed, o.device);
  const bool root = !group || group->is_root();  // only rank 0 writes the run directory

  // --- data ---------------------------------------------------------------------------------
  Dataset train = read_split(o.data.format, o.data.path, o.data.train_split, o.data.label_mode, "train");
  Dataset valid = read_split(o.data.valid_format.empty() ? o.data.format : o.data.valid_format,
                             o.data.valid_path.empty() ? o.data.path : o.data.valid_path, o.data.valid_split,
                             o.data.valid_label_mode, "valid");
  train = stratified_subset(train, o.data.limit_train, o.seed);
  valid = stratified_subset(valid, o.data.limit_valid, o.seed + 1);
  info("train: " + std::to_string(train.samples.size()) + " samples, valid: " + std::to_string(valid.samples.size()));
  for (const auto& [why, n] : train.dropped) info("  train dropped " + std::to_string(n) + ": " + why);
  for (const auto& [why, n] : valid.dropped) info("  valid dropped " + std::to_string(n) + ": " + why);
  Manifest train_manifest = build_manifest(train, o.loader.threads);
  Manifest valid_manifest = build_manifest(valid, o.loader.threads);
  const DatasetIdentity train_id = train_manifest.identity();

  // --- run directory ------------------------------------------------------------------------
  const std::filesystem::path dir = o.out.empty() ? std::filesystem::path("runs") / o.name : std::filesystem::path(o.out);
  std::optional<RunDir> run_opt;
  if (root) run_opt = RunDir::create(dir, control.resume, control.command);
  const nlohmann::json resolved = recipe.resolved();
  if (root) {
    RunDir& run = *run_opt;
    if (control.resume) {
      nlohmann::json before = run.read_json("config.json");
      nlohmann::json a = before, b = resolved;
      for (auto* j : {&a, &b}) {
        j->erase("epochs");
        j->erase("threads");
        (*j)["loader"].erase("threads");
      }
      FERKIT_CHECK(a == b, dir.string() << "/config.json: --resume needs the same recipe as the interrupted run "
                                            "(only epochs and threads may change)");
    }
    run.write_json("config.json", resolved);
    nlohmann::json switches = result_switches(recipe);
    if (group) switches["world_size"] = group->world_size();  // the global batch is world_size x batch_size
    run.write_json("fingerprint.json", {{"train_dataset", train_manifest.fingerprint()},
                                        {"valid_dataset", valid_manifest.fingerprint()},
                                        {"switches", switches},
                                        {"switches_sha256", sha256_hex(switches.dump())}});
    run.write_json("dataset.json", {{"train", dataset_summary(train, train_manifest)},
                                    {"valid", dataset_summary(valid, valid_manifest)}});
    if (group) run.write_json("distributed.json", {{"world_size", group->world_size()},
                                                   {"batch_size_per_rank", o.loader.batch_size},
                                                   {"global_batch_size", o.loader.batch_size * group->world_size()}});
  }

  // --- model, loss, teachers ----------------------------------------------------------------
  torch::manual_seed(static_cast<uint64_t>(o.seed));
  FerNet net = create_model(o.model);
  if (!device.is_cpu()) {
    FERKIT_CHECK(recipe.teachers.empty(), "recipe: [[teacher]] runs on the CPU; device = \"" << o.device
                                                                                           << "\" with teachers is not supported yet");
    net->to(device);
    module_to_channels_last(*net);
  }
  LossSetup setup;
  setup.class_counts = train.class_counts();
  setup.num_epochs = o.epochs;
  setup.feature_dim = o.model.feature_dim;
  setup.num_teachers = static_cast<int>(recipe.teachers.size());
  setup.head = o.model.head;
  setup.cosine_scale = o.model.cosine_scale;
  setup.seed = o.seed;
  CompositeLoss loss = build_loss(recipe.loss, setup, "loss");
  TeacherSet teachers(recipe.teachers, o.model, train_id);
  FERKIT_CHECK(!loss.needs_votes() || !train.samples.front().votes.empty(),
               "the recipe has a loss term that needs annotator votes, but the training data (" << train.format
                                                                                                << ") has none");

  LoaderOptions lo = o.loader;
  lo.seed = o.seed;
  lo.mode = "train";
  DataLoader loader(train, o.model, lo, o.augment);
  if (group) loader.shard(group->rank(), group->world_size());
  int64_t steps_per_epoch = loader.batches_per_epoch();
  if (o.max_steps_per_epoch > 0) steps_per_epoch = std::min(steps_per_epoch, o.max_steps_per_epoch);
  if (loader.dropped_per_epoch() > 0)
    info("drop_last leaves out " + std::to_string(loader.dropped_per_epoch()) + " samples per epoch");
  if (o.max_steps_per_epoch > 0 && steps_per_epoch < loader.batches_per_epoch())
    warn("max_steps_per_epoch = " + std::to_string(o.max_steps_per_epoch) + ": each epoch sees " +
         std::to_string(steps_per_epoch * lo.batch_size * (group ? group->world_size() : 1)) + " of " + std::to_string(train.samples.size()) + " samples");

  const bool adamw = o.optim.name == "adamw";
  const bool deep_momentum = o.optim.name == "deep_momentum";
  FERKIT_CHECK(adamw || deep_momentum || o.optim.name == "sgd",
               "recipe: optim.name must be adamw, sgd or deep_momentum, got '" << o.optim.name << "'");
  LrSchedule schedule(o.schedule, steps_per_epoch, o.epochs);
  std::unique_ptr<torch::optim::Optimizer> opt;
  if (deep_momentum) {
    opt = make_deep_momentum_optimizer(net, o.optim, o.schedule.lr);
  } else {
    auto groups = param_groups(net, o.optim.weight_decay, adamw, o.optim.beta1, o.optim.beta2, o.schedule.lr);
    if (adamw) opt = std::make_unique<torch::optim::AdamW>(std::move(groups), torch::optim::AdamWOptions(o.schedule.lr));
    else opt = std::make_unique<torch::optim::SGD>(std::move(groups), torch::optim::SGDOptions(o.schedule.lr));
  }
  std::unique_ptr<WeightEma> ema;
  if (o.ema) ema = std::make_unique<WeightEma>(*net, o.ema_decay);

  std::optional<RunOutputs> outputs;
  if (root) outputs.emplace(*run_opt, o, train_manifest.fingerprint());
  TrainState state;
  if (control.resume && root) state = outputs->restore(net, *opt, ema.get(), device);
  if (group) share_training_state(*group, net, *opt, ema.get(), state, device);
  GradScaler scaler(GradScalerOptions{o.amp});  // identity unless amp
  const std::vector<torch::Tensor> params = net->parameters();

  // --- epochs -------------------------------------------------------------------------------
  TrainResult result;
  result.run_dir = dir;
  int epochs_this_call = 0;
  for (int epoch = state.next_epoch; epoch < o.epochs; ++epoch) {
    // Dropout and any other torch randomness of an epoch depend only on (seed, epoch).
    torch::manual_seed(static_cast<uint64_t>(o.seed) * 1000003ull + static_cast<uint64_t>(epoch));
    loader.set_epoch(epoch);
    net->train();
    if (o.freeze_batchnorm) freeze_batchnorm(*net);
    std::map<std::string, double> term_sums;
    double loss_sum = 0;
    int64_t seen = 0, correct = 0, steps = 0;
    auto start = std::chrono::steady_clock::now();
    ProgressBar bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs), steps_per_epoch * lo.batch_size, "img");
    Batch batch;
    while (steps < steps_per_epoch && loader.next(batch)) {
      const double lr = schedule.at(state.step);
      set_lr(*opt, lr);
      if (group) exit_if_fault_injected(group->rank(), state.step);
      if (batch.size() == 0) {  // this rank's part of a last short batch is empty: zero gradients
        opt->zero_grad();
        group->average_gradients(params, 0.0);
        if (scaler.unscale(params) && o.optim.grad_clip > 0) torch::nn::utils::clip_grad_norm_(params, o.optim.grad_clip);
        const bool stepped = scaler.step(*opt, params);
        scaler.update();
        if (ema && stepped) ema->update(*net);
        ++steps;
        ++state.step;
        continue;
      }
      batch_to_device(batch, device);
      std::optional<AutocastScope> autocast(std::in_place, o.amp);
      LossBatch lb;
      lb.student = net->forward(batch.images);
      lb.targets = batch.targets;
      lb.labels = batch.labels;
      lb.indices = batch.indices;
      lb.votes = batch.votes;
      lb.teacher_logits = teachers.logits(batch);
      lb.epoch = epoch;
      lb.num_epochs = o.epochs;
      lb.step = state.step;
      lb.epoch_fraction = static_cast<double>(steps) / static_cast<double>(steps_per_epoch);
      LossTerms terms = loss.forward(lb);
      torch::Tensor total = sum_terms(terms);
      autocast.reset();
      FERKIT_CHECK(std::isfinite(total.item<double>()),
                   "epoch " << epoch + 1 << " step " << steps + 1 << ": the loss is not finite (" << total.item<double>()
                            << "); lower schedule.lr or check the data");
      opt->zero_grad();
      scaler.scale(total).backward();
      if (group) group->average_gradients(params, static_cast<double>(batch.size()) / static_cast<double>(batch.global_size));
      if (scaler.unscale(params) && o.optim.grad_clip > 0) torch::nn::utils::clip_grad_norm_(params, o.optim.grad_clip);
      const bool stepped = scaler.step(*opt, params);  // false: an AMP overflow, the step is skipped
      scaler.update();
      if (ema && stepped) ema->update(*net);
      const int64_t b = batch.size();
      for (const auto& [name, t] : terms) term_sums[name] += t.item<double>() * b;
      loss_sum += total.item<double>() * b;
      correct += (lb.student.logits.argmax(1) == batch.labels).sum().item<int64_t>();
      seen += b;
      ++steps;
      ++state.step;
      bar.advance(b);
      char post[64];
      std::snprintf(post, sizeof post, "loss %.4f lr %.2e", loss_sum / seen, lr);
      bar.set_postfix(post);
    }
    bar.finish();
    if (group) reduce_epoch_sums(*group, loss_sum, seen, correct, term_sums);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string epoch_tag = "epoch " + std::to_string(epoch + 1);
    if (!root) {  // rank 0 validates and writes checkpoints; the others wait for it
      group->wait_for_root(epoch_tag);
      state.next_epoch = epoch + 1;
      ++epochs_this_call;
      if (control.stop_after_epochs > 0 && epochs_this_call >= control.stop_after_epochs && epoch + 1 < o.epochs)
        return result;
      continue;
    }
    if (!device.is_cpu()) net->to(torch::kCPU);  // validation and checkpoints on the CPU

    nlohmann::json raw_valid;
    if (ema) {
      raw_valid = epoch_validation(net, valid, o);
      ema->swap_into(*net);
    }
    nlohmann::json row;
    row["epoch"] = epoch + 1;
    row["lr"] = schedule.at(std::max<int64_t>(0, state.step - 1));
    row["train_loss"] = loss_sum / std::max<int64_t>(1, seen);
    for (const auto& [name, s] : term_sums) row["train_" + name] = s / std::max<int64_t>(1, seen);
    row["train_acc"] = static_cast<double>(correct) / std::max<int64_t>(1, seen);
    row["train_images_per_s"] = seen / std::max(secs, 1e-9);
    row["epoch_seconds"] = secs;
    row.update(epoch_validation(net, valid, o));
    if (ema) {  // the raw (non-averaged) weights too, to see what averaging buys
      row["valid_acc_raw"] = raw_valid["valid_acc"];
      row["valid_macro_f1_raw"] = raw_valid["valid_macro_f1"];
    }
    const double metric = row[o.select_metric == "acc" ? "valid_acc" : "valid_macro_f1"].get<double>();
    const bool best = state.best_epoch < 0 || metric > state.best_metric;
    if (best) {
      state.best_metric = metric;
      state.best_epoch = epoch + 1;
    }
    row["best"] = best;
    outputs->log_epoch(row);
    info("epoch " + std::to_string(epoch + 1) + ": valid acc " + std::to_string(row["valid_acc"].get<double>()) +
         " macro-F1 " + std::to_string(row["valid_macro_f1"].get<double>()) + (best ? "  (best)" : ""));
    if (best) outputs->save_best(net, row);
    if (ema) ema->swap_into(*net);  // back to the raw weights to continue training
    state.next_epoch = epoch + 1;
    outputs->save_last(net, *opt, ema.get(), state);
    if (!device.is_cpu()) net->to(device);
    if (group) group->release(epoch_tag);
    ++epochs_this_call;
    if (control.stop_after_epochs > 0 && epochs_this_call >= control.stop_after_epochs && epoch + 1 < o.epochs) {
      result.best_epoch = state.best_epoch;
      result.best_metric = state.best_metric;
      return result;
    }
  }

  result.best_epoch = state.best_epoch;
  result.best_metric = state.best_metric;
  result.finished = true;
  if (!root) return result;  // rank 0 evaluates the best checkpoint
  result.final_metrics = outputs->final_evaluation(valid, valid_manifest.fingerprint());
  return result;
}

}  // namespace ferkit
