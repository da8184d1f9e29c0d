// The standard pictures of an evaluation, as PNG files (drawn with ferkit/plot.h).
//
//   ferkit::EvaluationReport r = ferkit::evaluate(p, y);
//   ferkit::plot::write_confusion_png("cm.png", r.all_classes.confusion, false, "Confusion (counts)");
//   ferkit::plot::write_confusion_png("cm_norm.png", r.all_classes.confusion, true, "Confusion (recall)");
//   ferkit::plot::write_reliability_png("reliability.png", r.calibration.bins, "Reliability");
//   ferkit::plot::write_per_class_png("per_class.png", r.all_classes.per_class, "Per class");
//   ferkit::plot::write_coverage_risk_png("coverage_risk.png", {{"T-scaled", curve}}, "Coverage-risk");
//
// Class names default to the canonical taxonomy for 8 classes and to "0", "1", ... otherwise.
// - Confusion: rows = true class, columns = predicted class; row-normalised cells are the share of
//   the row (recall on the diagonal), a row without samples is left blank.
// - Reliability: top panel, accuracy per confidence bin as bars over the diagonal (perfect
//   calibration) with the mean confidence of each bin marked; bottom panel, the sample count per
//   bin. Empty bins have no bar.
// - Coverage-risk: selective risk against coverage, one line per curve, AURC in the legend.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "ferkit/abstention.h"
#include "ferkit/metrics.h"
#include "ferkit/plot.h"

namespace ferkit::plot {

Layout write_confusion_png(const std::filesystem::path& png, const ConfusionMatrix& confusion, bool row_normalised,
                           const std::string& title, const std::vector<std::string>& class_names = {},
                           int width = 720, int height = 640);

Layout write_reliability_png(const std::filesystem::path& png, const std::vector<ReliabilityBin>& bins,
                             const std::string& title, int width = 640, int height = 720);

Layout write_coverage_risk_png(const std::filesystem::path& png,
                               const std::vector<std::pair<std::string, CoverageRiskCurve>>& curves,
                               const std::string& title, int width = 800, int height = 560);

// Precision, recall and F1 per class as grouped bars.
Layout write_per_class_png(const std::filesystem::path& png, const std::vector<ClassReport>& per_class,
                           const std::string& title, const std::vector<std::string>& class_names = {},
                           int width = 900, int height = 560);

}  // namespace ferkit::plot
