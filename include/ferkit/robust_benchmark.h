// `ferkit robust`: the offline–live gap measured before deployment. Every evaluation image goes
// through every webcam corruption (ferkit/corruptions.h) at every severity and then through the
// model's Classifier, batched; each (corruption, severity) cell is evaluated like `ferkit eval`.
//
//   ferkit::RobustOptions o;
//   o.model = "runs/webcam-mnv3s/best.pt";  o.data.format = "ferplus";  o.data.path = "../shared/data/ferplus";
//   o.data.split = "valid";  o.out = "runs/robust-webcam";
//   nlohmann::json summary = ferkit::run_robust_benchmark(o);
//   summary["mca"];  summary["relative_drop"];  summary["worst"]["corruption"];
//
// Output directory (RobustOptions::out; nothing is written when it is empty):
//   clean/metrics.json                  the uncorrupted images (severity 0)
//   <corruption>/<severity>/metrics.json  the schema of ferkit/metrics.h (acc, macro-F1, ECE, ...) plus
//                                       "corruption", "severity", "tta", "preprocess", "temperature" and,
//                                       when the sidecar has abstention thresholds, "abstention":
//                                       {"rate", "coverage", "selective_accuracy"}
//   summary.json                        see robustness_summary below
//   summary.csv                         one row per cell, per corruption mean and mCA (same numbers)
//   accuracy_vs_severity.png            accuracy against severity, one line per corruption
//   sheet.png                           the first evaluation image at every corruption and severity
//
// Definitions: a cell's accuracy is the 8-way accuracy of its metrics.json. A corruption's mean_acc
// is the mean over the severities run; mCA (mean corrupted accuracy) is the mean over corruptions
// and severities; relative_drop = (clean_acc - mCA) / clean_acc (null when clean_acc is 0). worst is
// the corruption with the lowest mean_acc (first in table order on ties).
//
// Determinism: image i under corruption c uses corruption_rng(seed, c, i) at every severity, so
// results do not depend on batch size, threads, or which other corruptions run. With preprocess the
// live pipeline's enhancement (Gaussian blur sigma 0.5, then CLAHE clip 2.0 on 8 x 8 tiles,
// ferkit/live/face_enhancer.h) is applied after the corruption, to clean images too, as live does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/classifier.h"
#include "ferkit/dataset.h"
#include "ferkit/metrics.h"
#include "ferkit/readers.h"

namespace ferkit {

struct RobustOptions {
  std::filesystem::path model;            // checkpoint (.pt + .json) or .onnx
  std::string backend = "auto";           // classifier backend (ferkit/classifier.h)
  ReadOptions data;                       // format, path, split, label mode
  int64_t limit = 0;                      // > 0: a seeded class-stratified subset of about this many images
  std::filesystem::path out;              // output directory ("" = write nothing)
  std::vector<std::string> corruptions;   // corruption names, in order (empty = all)
  std::vector<int> severities = {1, 2, 3, 4, 5};  // severities in 1..5 (0, the clean run, always runs)
  int64_t seed = 0;                       // seeds every corruption's random choices
  bool preprocess = false;                // the live enhancement (blur + CLAHE) before classifying
  bool flip_tta = false;                  // average with the mirrored face's probabilities
  bool calibrated = true;                 // apply the sidecar's temperature(s)
  int threads = 2;                        // corruption threads and torch threads
  int batch_size = 128;                   // faces per classifier call
  bool progress = true;                   // progress bar over the cells, on a terminal
  EvaluationOptions metrics;              // minority classes, ECE bins, bootstrap of each cell
};

// One evaluated cell (severity 0 = clean).
struct RobustCell {
  std::string corruption;  // "clean" for severity 0
  int severity = 0;
  double accuracy = 0, macro_f1 = 0, ece = 0;
  double abstention_rate = -1;  // < 0: the model has no abstention thresholds
};

// Opens the model, reads the data (the stratified subset when limit > 0, counted in the summary's
// data.dropped), runs every cell and writes the output directory.
nlohmann::json run_robust_benchmark(const RobustOptions& options);
// The same on a classifier and dataset already at hand (options.model and options.data are only
// recorded). Throws ferkit::Error for an empty dataset, an unknown corruption, a severity outside
// 1..5, or a model input that is neither 1 nor 3 channels.
nlohmann::json run_robust_benchmark(Classifier& classifier, const Dataset& data, const RobustOptions& options);

// summary.json from the cells: {"clean_acc", "clean_macro_f1", "mca", "mean_corrupted_macro_f1",
// "relative_drop", "worst": {"corruption", "acc"}, "worst_cell": {"corruption", "severity", "acc"},
// "severities": [...], "corruptions": [...], "per_corruption": {"<name>": {"mean_acc", "mean_macro_f1",
// "relative_drop", "by_severity": [acc...], "macro_f1_by_severity": [...], "ece_by_severity": [...],
// ("abstention_by_severity": [...])}}, ("clean_abstention", "mean_corrupted_abstention")}. Every
// corruption must have exactly one cell per severity (ferkit::Error otherwise).
nlohmann::json robustness_summary(const RobustCell& clean, const std::vector<RobustCell>& cells,
                                  const std::vector<std::string>& corruptions, const std::vector<int>& severities);
// summary.csv: corruption,severity,acc,macro_f1,ece,relative_drop[,abstention_rate]; rows clean (0),
// each cell, "<name>,mean" per corruption, and "mca,mean".
void write_robustness_csv(const std::filesystem::path& csv, const nlohmann::json& summary);
// accuracy_vs_severity.png: x = severity 0..5 (0 = clean, shared by every line), y = accuracy.
void write_robustness_plot(const std::filesystem::path& png, const nlohmann::json& summary);

// "1-5", "1,3,5", "2-3,5" -> sorted distinct severities in 1..5 (ferkit::Error naming the text).
std::vector<int> parse_severities(const std::string& text);

}  // namespace ferkit
