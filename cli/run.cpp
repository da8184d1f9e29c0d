#include <iostream>

#include <c10/util/Exception.h>

#include "commands.h"
#include "ferkit/console.h"
#include "ferkit/error.h"

namespace ferkit::cli {
namespace {

// Errors print as one line; torch's carry a C++ stack trace, shown only with --verbose.
std::string first_line(const std::string& text) {
  const auto nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl) + " (--verbose for details)";
}

}  // namespace

void register_all_commands(CLI::App& app) {
  register_demo_command(app);
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
  register_export_command(app);
  register_import_command(app);
  register_report_command(app);
  register_tables_command(app);
  register_artifacts_command(app);
  register_doctor_command(app);
  register_robust_command(app);
  register_prototypes_command(app);
  register_pipeline_command(app);
  register_bench_command(app);
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
  app.footer(
      "The first five minutes:\n"
      "  ferkit doctor                               check the installation (BLAS, model, caches, peers)\n"
      "  ferkit demo                                 the default model on real photos, one line per face\n"
      "  ferkit train --config configs/smoke.toml    a smoke training run on the bundled sample faces\n"
      "  ferkit report runs/smoke                    an HTML report of that run\n\n"
      "Every command prints errors as one line and exits 1 (--verbose adds detail); progress bars are\n"
      "drawn only on a terminal. docs/cli.md lists every command with an example.");
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
  } catch (const c10::Error& e) {
    std::cerr << "ferkit: error: " << (verbose ? std::string(e.what()) : first_line(e.what_without_backtrace())) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ferkit: error: " << (verbose ? std::string(e.what()) : first_line(e.what())) << "\n";
    return 1;
  }
}

}  // namespace ferkit::cli
