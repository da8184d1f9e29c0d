// Fixtures of the report tests: a random-weight checkpoint and a complete run directory built by
// hand (no training), pointing at the bundled data/sample faces.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <random>

#include <nlohmann/json.hpp>

#include "ferkit/checkpoint.h"
#include "ferkit/metrics.h"
#include "ferkit/model.h"
#include "ferkit/options.h"
#include "ferkit/predictions_csv.h"
#include "ferkit/report/install_paths.h"
#include "ferkit/run_dir.h"
#include "ferkit/train_options.h"
#include "support/test_support.h"

namespace ferkit::test {

// best.pt + best.json of an untrained mobilenetv3_small_48 (seeded; BN statistics moved off their
// defaults so that different faces give different outputs).
inline void write_random_checkpoint(const std::filesystem::path& pt, uint64_t seed = 5) {
  torch::set_num_threads(1);
  torch::manual_seed(seed);
  ModelSpec spec;
  FerNet net = create_model(spec);
  {
    torch::NoGradGuard g;
    for (int i = 0; i < 2; ++i) net->forward(torch::rand({8, 1, 48, 48}));
  }
  net->eval();
  save_checkpoint(pt, net, Sidecar{});
}

// A run directory as ferkit train leaves it: run.json, config.json (data: data/sample),
// dataset.json, fingerprint.json, metrics.jsonl, best.pt/.json, metrics.json, predictions.csv, and
// an EEG-prior picture of each kind.
inline void write_run_fixture(const std::filesystem::path& run) {
  std::filesystem::create_directories(run);
  write_text(run / "run.json",
             "{\"command\": \"ferkit train --config fixture.toml\", \"git_commit\": \"fixturecommit123\", "
             "\"started\": \"2026-01-02T03:04:05Z\", \"hardware_threads\": 2}");
  TrainOptions t;
  t.name = "fixture";
  t.data.path = std::filesystem::absolute(bundled_sample_dir()).string();
  write_json_file(run / "config.json", to_json(t));
  write_text(run / "dataset.json",
             "{\"valid\": {\"count\": 32, \"class_counts\": {\"neutral\": 4}, \"dropped\": {\"unknown\": 1}, "
             "\"fingerprint\": \"f00d\"}}");
  write_text(run / "fingerprint.json", "{\"train_dataset\": \"aaaa\", \"valid_dataset\": \"bbbb\", \"switches_sha256\": \"cccc\"}");
  std::string log;
  for (int e = 1; e <= 3; ++e)
    log += "{\"epoch\": " + std::to_string(e) + ", \"train_loss\": " + std::to_string(2.0 / e) + ", \"train_acc\": " +
           std::to_string(0.3 + 0.1 * e) + ", \"valid_acc\": " + std::to_string(0.25 + 0.1 * e) +
           ", \"valid_macro_f1\": " + std::to_string(0.2 + 0.08 * e) + ", \"valid_nll\": " + std::to_string(1.8 / e) + "}\n";
  write_text(run / "metrics.jsonl", log);
  write_random_checkpoint(run / "best.pt");
  // 60 predictions over 6 of the 8 classes (no disgust, no contempt): right about two times in three.
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int present[6] = {0, 1, 2, 3, 4, 6};
  ProbabilityMatrix p(60, kNumClasses);
  std::vector<int> labels;
  std::vector<std::string> paths;
  for (int i = 0; i < 60; ++i) {
    const int y = present[i % 6];
    const int guess = u(rng) < 0.67 ? y : static_cast<int>(u(rng) * kNumClasses) % kNumClasses;
    double s = 0;
    for (int k = 0; k < kNumClasses; ++k) s += (p.at(i, k) = (k == guess ? 2.0 + 3 * u(rng) : u(rng)));
    for (int k = 0; k < kNumClasses; ++k) p.at(i, k) /= s;
    labels.push_back(y);
    paths.push_back("FER2013Valid/face" + std::to_string(i) + ".png");
  }
  write_predictions_csv(run / "predictions.csv", paths, labels, p);
  EvaluationOptions eo;
  eo.bootstrap.resamples = 100;
  write_json_file(run / "metrics.json", metrics_to_json(evaluate(p, labels, eo), (run / "best.pt").string(), "f00d"));
  write_png(run / "prototypes/bank_heatmap.png", 3, 96);
  write_png(run / "topomaps.png", 4, 96);
}

}  // namespace ferkit::test
