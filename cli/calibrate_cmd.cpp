// ferkit calibrate --model CKPT --data VALID [--per-class] [--precision-target 0.75]
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "ferkit/calibrate.h"

namespace ferkit::cli {

void register_calibrate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("calibrate", "Fit temperature scaling and abstention thresholds on validation data");
  auto o = std::make_shared<CalibrateOptions>();
  auto model = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto dry = std::make_shared<bool>(false);
  cmd->add_option("--model,-m", *model, "Checkpoint to calibrate (its sidecar is updated)")->required();
  cmd->add_option("--data,-d", *data, "Validation data root or file")->required();
  cmd->add_option("--format,-f", o->data.format, "Reader of the validation data")->default_val("ferplus");
  cmd->add_option("--split", o->data.split, "Split used for calibration")->default_val("valid");
  cmd->add_option("--label-mode", o->data.label_mode, "FERPlus label rule")->default_val("majority");
  cmd->add_option("--out,-o", *out, "Directory for calibration.json and pictures (default: the model's)");
  cmd->add_flag("--per-class", o->per_class, "Also fit one temperature per class");
  cmd->add_option("--precision-target", o->abstention.target_precision, "Per-class precision the abstention thresholds must reach")
      ->default_val(0.75);
  cmd->add_option("--holdout", o->holdout, "Fraction of the data kept out of fitting to report before/after honestly")
      ->default_val(0.5);
  cmd->add_option("--seed", o->seed, "Seed of the fitting/reporting split")->default_val(0);
  cmd->add_option("--threads", o->threads, "Threads")->default_val(2);
  cmd->add_flag("--dry-run", *dry, "Report only; leave the sidecar unchanged");
  cmd->footer(
      "The global temperature T minimises the validation NLL of softmax(z / T) (LBFGS on log T); with\n"
      "--per-class each class gets its own T_k. Per-class thresholds t_k maximise each class's F1 subject\n"
      "to precision >= the target; predictions below their class threshold become \"unknown\" in eval and\n"
      "live. The sidecar's temperature, class_temperatures and abstain_thresholds are rewritten (the\n"
      "weights are not touched); calibration.json and reliability/coverage-risk pictures go to --out.\n\n"
      "Example:\n"
      "  ferkit calibrate --model runs/mnv3s-ce-s0/best.pt --format ferplus --data ../shared/data/ferplus --split valid");
  cmd->callback([=] {
    CalibrateOptions opts = *o;
    opts.model = *model;
    opts.data.path = *data;
    opts.out = *out;
    opts.write_sidecar = !*dry;
    CalibrationResult r = calibrate_model(opts);
    const auto& j = r.report;
    std::cout << std::fixed << std::setprecision(4) << "temperature " << r.temperature << "\n";
    if (j.contains("holdout") && j["holdout"].contains("before")) {
      const auto& b = j["holdout"]["before"];
      const auto& a = j["holdout"]["after"];
      std::cout << "held-out half: ECE " << b["ece"].get<double>() << " -> " << a["ece"].get<double>() << ", NLL "
                << b["nll"].get<double>() << " -> " << a["nll"].get<double>() << ", Brier " << b["brier"].get<double>()
                << " -> " << a["brier"].get<double>() << "\n";
      std::cout << "abstention on the held-out half: " << j["holdout"]["selective"]["abstention_rate"].get<double>()
                << ", accuracy of the accepted " << j["holdout"]["selective"]["selective_accuracy"].get<double>() << "\n";
    }
    std::cout << (opts.write_sidecar ? "sidecar updated: " : "dry run, sidecar unchanged: ") << opts.model.string() << "\n";
  });
}

}  // namespace ferkit::cli
