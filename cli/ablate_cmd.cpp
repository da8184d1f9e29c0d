// ferkit ablate --recipe configs/ablation_kd.toml [key=value ...] [--dry-run]
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "ferkit/ablation.h"

namespace ferkit::cli {

void register_ablate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("ablate", "Train named loss recipes (B0 CE, B1 +KD, ...) on the same data and seeds; one table");
  auto recipe = std::make_shared<std::string>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  auto dry = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  cmd->add_option("--recipe,-r", *recipe, "Ablation file (TOML: base recipe, seeds, [[arm]]s)")->required()->check(CLI::ExistingFile);
  cmd->add_option("overrides", *overrides, "key=value applied to every arm (epochs=10 ...)");
  cmd->add_option("--out,-o", *out, "Directory of the runs and the summary (default: the file's, or runs/ablation-<name>)");
  cmd->add_flag("--dry-run", *dry, "Resolve every run's recipe (planned_config.json) without training");
  cmd->footer(
      "Each arm x seed trains into <out>/<arm>-s<seed> (reused when finished, resumed when interrupted);\n"
      "summary.json holds mean and std over seeds of every metric, and `ferkit tables ablation` turns it\n"
      "into Markdown and LaTeX.\n\n"
      "Example:\n"
      "  ferkit ablate --recipe configs/ablation_kd.toml\n"
      "  ferkit ablate --recipe configs/ablation_kd.toml epochs=5 --dry-run\n"
      "  ferkit ablate --recipe configs/ablation_kd.toml epochs=1 data.limit_train=200 --out runs/smoke-ablation");
  cmd->callback([=] {
    AblationSpec spec = read_ablation(*recipe, *overrides);
    if (!out->empty()) spec.out = *out;  // a smoke run must not land where the real one is reused
    AblationResult r = run_ablation(spec, *dry);
    std::cout << std::fixed << std::setprecision(4);
    for (const auto& a : r.summary["arms"]) {
      std::cout << a["name"].get<std::string>() << " " << a["label"].get<std::string>();
      if (a.contains("aggregate")) {
        const auto& m = a["aggregate"]["mean"]["8way"];
        const auto& sd = a["aggregate"]["std"]["8way"];
        auto show = [&](const char* k) {
          std::cout << "  " << k << " " << m[k].get<double>();
          if (sd[k].is_number()) std::cout << " +- " << sd[k].get<double>();
        };
        show("acc");
        show("macro_f1");
        show("bacc");
      }
      std::cout << "\n";
    }
    std::cout << "summary: " << (r.dir / "summary.json").string() << "\n";
  });
}

}  // namespace ferkit::cli
