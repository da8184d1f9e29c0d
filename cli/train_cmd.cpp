// ferkit train --config recipe.toml [key=value ...] [--resume]
#include <iostream>

#include "commands.h"
#include "ferkit/trainer.h"

namespace ferkit::cli {

void register_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a FER model from a TOML recipe; writes a run directory");
  auto config = std::make_shared<std::string>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  auto resume = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  cmd->add_option("--config,-c", *config, "Recipe (TOML; see configs/)")->required()->check(CLI::ExistingFile);
  cmd->add_option("overrides", *overrides, "key=value overrides of recipe fields (schedule.lr=1e-3 epochs=5 ...)");
  cmd->add_option("--out,-o", *out, "Run directory (default: the recipe's out, else runs/<name>)");
  cmd->add_flag("--resume", *resume, "Continue the interrupted run in the run directory from its last checkpoint");
  cmd->footer(
      "The run directory receives config.json (the resolved recipe), fingerprint.json (dataset\n"
      "fingerprints and every switch that changes the result), dataset.json, run.json (git commit),\n"
      "metrics.jsonl / metrics.csv (one row per epoch), best.pt/.json (best validation macro-F1),\n"
      "last.pt/.json (+ optimiser state, for --resume), metrics.json and predictions.csv (best\n"
      "checkpoint on the validation split) and PNG pictures.\n\n"
      "Examples:\n"
      "  ferkit train --config configs/mobilenetv3_small.toml\n"
      "  ferkit train --config configs/mobilenetv3_small.toml epochs=5 schedule.lr=1e-3 --out runs/short\n"
      "  ferkit train --config configs/mobilenetv3_small.toml --out runs/short --resume");
  cmd->callback([=] {
    std::vector<std::string> ov = *overrides;
    if (!out->empty()) ov.push_back("out=" + *out);
    Recipe r = load_recipe(*config, ov);
    TrainControl control;
    control.resume = *resume;
    control.command = "ferkit train --config " + *config;
    for (const auto& o : *overrides) control.command += " " + o;
    TrainResult res = train_model(r, control);
    std::cout << "run directory: " << res.run_dir.string() << "\n"
              << "best epoch " << res.best_epoch << ": valid " << r.train.select_metric << " " << res.best_metric << "\n";
    if (res.finished && res.final_metrics.contains("8way")) {
      const auto& m = res.final_metrics["8way"];
      std::cout << "best checkpoint on valid: acc " << m["acc"] << ", macro-F1 " << m["macro_f1"] << ", bACC " << m["bacc"]
                << "\n";
    }
  });
}

}  // namespace ferkit::cli
