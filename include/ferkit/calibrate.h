// `ferkit calibrate`: temperature scaling and per-class abstention thresholds fitted on validation
// data, written into the checkpoint's sidecar (and calibration.json).
//
//   ferkit::CalibrateOptions o;
//   o.model = "runs/mnv3s/best.pt";  o.data = {format "ferplus", path, split "valid"};
//   ferkit::CalibrationResult r = ferkit::calibrate_model(o);
//   r.report["holdout"]["after"]["ece"];   // measured on the half that was not used for fitting
//
// With holdout = 0.5 (the default) the validation set is split (seeded, stratified by class) into
// a fitting half and a reporting half, so the before/after figures are not measured on the data
// the temperature was fitted on. The parameters written to the sidecar are those of the fitting
// half.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "ferkit/abstention.h"
#include "ferkit/calibration.h"
#include "ferkit/readers.h"

namespace ferkit {

struct CalibrateOptions {
  std::filesystem::path model;      // checkpoint (<name>.pt + <name>.json); the sidecar is updated
  std::string backend = "auto";     // classifier backend used to compute the logits
  ReadOptions data;                 // validation data
  std::filesystem::path out;        // directory for calibration.json and pictures ("" = the model's)
  bool per_class = false;           // also fit and write per-class temperatures
  double holdout = 0.5;             // fraction kept out of fitting for honest before/after figures (0 = none)
  int64_t seed = 0;                 // seed of the fitting/reporting split
  int threads = 2;
  AbstentionOptions abstention;     // precision target of the per-class thresholds
  TemperatureOptions temperature;   // LBFGS settings
  bool write_sidecar = true;        // false: report only
};

struct CalibrationResult {
  double temperature = 1.0;
  std::vector<double> class_temperatures;
  std::vector<double> thresholds;
  nlohmann::json report;            // what calibration.json holds
};

CalibrationResult calibrate_model(const CalibrateOptions& options);

}  // namespace ferkit
