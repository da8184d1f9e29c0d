// The t-SNE map of a run's validation features (ferkit/report/run_embedding.h).
#include "ferkit/report/run_embedding.h"

#include <torch/torch.h>

#include <algorithm>

#include "ferkit/bootstrap.h"
#include "ferkit/checkpoint.h"
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/manifest.h"
#include "ferkit/npz.h"
#include "ferkit/predict.h"
#include "ferkit/readers.h"
#include "ferkit/report/install_paths.h"
#include "ferkit/report/scatter_chart.h"
#include "ferkit/run_dir.h"
#include "ferkit/side_file.h"
#include "ferkit/trainer.h"

namespace ferkit {
namespace {

struct Features {
  std::vector<float> values;  // n x dim
  std::vector<int> labels;
  int64_t dim = 0;
  std::string source;
};

std::string config_string(const nlohmann::json& data, const std::string& key, const std::string& fallback_key,
                          const std::string& fallback) {
  std::string v = data.value(key, std::string());
  if (v.empty() && !fallback_key.empty()) v = data.value(fallback_key, std::string());
  return v.empty() ? fallback : v;
}

// The validation split as the trainer read it (reader, split, label rule, limit_valid subset).
Dataset read_run_valid(const std::filesystem::path& run_dir, const nlohmann::json& config, const std::string& override_path) {
  const nlohmann::json data = config.value("data", nlohmann::json::object());
  ReadOptions ro;
  ro.format = config_string(data, "valid_format", "format", "ferplus");
  ro.path = run_valid_data_path(run_dir, config, override_path);
  ro.split = config_string(data, "valid_split", "", "valid");
  ro.label_mode = config_string(data, "valid_label_mode", "", "majority");
  Dataset d = read_dataset(ro);
  FERKIT_CHECK(!d.samples.empty(), ro.path.string() << " (split " << ro.split << "): no validation samples");
  return stratified_subset(d, data.value("limit_valid", int64_t{0}), config.value("seed", int64_t{0}) + 1);
}

Features features_from_npz(const std::filesystem::path& file, const std::filesystem::path& run_dir,
                           const nlohmann::json& config, const std::string& override_path) {
  NpzArchive a = read_npz(file);
  Features f;
  if (a.count("features") && a.count("labels")) {
    const NpyArray& x = a.at("features");
    FERKIT_CHECK(x.shape.size() == 2, file.string() << ": features must be [N, D], got " << x.shape.size() << " dimensions");
    const std::vector<double> labels = a.at("labels").to_double();
    FERKIT_CHECK(static_cast<int64_t>(labels.size()) == x.shape[0],
                 file.string() << ": " << x.shape[0] << " feature rows but " << labels.size() << " labels");
    const float* v = x.data<float>(file.string() + ":features");
    f.values.assign(v, v + x.size());
    f.dim = x.shape[1];
    for (size_t i = 0; i < labels.size(); ++i) {
      const int k = static_cast<int>(labels[i]);
      FERKIT_CHECK(k >= 0 && k < kNumClasses && k == labels[i],
                   file.string() << ":labels[" << i << "]: expected a class in [0, 8), got " << labels[i]);
      f.labels.push_back(k);
    }
    f.source = file.filename().string() + " (features and labels arrays)";
    return f;
  }
  Dataset valid = read_run_valid(run_dir, config, override_path);
  SideFile s = read_side_file(file, build_manifest(valid, 2).identity(), "features");
  f.values = std::move(s.values);
  f.dim = s.cols;
  for (const auto& smp : valid.samples) f.labels.push_back(smp.label);
  f.source = file.filename().string() + " (side file over the validation data)";
  return f;
}

// A seeded sample of n indices, about proportional per class, in increasing order.
std::vector<int64_t> stratified_pick(const std::vector<int>& labels, int64_t n, int64_t seed) {
  const int64_t total = static_cast<int64_t>(labels.size());
  std::vector<int64_t> all(static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) all[i] = i;
  if (n <= 0 || n >= total) return all;
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  std::vector<int64_t> picked;
  for (int k = 0; k < kNumClasses; ++k) {
    std::vector<int64_t> members;
    for (int64_t i = 0; i < total; ++i)
      if (labels[i] == k) members.push_back(i);
    if (members.empty()) continue;
    const int64_t want = std::max<int64_t>(1, static_cast<int64_t>(std::llround(static_cast<double>(members.size()) * n / total)));
    for (int64_t j = 0; j < want && j < static_cast<int64_t>(members.size()); ++j) {  // partial Fisher-Yates
      const int64_t r = j + static_cast<int64_t>(uniform_below(rng, members.size() - j));
      std::swap(members[j], members[r]);
      picked.push_back(members[j]);
    }
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

Features features_from_checkpoint(const std::filesystem::path& run_dir, const nlohmann::json& config,
                                  const EmbeddingOptions& o) {
  const std::filesystem::path ckpt = run_dir / "best.pt";
  FERKIT_CHECK(std::filesystem::exists(ckpt),
               run_dir.string() << ": no features.npz and no best.pt to compute features with (the run has not "
                                   "finished an epoch?)");
  Dataset valid = read_run_valid(run_dir, config, o.data_path);
  valid = stratified_subset(valid, o.points, o.tsne.seed);
  Checkpoint ck = load_checkpoint(ckpt);
  torch::set_num_threads(std::max(1, o.threads));
  PredictOptions po;
  po.threads = std::max(1, o.threads);
  po.features = true;
  DatasetPredictions p = predict_dataset(ck.net, valid, po);
  torch::Tensor feats = p.features.to(torch::kFloat32).contiguous();
  Features f;
  f.dim = feats.size(1);
  f.values.assign(feats.data_ptr<float>(), feats.data_ptr<float>() + feats.numel());
  f.labels = p.labels;
  f.source = "best.pt on " + valid.root.string() + " (" + std::to_string(valid.samples.size()) + " validation samples)";
  return f;
}

}  // namespace

std::filesystem::path run_valid_data_path(const std::filesystem::path& run_dir, const nlohmann::json& config,
                                          const std::string& override_path) {
  if (!override_path.empty()) return override_path;
  const nlohmann::json data = config.value("data", nlohmann::json::object());
  const std::string p = config_string(data, "valid_path", "path", "");
  FERKIT_CHECK(!p.empty(), (run_dir / "config.json").string() << ": expected data.path (or data.valid_path), got none");
  const std::filesystem::path rel(p);
  if (rel.is_absolute()) return rel;
  std::vector<std::filesystem::path> tried{rel, source_dir() / rel};
  for (auto dir = std::filesystem::absolute(run_dir); dir.has_relative_path(); dir = dir.parent_path())
    tried.push_back(dir / rel);
  std::error_code ec;
  for (const auto& t : tried)
    if (std::filesystem::exists(t, ec)) return t;
  std::string where;
  for (const auto& t : tried) where += (where.empty() ? "" : ", ") + t.string();
  throw Error((run_dir / "config.json").string() + ": data path '" + p + "'", "an existing directory (pass --data)",
              "none of " + where);
}

RunEmbedding write_run_embedding(const std::filesystem::path& run_dir, const std::filesystem::path& png,
                                 const EmbeddingOptions& o) {
  FERKIT_CHECK(o.points >= 3, "embedding: points must be >= 3, got " << o.points);
  const nlohmann::json config = read_json_file(run_dir / "config.json");
  Features f = std::filesystem::exists(run_dir / "features.npz")
                   ? features_from_npz(run_dir / "features.npz", run_dir, config, o.data_path)
                   : features_from_checkpoint(run_dir, config, o);
  const std::vector<int64_t> pick = stratified_pick(f.labels, o.points, o.tsne.seed);
  std::vector<float> x;
  std::vector<int> labels;
  x.reserve(pick.size() * static_cast<size_t>(f.dim));
  for (int64_t i : pick) {
    x.insert(x.end(), f.values.begin() + i * f.dim, f.values.begin() + (i + 1) * f.dim);
    labels.push_back(f.labels[i]);
  }
  const int64_t n = static_cast<int64_t>(labels.size());
  FERKIT_CHECK(n >= 3, "embedding: expected at least 3 samples, got " << n);
  TsneOptions to = o.tsne;
  // A perplexity above the neighbours available is meaningless: cap it for tiny sets (reported).
  to.perplexity = std::min(to.perplexity, std::max(1.0, (n - 1) / 3.0));
  info("t-SNE of " + std::to_string(n) + " x " + std::to_string(f.dim) + " features (perplexity " +
       std::to_string(to.perplexity) + ", " + std::to_string(to.iterations) + " iterations)");
  TsneResult t = tsne(x, n, f.dim, to);

  plot::ScatterChart c;
  c.title = "t-SNE of " + std::to_string(n) + " validation features (" + std::to_string(f.dim) + "-D), by true class";
  c.x_label = "t-SNE 1";
  c.y_label = "t-SNE 2";
  for (int64_t i = 0; i < n; ++i) {
    c.x.push_back(t.embedding[2 * i]);
    c.y.push_back(t.embedding[2 * i + 1]);
  }
  c.labels = labels;
  c.class_names.assign(class_names().begin(), class_names().end());
  plot::write_scatter_png(png, c);

  RunEmbedding e;
  e.png = png;
  e.source = f.source;
  e.points = n;
  e.dim = f.dim;
  e.perplexity = to.perplexity;
  e.kl_divergence = t.kl_divergence;
  return e;
}

}  // namespace ferkit
