// ferkit report RUN_DIR [--out report.html] — one self-contained HTML page about a run.
#include <iostream>

#include "commands.h"
#include "ferkit/report/run_report.h"

namespace ferkit::cli {

void register_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Write a self-contained HTML report of a run directory");
  cmd->description(
      "Reads a run directory (ferkit train or ferkit eval --out) and writes one HTML page that needs\n"
      "nothing else: inline CSS, every picture embedded as a base64 data URI, no scripts, no network.\n"
      "It holds the run's command and git commit, the metrics table with 95% bootstrap intervals,\n"
      "calibration and per-class numbers, training curves (loss, accuracy, macro-F1 per epoch),\n"
      "confusion matrices (8-way and present-only, counts and row-normalised), per-class\n"
      "precision/recall/F1 bars, the reliability diagram, the coverage-risk curve, a t-SNE map of the\n"
      "validation features (best.pt run over the validation data named by config.json, or features.npz),\n"
      "prototype and topomap pictures when the run has them, the checkpoint sidecar, the dataset\n"
      "fingerprints and the resolved config. The PNG files are kept beside the page (OUT without .html).\n"
      "A section whose input is missing says so instead of failing.");
  auto run = std::make_shared<std::string>();
  auto o = std::make_shared<RunReportOptions>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("run_dir", *run, "Run directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--out,-o", *out, "HTML file to write (default: RUN_DIR/report.html)");
  cmd->add_flag("!--no-embedding", o->embedding, "Skip the t-SNE map (it runs the model over up to --points images)");
  cmd->add_option("--points", o->embedding_options.points, "Validation samples in the t-SNE map")->default_val(1000);
  cmd->add_option("--perplexity", o->embedding_options.tsne.perplexity, "t-SNE perplexity")->default_val(30.0);
  cmd->add_option("--iterations", o->embedding_options.tsne.iterations, "t-SNE gradient steps")->default_val(1000);
  cmd->add_option("--seed", o->embedding_options.tsne.seed, "Seed of the subsample and of the t-SNE start")->default_val(0);
  cmd->add_option("--threads", o->embedding_options.threads, "Torch and decode threads for the features")->default_val(1);
  cmd->add_option("--data", o->embedding_options.data_path, "Validation data root when config.json's path does not resolve");
  cmd->footer(
      "Examples:\n"
      "  ferkit report runs/mnv3s-ce-s0\n"
      "  ferkit report runs/mnv3s-ce-s0 --out site/mnv3s.html --points 500\n"
      "  ferkit report runs/eval-ck --no-embedding\n"
      "  chromium --headless --screenshot=report.png runs/mnv3s-ce-s0/report.html   # check it renders");
  cmd->callback([run, o, out] {
    RunReportOptions opts = *o;
    opts.out = *out;
    RunReport r = write_run_report(*run, opts);
    std::cout << "wrote " << r.html.string() << " (" << r.pictures.size() << " pictures)\n";
    for (const auto& s : r.skipped) std::cout << "  left out " << s << "\n";
  });
}

}  // namespace ferkit::cli
