// The pipeline's results files (internal to src/ferkit/prior): results.md, results.tex, results.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/ablation.h"

namespace ferkit {

// Reads every arm's metrics.json under run/students/seed-<s>/<arm>-s<s>/, aggregates them over
// seeds (aggregate_runs) and writes the three files. Returns results.json's content, whose
// "report" holds the Markdown lines.
nlohmann::json write_neurogaze_results(const std::filesystem::path& run, const nlohmann::json& teacher_metrics,
                                       const std::vector<std::string>& bank_inspection, const std::vector<AblationArm>& arms,
                                       const std::vector<int64_t>& seeds, bool quick);

}  // namespace ferkit
