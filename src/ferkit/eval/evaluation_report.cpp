// evaluate(): the 8-way and present-only views, calibration and bootstrap intervals in one report,
// and its metrics.json form.
#include <cmath>

#include <nlohmann/json.hpp>

#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "ferkit/taxonomy.h"

namespace ferkit {
namespace {

// NaN (an undefined metric) becomes null rather than an invalid JSON number.
nlohmann::json number(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

nlohmann::json names_of(const std::vector<int>& classes) {
  nlohmann::json a = nlohmann::json::array();
  for (int k : classes) a.push_back(class_name(k));
  return a;
}

nlohmann::json interval(const Interval& i) { return nlohmann::json::array({number(i.lo), number(i.hi)}); }

}  // namespace

EvaluationReport evaluate(const ProbabilityMatrix& p, const std::vector<int>& labels, const EvaluationOptions& options) {
  if (p.cols != kNumClasses)
    throw Error("evaluation", std::to_string(kNumClasses) + " probability columns (the canonical classes)",
                std::to_string(p.cols));
  EvaluationReport r;
  r.n = p.rows;
  r.all_classes = classification_metrics(p, labels, all_classes(p.cols));  // validates p and labels
  r.present_only = classification_metrics(p, labels, present_classes(labels, p.cols));
  for (const auto& name : options.minority_classes) r.minority_classes.push_back(class_index(name));
  r.minority_f1 = mean_f1(r.all_classes.per_class, r.minority_classes);
  r.calibration = calibration_metrics(p, labels, options.ece_bins);

  // Resamples only need (true, predicted) pairs: the three 8-way metrics come from a confusion
  // matrix rebuilt per resample.
  const std::vector<int> predicted = argmax_rows(p);
  const std::vector<int> every = all_classes(p.cols);
  r.bootstrap = options.bootstrap;
  ConfusionMatrix c(static_cast<size_t>(p.cols), std::vector<int64_t>(static_cast<size_t>(p.cols)));
  auto cis = bootstrap_cis(
      [&](const std::vector<int64_t>& idx) {
        for (auto& row : c) std::fill(row.begin(), row.end(), 0);
        for (int64_t i : idx) ++c[labels[i]][predicted[i]];
        auto reports = class_reports(c);
        return std::vector<double>{accuracy(c), mean_f1(reports, every), mean_recall(reports, every)};
      },
      labels, options.bootstrap);
  r.ci_accuracy = cis[0];
  r.ci_macro_f1 = cis[1];
  r.ci_balanced_accuracy = cis[2];
  return r;
}

nlohmann::json metrics_to_json(const EvaluationReport& r, const std::string& model, const std::string& dataset_fingerprint) {
  const auto& a = r.all_classes;
  nlohmann::json eight = {
      {"acc", a.accuracy},
      {"macro_f1", a.macro_f1},
      {"bacc", a.balanced_accuracy},
      {"macro_auroc", number(a.macro_auroc)},
      {"minority_f1", r.minority_f1},
      {"minority_names", names_of(r.minority_classes)},
      {"auroc_excluded", names_of(a.auroc_excluded)},
  };
  nlohmann::json per_class = nlohmann::json::object();
  for (size_t k = 0; k < a.per_class.size(); ++k) {
    const auto& c = a.per_class[k];
    per_class[class_name(static_cast<int>(k))] = {{"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1},
                                                  {"support", c.support}, {"auroc", number(a.class_auroc[k])}};
  }
  eight["per_class"] = per_class;
  eight["confusion"] = a.confusion;

  const auto& p = r.present_only;
  nlohmann::json present = {
      {"acc", p.accuracy},
      {"macro_f1", p.macro_f1},
      {"bacc", p.balanced_accuracy},
      {"macro_auroc", number(p.macro_auroc)},
      {"present_names", names_of(p.averaged_classes)},
  };

  nlohmann::json reliability = nlohmann::json::array();
  for (const auto& b : r.calibration.bins)
    reliability.push_back({{"lo", b.lo}, {"hi", b.hi}, {"count", b.count}, {"confidence", b.mean_confidence},
                           {"accuracy", b.accuracy}});
  nlohmann::json calibration = {
      {"ece", r.calibration.ece},
      {"nll", r.calibration.nll},
      {"brier", r.calibration.brier},
      {"bins", static_cast<int>(r.calibration.bins.size())},
      {"reliability", reliability},
  };

  nlohmann::json j;
  j["8way"] = eight;
  j["present_only"] = present;
  j["calibration"] = calibration;
  // "ci95" for the default level; another level names itself ("ci90").
  const std::string ci_key = "ci" + std::to_string(static_cast<int>(std::lround(r.bootstrap.level * 100)));
  j[ci_key] = {{"acc", interval(r.ci_accuracy)},
               {"macro_f1", interval(r.ci_macro_f1)},
               {"bacc", interval(r.ci_balanced_accuracy)}};
  j["bootstrap"] = {{"resamples", r.bootstrap.resamples},
                    {"seed", r.bootstrap.seed},
                    {"level", r.bootstrap.level},
                    {"scheme", "stratified by true class, percentile"}};
  j["n"] = r.n;
  j["dataset_fingerprint"] = dataset_fingerprint;
  j["model"] = model;
  return j;
}

}  // namespace ferkit
