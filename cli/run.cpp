#include <iostream>

#include "commands.h"
#include "ferkit/console.h"
#include "ferkit/error.h"

namespace ferkit::cli {

void register_all_commands(CLI::App& app) {
  register_data_command(app);
  register_train_command(app);
  register_eval_command(app);
  register_calibrate_command(app);
  register_teacher_command(app);
  register_ablate_command(app);
  register_eeg_command(app);
  register_live_command(app);
  register_score_command(app);
  register_models_command(app);
  register_prototypes_command(app);
  register_pipeline_command(app);
}

int run(const std::vector<std::string>& args) {
  CLI::App app{
      "ferkit - facial expression recognition from raw datasets to a calibrated, fast, real-time system.\n"
      "Run 'ferkit <command> --help' for a command's options and examples."};
  app.name("ferkit");
  app.require_subcommand(1);
  bool quiet = false, verbose = false;
  app.add_flag("-q,--quiet", quiet, "Print only results and errors");
  app.add_flag("-v,--verbose", verbose, "Print debugging detail (and stack context on errors)");
  app.set_version_flag("--version", "ferkit 0.1.0");
  register_all_commands(app);
  app.parse_complete_callback([&] {
    set_verbosity(verbose ? Verbosity::kVerbose : quiet ? Verbosity::kQuiet : Verbosity::kNormal);
  });
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them reversed
    app.parse(reversed);
    return 0;
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const ferkit::Error& e) {
    std::cerr << "ferkit: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ferkit: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace ferkit::cli
