#include "ferkit/train/run_outputs.h"

#include <torch/torch.h>

#include "ferkit/checkpoint.h"
#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "ferkit/options.h"
#include "ferkit/predict.h"
#include "ferkit/predictions_csv.h"
#include "ferkit/result_plots.h"
#include "ferkit/weight_ema.h"

namespace ferkit {

RunOutputs::RunOutputs(RunDir run, const TrainOptions& options, std::string train_fingerprint)
    : run_(std::move(run)), options_(options), train_fingerprint_(std::move(train_fingerprint)) {}

void RunOutputs::log_epoch(const nlohmann::json& row) {
  run_.append_jsonl("metrics.jsonl", row);
  run_.append_csv("metrics.csv", row);
}

namespace {
Sidecar make_sidecar(const TrainOptions& o, const RunDir& run, const std::string& fingerprint, const nlohmann::json& metrics) {
  Sidecar s;
  s.model = o.model;
  s.dataset_fingerprint = fingerprint;
  s.config = run.read_json("config.json");
  s.metrics = metrics;
  return s;
}
}  // namespace

void RunOutputs::save_best(FerNet& net, const nlohmann::json& row) {
  save_checkpoint(run_ / "best.pt", net, make_sidecar(options_, run_, train_fingerprint_, {{"valid_epoch", row}}));
}

void RunOutputs::save_last(FerNet& net, torch::optim::Optimizer& opt, WeightEma* ema, const TrainState& state) {
  save_checkpoint(run_ / "last.pt", net, make_sidecar(options_, run_, train_fingerprint_, {{"epoch", state.next_epoch}}));
  torch::save(opt, (run_ / "last_optimizer.pt").string());
  if (ema) {
    torch::serialize::OutputArchive ar;
    for (const auto& [name, t] : ema->shadow()) ar.write(name, t);
    ar.write("__ema_updates__", torch::tensor(ema->updates()));
    ar.save_to((run_ / "last_ema.pt").string());
  }
  run_.write_json("train_state.json", {{"next_epoch", state.next_epoch},
                                       {"step", state.step},
                                       {"best_epoch", state.best_epoch},
                                       {"best_metric", state.best_metric}});
}

TrainState RunOutputs::restore(FerNet& net, torch::optim::Optimizer& opt, WeightEma* ema, torch::Device device) {
  nlohmann::json j = run_.read_json("train_state.json");
  TrainState s;
  s.next_epoch = j.at("next_epoch").get<int>();
  s.step = j.at("step").get<int64_t>();
  s.best_epoch = j.at("best_epoch").get<int>();
  s.best_metric = j.at("best_metric").get<double>();
  Checkpoint last = load_checkpoint(run_ / "last.pt");
  {
    torch::NoGradGuard g;
    auto src = last.net->named_parameters();
    for (auto& p : net->named_parameters()) p.value().copy_(src[p.key()]);
    auto bsrc = last.net->named_buffers();
    for (auto& b : net->named_buffers()) b.value().copy_(bsrc[b.key()]);
  }
  torch::load(opt, (run_ / "last_optimizer.pt").string(), device);
  if (ema) {
    torch::serialize::InputArchive ar;
    ar.load_from((run_ / "last_ema.pt").string(), device);
    for (auto& [name, t] : ema->shadow()) {
      torch::Tensor v;
      if (!ar.try_read(name, v)) throw Error((run_ / "last_ema.pt").string(), "EMA weights for " + name, "none");
      t.copy_(v);
    }
    torch::Tensor n;
    if (ar.try_read("__ema_updates__", n)) ema->set_updates(n.item<int64_t>());
  }
  return s;
}

nlohmann::json RunOutputs::final_evaluation(const Dataset& valid, const std::string& valid_fingerprint) {
  Checkpoint best = load_checkpoint(run_ / "best.pt");
  PredictOptions po;
  po.threads = options_.loader.threads;
  DatasetPredictions p = predict_dataset(best.net, valid, po);
  EvaluationReport report = evaluate(p.probs, p.labels);
  nlohmann::json metrics = metrics_to_json(report, (run_ / "best.pt").string(), valid_fingerprint);
  run_.write_json("metrics.json", metrics);
  write_predictions_csv(run_ / "predictions.csv", p.paths, p.labels, p.probs);
  write_result_plots(run_.path(), report, run_.path() / "metrics.jsonl");
  return metrics;
}

}  // namespace ferkit
