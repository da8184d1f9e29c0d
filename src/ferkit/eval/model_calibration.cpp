#include "ferkit/calibrate.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "ferkit/classifier.h"
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "ferkit/plot_results.h"
#include "ferkit/predict.h"
#include "ferkit/run_dir.h"
#include "ferkit/sidecar.h"
#include "ferkit/trainer.h"

namespace ferkit {
namespace {

struct Part {
  LogitMatrix logits;
  std::vector<int> labels;
};

// Stratified split of rows into (fit, report) with `holdout` of every class going to report.
std::pair<Part, Part> split_rows(const LogitMatrix& z, const std::vector<int>& y, double holdout, int64_t seed) {
  Part fit, rep;
  fit.logits.cols = rep.logits.cols = z.cols;
  std::vector<std::vector<int64_t>> by_class(kNumClasses);
  for (int64_t i = 0; i < z.rows; ++i) by_class[y[i]].push_back(i);
  std::mt19937_64 rng(static_cast<uint64_t>(seed) + 0x5bd1e995ull);
  std::vector<bool> to_report(z.rows, false);
  for (auto& idx : by_class) {
    std::shuffle(idx.begin(), idx.end(), rng);
    const size_t n_rep = static_cast<size_t>(std::llround(holdout * static_cast<double>(idx.size())));
    for (size_t j = 0; j < n_rep && j < idx.size(); ++j) to_report[idx[j]] = true;
  }
  for (int64_t i = 0; i < z.rows; ++i) {
    Part& p = to_report[i] ? rep : fit;
    p.logits.values.insert(p.logits.values.end(), z.row(i), z.row(i) + z.cols);
    p.logits.rows += 1;
    p.labels.push_back(y[i]);
  }
  return {fit, rep};
}

nlohmann::json cal_json(const CalibrationMetrics& m) {
  return {{"ece", m.ece}, {"nll", m.nll}, {"brier", m.brier}, {"bins", m.bins.size()}};
}

}  // namespace

CalibrationResult calibrate_model(const CalibrateOptions& o) {
  FERKIT_CHECK(o.holdout >= 0 && o.holdout < 1, "calibrate: holdout must be in [0, 1), got " << o.holdout);
  torch::set_num_threads(o.threads);
  auto clf = open_classifier(o.model, o.backend);
  Dataset data = read_dataset(o.data);
  FERKIT_CHECK(data.samples.size() >= 16, "calibrate: " << o.data.path.string() << " has " << data.samples.size()
                                                         << " samples; temperature scaling needs a validation set");
  PredictOptions po;
  po.threads = o.threads;
  DatasetPredictions p = predict_dataset(*clf, data, po);  // uncalibrated logits (T = 1)

  auto [fit, rep] = o.holdout > 0 ? split_rows(p.logits, p.labels, o.holdout, o.seed)
                                  : std::make_pair(Part{p.logits, p.labels}, Part{});
  TemperatureFit global = fit_temperature(fit.logits, fit.labels, o.temperature);
  TemperatureFit per_class;
  if (o.per_class) per_class = fit_class_temperatures(fit.logits, fit.labels, o.temperature);

  auto probs = [&](const LogitMatrix& z) {
    return o.per_class ? softmax_with_temperatures(z, per_class.class_temperatures)
                       : softmax_with_temperature(z, global.temperature);
  };
  AbstentionThresholds th = fit_abstention_thresholds(probs(fit.logits), fit.labels, o.abstention);

  CalibrationResult r;
  r.temperature = global.temperature;
  r.class_temperatures = o.per_class ? per_class.class_temperatures : std::vector<double>{};
  r.thresholds = th.thresholds;
  nlohmann::json j;
  j["model"] = o.model.string();
  j["data"] = {{"format", o.data.format}, {"path", o.data.path.string()}, {"split", o.data.split}, {"n", p.labels.size()}};
  j["holdout"] = {{"fraction", o.holdout}, {"seed", o.seed}, {"n_fit", fit.labels.size()}, {"n_report", rep.labels.size()}};
  j["temperature"] = global.temperature;
  if (o.per_class) {
    j["class_temperatures"] = per_class.class_temperatures;
    j["fixed_classes"] = per_class.fixed_classes;
  }
  j["fit"] = {{"before", cal_json(global.before)}, {"after", cal_json(o.per_class ? per_class.after : global.after)}};
  std::filesystem::path out = o.out.empty() ? o.model.parent_path() : o.out;
  if (out.empty()) out = ".";
  std::filesystem::create_directories(out);
  if (!rep.labels.empty()) {
    ProbabilityMatrix before = softmax_with_temperature(rep.logits, 1.0), after = probs(rep.logits);
    CalibrationMetrics b = calibration_metrics(before, rep.labels), a = calibration_metrics(after, rep.labels);
    j["holdout"]["before"] = cal_json(b);
    j["holdout"]["after"] = cal_json(a);
    std::vector<int> sel = apply_abstention(after, th.thresholds);
    SelectiveSummary s = summarise_selective(sel, rep.labels);
    j["holdout"]["selective"] = {{"coverage", s.coverage}, {"abstention_rate", s.abstention_rate},
                                 {"selective_accuracy", s.selective_accuracy}};
    plot::write_reliability_png(out / "reliability_before.png", b.bins, "Reliability before scaling (held-out half)");
    plot::write_reliability_png(out / "reliability_after.png", a.bins, "Reliability after scaling (held-out half)");
    plot::write_coverage_risk_png(out / "coverage_risk.png",
                                  {{"T = 1", coverage_risk_curve(before, rep.labels)},
                                   {"calibrated", coverage_risk_curve(after, rep.labels)}},
                                  "Coverage-risk (held-out half)");
  }
  nlohmann::json tj = nlohmann::json::object();
  for (int k = 0; k < kNumClasses; ++k) {
    const auto& c = th.per_class[k];
    tj[class_name(k)] = {{"threshold", c.threshold}, {"reached_target", c.reached_target}, {"precision", c.precision},
                         {"recall", c.recall}, {"f1", c.f1}};
  }
  j["abstention"] = {{"target_precision", th.target_precision}, {"per_class", tj}};
  for (int k : th.unreached()) {
    j["abstention"]["unreached"].push_back(class_name(k));
    warn("calibrate: no threshold reaches precision " + std::to_string(o.abstention.target_precision) + " for " +
         class_name(k) + ": it always abstains");
  }
  write_json_file(out / "calibration.json", j);
  if (o.write_sidecar) {
    update_sidecar(o.model, [&](Sidecar& s) {
      s.temperature = r.temperature;
      s.class_temperatures = r.class_temperatures;
      s.abstain_thresholds = r.thresholds;
      s.metrics["calibration"] = j;
    });
  }
  r.report = j;
  return r;
}

}  // namespace ferkit
