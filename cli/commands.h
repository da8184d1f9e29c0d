// Subcommand registration. Each <name>_cmd.cpp defines one register_*_command(); main.cpp and the
// in-process CLI tests call them all through register_all_commands().
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ferkit::cli {

void register_data_command(CLI::App& app);
void register_train_command(CLI::App& app);
void register_eval_command(CLI::App& app);
void register_calibrate_command(CLI::App& app);
void register_teacher_command(CLI::App& app);
void register_ablate_command(CLI::App& app);
void register_eeg_command(CLI::App& app);
void register_live_command(CLI::App& app);
void register_score_command(CLI::App& app);
void register_models_command(CLI::App& app);
void register_export_command(CLI::App& app);
void register_import_command(CLI::App& app);
void register_demo_command(CLI::App& app);
void register_report_command(CLI::App& app);
void register_tables_command(CLI::App& app);
void register_artifacts_command(CLI::App& app);
void register_doctor_command(CLI::App& app);
void register_robust_command(CLI::App& app);
void register_prototypes_command(CLI::App& app);
void register_pipeline_command(CLI::App& app);
void register_bench_command(CLI::App& app);

// Registers every subcommand on app (the order is the order of `ferkit --help`).
void register_all_commands(CLI::App& app);

// Runs the ferkit CLI in-process: parses args (without argv[0]), runs the command, turns
// ferkit::Error and other exceptions into one line on stderr. Returns the exit status.
int run(const std::vector<std::string>& args);

}  // namespace ferkit::cli
