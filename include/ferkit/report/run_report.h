// `ferkit report RUN_DIR`: one self-contained HTML page about a training (or eval) run directory,
// plus the PNG pictures it embeds.
//
//   ferkit::RunReportOptions o;                  // RUN/report.html, pictures in RUN/report/
//   ferkit::RunReport r = ferkit::write_run_report("runs/mnv3s-ce-s0", o);
//   r.html;  r.pictures;  r.skipped;             // skipped: "section: why" for what the run lacks
//
// The page (inline CSS, every image a base64 data URI, no script, nothing fetched) holds, each
// when its input exists in the run directory:
// - the run: name, command, git commit and start time (run.json), the report's own commit;
// - the metrics table with 95 % bootstrap intervals, calibration and per-class numbers
//   (metrics.json; recomputed from predictions.csv when metrics.json is absent);
// - training curves: loss, accuracy and macro-F1 per epoch (metrics.jsonl);
// - confusion matrices, 8-way and present-only, counts and row-normalised; per-class precision /
//   recall / F1 bars; the reliability diagram; the coverage-risk curve (predictions.csv;
//   the 8-way confusion, per-class bars and reliability fall back to metrics.json);
// - a t-SNE map of the validation features (ferkit/report/run_embedding.h);
// - any prototypes/*.png, prototype*.png, topomaps*.png and topomaps/*.png of the run;
// - the checkpoint sidecar summary (best.json), the dataset fingerprints and class counts
//   (fingerprint.json, dataset.json) and the resolved config (config.json).
// A missing input never fails the report: its section says what is missing. A run directory that
// does not exist, or holds none of these files, is a ferkit::Error naming it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/report/run_embedding.h"

namespace ferkit {

struct RunReportOptions {
  std::filesystem::path out;   // HTML file ("" = RUN/report.html); pictures go to <out minus .html>/
  bool embedding = true;       // compute the t-SNE map (seconds; needs best.pt and the data, or features.npz)
  EmbeddingOptions embedding_options;  // points, t-SNE, threads, data path
  template <class V>
  void visit(V& v) {
    v("embedding", embedding, "compute the t-SNE map of the validation features");
    v("embedding_options", embedding_options, "t-SNE map options");
  }
};

struct RunReport {
  std::filesystem::path html;
  std::filesystem::path pictures_dir;
  std::vector<std::filesystem::path> pictures;  // every PNG embedded, in page order
  std::vector<std::string> skipped;             // "section: why" for each section left out
};

RunReport write_run_report(const std::filesystem::path& run_dir, const RunReportOptions& options = {});

}  // namespace ferkit
