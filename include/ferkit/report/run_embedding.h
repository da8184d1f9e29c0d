// The 2-D map of a training run's features: t-SNE (ferkit/report/tsne.h) of the 256-D features of
// a subsample of its validation data, drawn as a scatter plot coloured by true class.
//
//   ferkit::EmbeddingOptions o;              // 1000 points, perplexity 30, 1 thread
//   ferkit::RunEmbedding e = ferkit::write_run_embedding("runs/b0", "runs/b0/report/embedding.png", o);
//   e.points;  e.source;   // "best.pt on ../shared/data/ferplus (valid)" or "features.npz"
//
// Where the features come from, first found:
// 1. RUN/features.npz with arrays features [N, D] float32 and labels [N] int64 (canonical classes);
// 2. RUN/features.npz written as a ferkit side file of kind "features" (ferkit/side_file.h) over the
//    run's validation data, whose labels are read from that data (the side file must match it);
// 3. RUN/best.pt run over the run's validation data (predict.h, features = true).
// The validation data is what RUN/config.json names (data.valid_path or data.path, valid_format or
// format, valid_split, valid_label_mode, and the limit_valid subset the trainer used); a relative
// path is tried from the current directory, the source tree and the run directory's parents;
// EmbeddingOptions::data_path overrides it. A seeded, class-stratified subsample of `points`
// samples is embedded (all when there are fewer). Errors name the missing file or field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "ferkit/report/tsne.h"

namespace ferkit {

struct EmbeddingOptions {
  int points = 1000;      // samples embedded (a class-stratified subsample)
  TsneOptions tsne;       // perplexity (lowered to (points - 1) / 3 for tiny sets), iterations, seed
  int threads = 1;        // torch and decode threads when features are computed
  std::string data_path;  // validation data root ("" = the run's config.json)
  template <class V>
  void visit(V& v) {
    v("points", points, "samples embedded (class-stratified subsample)");
    v("tsne", tsne, "t-SNE options");
    v("threads", threads, "torch and decode threads when features are computed");
    v("data_path", data_path, "validation data root (empty = the run's config.json)");
  }
};

struct RunEmbedding {
  std::filesystem::path png;
  std::string source;      // where the features came from
  int64_t points = 0, dim = 0;
  double perplexity = 0;   // the perplexity used
  double kl_divergence = 0;
};

RunEmbedding write_run_embedding(const std::filesystem::path& run_dir, const std::filesystem::path& png,
                                 const EmbeddingOptions& options = {});

// The run's validation data root from its config.json (resolved as above); override wins when set.
std::filesystem::path run_valid_data_path(const std::filesystem::path& run_dir, const nlohmann::json& config,
                                          const std::string& override_path = "");

}  // namespace ferkit
