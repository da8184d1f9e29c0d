// ferkit pipeline --config configs/neurogaze.toml [--quick] [key=value ...]
#include <iostream>

#include "commands.h"
#include "ferkit/neurogaze_pipeline.h"

namespace ferkit::cli {

void register_pipeline_command(CLI::App& app) {
  auto config = std::make_shared<std::string>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  auto quick = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "pipeline",
      "Run the brain-informed prior end to end in one run directory: EEG (synthetic, DREAMER, MAHNOB-HCI, BDF or a\n"
      "band-power table) -> topomaps -> EEG teacher (leave-subjects-out, vs mean and ridge baselines) -> prototype bank\n"
      "from the out-of-fold features -> B1's image teacher (given, or trained here) and its exported logits -> students\n"
      "through the ablation runner: B0 CE, B1 +KD, B2 +Proto-KD, B3 +D-Geo -> results.md, results.tex, results.json.\n"
      "Each stage lives in its own folder and is reused when its recorded inputs are unchanged, so an interrupted\n"
      "pipeline resumes where it stopped; changed inputs for a finished stage are an error. The configuration's keys\n"
      "are documented in include/ferkit/neurogaze_pipeline.h and docs/prior.md.");
  cmd->add_option("--config,-c", *config, "Pipeline TOML (configs/neurogaze.toml, configs/neurogaze-gameemo.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--quick", *quick,
                "Smoke run: tiny synthetic EEG, 2 folds x 2 epochs, 1 student epoch of 3 steps on 64 images "
                "(run directory <name>-quick)");
  cmd->add_option("--out", *out, "Run directory (default runs/<name>, runs/<name>-quick with --quick)");
  cmd->add_option("overrides", *overrides, "key=value overrides (student.seeds=[0,1,2] teacher.epochs=20 ...)");
  cmd->footer(
      "Examples:\n"
      "  ferkit pipeline --config configs/neurogaze.toml --quick\n"
      "  ferkit pipeline --config configs/neurogaze.toml student.seeds=[0,1,2]\n"
      "  ferkit pipeline --config configs/neurogaze-gameemo.toml --quick student.overrides='[\"data.limit_train=256\"]'\n"
      "  ferkit pipeline --config configs/neurogaze-gameemo.toml");
  cmd->callback([=] {
    NeurogazeOptions o = read_neurogaze_config(*config, *overrides);
    if (*quick) o.quick = true;
    if (!out->empty()) o.out = *out;
    std::string command = "ferkit pipeline --config " + *config + (*quick ? " --quick" : "");
    for (const auto& ov : *overrides) command += " " + ov;
    NeurogazeResult r = run_neurogaze_pipeline(o, command);
    for (const auto& line : r.report) std::cout << line << "\n";
    std::cout << "wrote " << (r.dir / "results.md").string() << ", results.tex, results.json\n";
  });
}

}  // namespace ferkit::cli
