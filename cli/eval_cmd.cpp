// ferkit eval --model CKPT --data PATH --format FORMAT --out DIR   |   ferkit eval --seeds DIR...
#include <cmath>
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "ferkit/error.h"
#include "ferkit/model_evaluation.h"
#include "ferkit/run_dir.h"

namespace ferkit::cli {
namespace {

void print_summary(const nlohmann::json& m, std::ostream& os) {
  auto num = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : std::nan(""); };
  const auto& a = m["8way"];
  const auto& p = m["present_only"];
  os << std::fixed << std::setprecision(4);
  os << "n " << m["n"] << "  (model " << m["model"].get<std::string>() << ")\n";
  os << "8-way        acc " << num(a["acc"]) << "  macro-F1 " << num(a["macro_f1"]) << "  bACC " << num(a["bacc"])
     << "  macro-AUROC " << num(a["macro_auroc"]) << "  minority-F1 " << num(a["minority_f1"]) << "\n";
  os << "present-only acc " << num(p["acc"]) << "  macro-F1 " << num(p["macro_f1"]) << "  bACC " << num(p["bacc"])
     << "  macro-AUROC " << num(p["macro_auroc"]) << "\n";
  for (const auto& [name, ci] : m.items()) {
    if (name.rfind("ci", 0) != 0 || !ci.is_object()) continue;
    os << name << "         acc [" << num(ci["acc"][0]) << ", " << num(ci["acc"][1]) << "]  macro-F1 ["
       << num(ci["macro_f1"][0]) << ", " << num(ci["macro_f1"][1]) << "]  bACC [" << num(ci["bacc"][0]) << ", "
       << num(ci["bacc"][1]) << "]\n";
  }
  const auto& c = m["calibration"];
  os << "calibration  ECE " << num(c["ece"]) << "  NLL " << num(c["nll"]) << "  Brier " << num(c["brier"]) << "\n";
}

}  // namespace

void register_eval_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "Evaluate a model on a dataset (or aggregate runs over seeds)");
  auto o = std::make_shared<EvalOptions>();
  auto seeds = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  auto model = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("--model,-m", *model, "Checkpoint (<name>.pt with <name>.json beside it) or .onnx");
  cmd->add_option("--data,-d", *data, "Dataset root or file");
  cmd->add_option("--format,-f", o->data.format, "Reader: ferplus, ferplus-original, fer2013, npz, folder, affectnet, affectnet-mini, rafdb")
      ->default_val("ferplus");
  cmd->add_option("--split", o->data.split, "Split to evaluate: valid, test, train or all")->default_val("valid");
  cmd->add_option("--label-mode", o->data.label_mode, "FERPlus label rule: majority, probability, multi_target")->default_val("majority");
  cmd->add_option("--out,-o", *out, "Directory for metrics.json, predictions.csv and pictures");
  cmd->add_option("--backend", o->backend, "Inference backend: auto, libtorch, opencv")->default_val("auto");
  cmd->add_option("--threads", o->threads, "Threads for decoding and inference")->default_val(2);
  cmd->add_flag("--tta", o->flip_tta, "Test-time augmentation: average with the mirrored face");
  cmd->add_flag("--uncalibrated", [o](int64_t) { o->calibrated = false; }, "Ignore the sidecar's temperature");
  cmd->add_option("--bootstrap", o->metrics.bootstrap.resamples, "Bootstrap resamples for the 95% intervals")->default_val(1000);
  cmd->add_option("--seeds", *seeds, "Instead: mean +- std of metrics.json over these run directories");
  cmd->add_flag("--json", *json, "Print metrics.json to stdout instead of the summary");
  cmd->footer(
      "8-way metrics average over all 8 classes; present-only metrics average over the classes present\n"
      "in the data's labels (a prediction of an absent class still counts as an error). Intervals are\n"
      "stratified bootstrap percentiles (1000 resamples within each class, fixed seed).\n\n"
      "Examples:\n"
      "  ferkit eval --model models/default.pt --format ferplus --data ../shared/data/ferplus --split valid --out runs/eval\n"
      "  ferkit eval --model models/default.pt --format folder --data CK+48 --split all --out runs/eval-ck\n"
      "  ferkit eval --seeds runs/b1-s0 runs/b1-s1 runs/b1-s2");
  cmd->callback([=] {
    if (!seeds->empty()) {
      std::vector<std::filesystem::path> dirs(seeds->begin(), seeds->end());
      nlohmann::json agg = aggregate_run_dirs(dirs);
      if (!out->empty()) write_json_file(std::filesystem::path(*out) / "aggregate.json", agg);
      std::cout << agg.dump(2) << "\n";
      return;
    }
    if (model->empty() || data->empty()) throw ferkit::Error("ferkit eval", "--model and --data (or --seeds DIR...)", "");
    EvalOptions opts = *o;
    opts.model = *model;
    opts.data.path = *data;
    opts.out = *out;
    nlohmann::json m = evaluate_model(opts);
    if (*json) std::cout << m.dump(2) << "\n";
    else print_summary(m, std::cout);
  });
}

}  // namespace ferkit::cli
