// Per-sample predictions as CSV: one row per image, the true class and the 8 probabilities, so that
// any metric can be recomputed later (or by scikit-learn) without the model.
//
//   ferkit::write_predictions_csv("runs/x/predictions.csv", paths, labels, probs);
//   ferkit::write_predictions_csv("runs/x/selective.csv", paths, labels, probs, with_unknown);
//   ferkit::PredictionTable t = ferkit::read_predictions_csv("runs/x/predictions.csv");
//
// Format: header `path,true_label,p_neutral,p_happiness,...,p_contempt` (canonical order), then
// `predicted,abstained` when predictions are given. true_label and predicted are canonical class
// names; an abstained prediction (kUnknown, -1) is written `unknown` with abstained = 1.
// Probabilities are written in the shortest form that reads back to the same double.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/class_matrix.h"

namespace ferkit {

struct PredictionTable {
  std::vector<std::string> paths;
  std::vector<int> labels;      // canonical classes
  ProbabilityMatrix probs;      // N x 8
  std::vector<int> predicted;   // empty when the file has no predicted column; -1 = abstained
};

// Throws ferkit::Error when the sizes disagree, probs is not N x 8 probabilities, a label is not a
// canonical class, a prediction is not a class or -1, or the file cannot be written.
void write_predictions_csv(const std::filesystem::path& path, const std::vector<std::string>& paths,
                           const std::vector<int>& labels, const ProbabilityMatrix& probs,
                           const std::vector<int>& predicted = {});

// Reads what write_predictions_csv wrote; errors name the file and line.
PredictionTable read_predictions_csv(const std::filesystem::path& path);

}  // namespace ferkit
