// The pictures every evaluation writes next to its metrics.json:
//   confusion_counts.png, confusion_normalized.png (8-way), confusion_present.png (present classes,
//   row-normalised), per_class.png (precision / recall / F1 bars), reliability.png (accuracy per
//   confidence bin against the diagonal, with bin counts) and, when a metrics.jsonl of a training
//   run is given, curves_loss.png and curves_accuracy.png (train/valid per epoch).
//
//   ferkit::write_result_plots("runs/x", report, "runs/x/metrics.jsonl");
#pragma once

#include <filesystem>

#include "ferkit/metrics.h"

namespace ferkit {

void write_result_plots(const std::filesystem::path& dir, const EvaluationReport& report,
                        const std::filesystem::path& epoch_log);

// Training curves from a metrics.jsonl (loss, accuracy and macro-F1 per epoch).
void write_training_curves(const std::filesystem::path& dir, const std::filesystem::path& epoch_log);

}  // namespace ferkit
