#include "ferkit/model_evaluation.h"

#include <torch/torch.h>

#include "ferkit/classifier.h"
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/manifest.h"
#include "ferkit/predict.h"
#include "ferkit/predictions_csv.h"
#include "ferkit/result_plots.h"
#include "ferkit/run_dir.h"

namespace ferkit {

nlohmann::json evaluate_model(const EvalOptions& o) {
  FERKIT_CHECK(o.threads > 0, "eval: threads must be > 0, got " << o.threads);
  torch::set_num_threads(o.threads);
  std::unique_ptr<Classifier> clf = open_classifier(o.model, o.backend);
  Dataset data = read_dataset(o.data);
  FERKIT_CHECK(!data.samples.empty(), o.data.path.string() << " (split " << o.data.split << "): no samples to evaluate");
  for (const auto& [why, n] : data.dropped) info("dropped " + std::to_string(n) + ": " + why);
  const std::string fingerprint = build_manifest(data, o.threads).fingerprint();

  PredictOptions po;
  po.threads = o.threads;
  po.flip_tta = o.flip_tta;
  po.batch_size = 128;
  if (o.calibrated) {
    po.temperature = clf->info().temperature;
    po.class_temperatures = clf->info().class_temperatures;
  }
  DatasetPredictions p = predict_dataset(*clf, data, po);
  EvaluationReport report = evaluate(p.probs, p.labels, o.metrics);
  nlohmann::json metrics = metrics_to_json(report, o.model.string(), fingerprint);
  metrics["backend"] = clf->info().backend;
  metrics["tta"] = o.flip_tta ? "flip" : "none";
  metrics["temperature"] = po.temperature;
  metrics["data"] = {{"format", o.data.format}, {"path", o.data.path.string()}, {"split", o.data.split},
                     {"label_mode", o.data.label_mode}, {"dropped", data.dropped}};
  if (!o.out.empty()) {
    RunDir run = RunDir::create(o.out, /*resume=*/std::filesystem::exists(o.out / "run.json"));
    run.write_json("metrics.json", metrics);
    write_predictions_csv(o.out / "predictions.csv", p.paths, p.labels, p.probs);
    write_result_plots(o.out, report, "");
  }
  return metrics;
}

nlohmann::json aggregate_run_dirs(const std::vector<std::filesystem::path>& run_dirs) {
  FERKIT_CHECK(run_dirs.size() >= 1, "eval --seeds: give at least one run directory");
  std::vector<nlohmann::json> runs;
  for (const auto& d : run_dirs) runs.push_back(read_json_file(d / "metrics.json"));
  nlohmann::json agg = aggregate_runs(runs);
  for (const auto& d : run_dirs) agg["run_dirs"].push_back(d.string());
  return agg;
}

}  // namespace ferkit
