// The EEG teacher's cross-validation: per fold train the CNN, predict the held-out subjects, fit
// the two baselines; then intervals over folds, the fold models and the out-of-fold features.
#include "ferkit/eeg_teacher.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>

#include "ferkit/affect_metrics.h"
#include "ferkit/console.h"
#include "ferkit/eeg_teacher_net.h"
#include "ferkit/error.h"
#include "ferkit/npz.h"
#include "ferkit/options.h"
#include "ferkit/ridge_regression.h"
#include "ferkit/run_dir.h"
#include "ferkit/sha256.h"
#include "ferkit/subject_folds.h"
#include "ferkit/topomap_dataset.h"
#include "ferkit/version.h"

namespace ferkit {
namespace {

using nlohmann::json;
const char* const kDims[2] = {"valence", "arousal"};
const char* const kModels[3] = {"teacher", "mean", "ridge"};

// 1 - CCC per output column, averaged: the batch version of the reported metric.
torch::Tensor ccc_loss(const torch::Tensor& pred, const torch::Tensor& y) {
  const torch::Tensor mx = pred.mean(0), my = y.mean(0);
  const torch::Tensor vx = (pred - mx).pow(2).mean(0), vy = (y - my).pow(2).mean(0);
  const torch::Tensor cov = ((pred - mx) * (y - my)).mean(0);
  return (1.0 - 2.0 * cov / (vx + vy + (mx - my).pow(2) + 1e-8)).mean();
}

// Batches of a shuffled order; a last batch of one map joins the previous one (BatchNorm needs two).
std::vector<std::vector<int64_t>> batches(const std::vector<int64_t>& order, int batch_size) {
  std::vector<std::vector<int64_t>> out;
  for (size_t i = 0; i < order.size(); i += static_cast<size_t>(batch_size))
    out.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(i),
                     order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), i + static_cast<size_t>(batch_size))));
  if (out.size() >= 2 && out.back().size() == 1) {
    out[out.size() - 2].push_back(out.back()[0]);
    out.pop_back();
  }
  return out;
}

json dimension_metrics(const torch::Tensor& pred, const torch::Tensor& y) {
  json j;
  for (int d = 0; d < 2; ++d) {
    torch::Tensor p = pred.select(1, d).to(torch::kFloat64).contiguous(), t = y.select(1, d).to(torch::kFloat64).contiguous();
    std::vector<double> pv(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
    std::vector<double> tv(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
    const double c = concordance_correlation(pv, tv);
    j[kDims[d]] = {{"ccc", std::isfinite(c) ? json(c) : json(nullptr)}, {"rmse", root_mean_squared_error(pv, tv)}};
  }
  return j;
}

json interval_json(const std::vector<double>& values) {
  FoldInterval s = fold_interval(values);
  auto num = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
  return {{"mean", num(s.mean)}, {"std", num(s.std)}, {"t_low", num(s.t_low)}, {"t_high", num(s.t_high)},
          {"n", s.n}, {"left_out_nan", s.left_out}, {"values", values}};
}

// Raw band powers as ridge inputs: log10 when every power is positive (they span decades).
torch::Tensor band_power_inputs(const TopomapDataset& d, bool& log_used) {
  torch::Tensor bp = torch::from_blob(const_cast<double*>(d.band_power.data()), {d.count, d.bands * d.channels},
                                      torch::kFloat64)
                         .clone();
  log_used = (bp > 0).all().item<bool>();
  return log_used ? torch::log10(bp) : bp;
}

struct FoldOutput {
  torch::Tensor features, ratings;  // held-out rows
  double final_loss = 0, seconds = 0;
};

FoldOutput train_fold(const EegTeacherOptions& o, const EegTeacherSpec& spec, const torch::Tensor& x, const torch::Tensor& y,
                      const std::vector<int64_t>& train_rows, const std::vector<int64_t>& test_rows, int fold,
                      const std::filesystem::path& weights, const json& sidecar_extra) {
  const auto start = std::chrono::steady_clock::now();
  torch::manual_seed(static_cast<uint64_t>(o.seed) * 1000003ull + static_cast<uint64_t>(fold));
  EegTeacherNet net(spec);
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
  std::mt19937_64 rng(static_cast<uint64_t>(o.seed) * 7919ull + static_cast<uint64_t>(fold));
  std::vector<int64_t> order = train_rows;
  const int64_t steps_per_epoch = static_cast<int64_t>(batches(order, o.batch_size).size());
  const int64_t total = steps_per_epoch * o.epochs;
  int64_t step = 0;
  FoldOutput out;
  net->train();
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double sum = 0;
    int64_t seen = 0;
    for (const auto& b : batches(order, o.batch_size)) {
      const double lr = o.lr * (0.01 + 0.99 * 0.5 * (1 + std::cos(M_PI * static_cast<double>(step) / total)));
      for (auto& g : opt.param_groups()) g.options().set_lr(lr);
      const torch::Tensor idx = torch::tensor(b);
      const torch::Tensor yb = y.index_select(0, idx);
      const torch::Tensor pred = net->forward(x.index_select(0, idx)).ratings;
      const torch::Tensor loss = o.loss == "mse" ? (pred - yb).pow(2).mean() : ccc_loss(pred, yb);
      opt.zero_grad();
      loss.backward();
      opt.step();
      sum += loss.item<double>() * static_cast<double>(b.size());
      seen += static_cast<int64_t>(b.size());
      ++step;
    }
    out.final_loss = sum / static_cast<double>(std::max<int64_t>(1, seen));
    debug("EEG teacher fold " + std::to_string(fold) + " epoch " + std::to_string(epoch + 1) + ": loss " +
          std::to_string(out.final_loss));
  }
  net->eval();
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> feats, rates;
  for (size_t i = 0; i < test_rows.size(); i += 256) {
    std::vector<int64_t> chunk(test_rows.begin() + static_cast<std::ptrdiff_t>(i),
                               test_rows.begin() + static_cast<std::ptrdiff_t>(std::min(test_rows.size(), i + 256)));
    EegTeacherOutput r = net->forward(x.index_select(0, torch::tensor(chunk)));
    feats.push_back(r.features);
    rates.push_back(r.ratings);
  }
  out.features = torch::cat(feats);
  out.ratings = torch::cat(rates);
  json extra = sidecar_extra;
  extra["final_train_loss"] = out.final_loss;
  save_eeg_teacher(weights, net, extra);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

template <class T>
NpyArray npy_of(const torch::Tensor& t) {
  torch::Tensor c = t.contiguous();
  std::vector<int64_t> shape(c.sizes().begin(), c.sizes().end());
  return NpyArray::from<T>(shape, c.data_ptr<T>());
}

}  // namespace

EegTeacherResult train_eeg_teacher(const EegTeacherOptions& o) {
  FERKIT_CHECK(!o.topomaps.empty(), "eeg teacher: --topomaps (a topomaps.npz from `ferkit eeg topomaps`) is required");
  FERKIT_CHECK(!o.out.empty(), "eeg teacher: --out (the output folder) is required");
  FERKIT_CHECK(o.loss == "mse" || o.loss == "ccc", "eeg teacher: loss must be mse or ccc, got '" << o.loss << "'");
  FERKIT_CHECK(o.epochs >= 1 && o.batch_size >= 2 && o.threads >= 1 && o.lr > 0,
               "eeg teacher: expected epochs >= 1, batch_size >= 2, threads >= 1, lr > 0, got epochs "
                   << o.epochs << ", batch_size " << o.batch_size << ", threads " << o.threads << ", lr " << o.lr);
  FERKIT_CHECK(!o.ridge_lambdas.empty(), "eeg teacher: ridge_lambdas is empty");
  torch::set_num_threads(o.threads);
  const auto start = std::chrono::steady_clock::now();

  TopomapDataset d = read_topomap_dataset(o.topomaps, /*require_ratings=*/true);
  SubjectFolds folds = leave_subjects_out_folds(d.subject, o.folds, o.seed);
  const std::set<int64_t> subjects(d.subject.begin(), d.subject.end());
  info("EEG teacher: " + std::to_string(d.count) + " maps x " + std::to_string(d.bands) + " bands x " +
       std::to_string(d.grid) + "x" + std::to_string(d.grid) + ", " + std::to_string(subjects.size()) + " subjects, " +
       std::to_string(o.folds) + " leave-subjects-out folds, loss " + o.loss);

  const torch::Tensor x =
      torch::from_blob(d.maps.data(), {d.count, d.bands, d.grid, d.grid}, torch::kFloat32).clone();
  torch::Tensor y = torch::stack({torch::from_blob(d.valence.data(), {d.count}, torch::kFloat32),
                                  torch::from_blob(d.arousal.data(), {d.count}, torch::kFloat32)},
                                 1)
                        .clone();
  bool log_power = false;
  const bool have_band_power = !d.band_power.empty();
  torch::Tensor bp = have_band_power ? band_power_inputs(d, log_power) : torch::Tensor();
  if (!have_band_power) warn(o.topomaps + " has no band_power array: the ridge baseline is skipped");

  EegTeacherSpec spec;
  spec.bands = static_cast<int>(d.bands);
  spec.grid = static_cast<int>(d.grid);
  spec.width = o.width;
  spec.feature_dim = o.feature_dim;
  spec.dropout = o.dropout;

  const std::filesystem::path dir(o.out);
  std::filesystem::create_directories(dir);
  torch::Tensor oof_features = torch::zeros({d.count, o.feature_dim}, torch::kFloat32);
  torch::Tensor oof_pred[3];
  for (auto& p : oof_pred) p = torch::full({d.count, 2}, std::nan(""), torch::kFloat64);
  torch::Tensor fold_ids = torch::zeros({d.count}, torch::kInt64);

  json fold_rows = json::array();
  for (int k = 0; k < o.folds; ++k) {
    std::vector<int64_t> tr, te;
    for (int64_t i = 0; i < d.count; ++i) (folds.fold_of_row[static_cast<size_t>(i)] == k ? te : tr).push_back(i);
    const torch::Tensor itr = torch::tensor(tr), ite = torch::tensor(te);
    json extra = {{"fold", k + 1}, {"held_out_subjects", folds.subjects[static_cast<size_t>(k)]},
                  {"train_maps", tr.size()}, {"held_out_maps", te.size()}, {"options", to_json(o)},
                  {"topomaps_sha256", d.sha256}, {"git_commit", git_commit()}};
    FoldOutput f = train_fold(o, spec, x, y, tr, te, k + 1, dir / ("fold-" + std::to_string(k + 1) + ".pt"), extra);
    oof_features.index_copy_(0, ite, f.features.to(torch::kFloat32));
    fold_ids.index_fill_(0, ite, k + 1);
    const torch::Tensor yte = y.index_select(0, ite);

    // Baselines on the same split.
    const torch::Tensor mean_pred = y.index_select(0, itr).to(torch::kFloat64).mean(0).expand({ite.size(0), 2});
    json ridge_info = nullptr;
    torch::Tensor ridge_pred;
    if (have_band_power) {
      std::vector<int64_t> train_subjects;
      for (int64_t i : tr) train_subjects.push_back(d.subject[static_cast<size_t>(i)]);
      const int n_train_subjects = static_cast<int>(std::set<int64_t>(train_subjects.begin(), train_subjects.end()).size());
      const torch::Tensor xtr = bp.index_select(0, itr), ytr = y.index_select(0, itr);
      double lambda = 1.0;
      json cv = nullptr;
      if (n_train_subjects >= 2 && o.ridge_lambdas.size() > 1) {
        SubjectFolds inner =
            leave_subjects_out_folds(train_subjects, std::min(o.ridge_inner_folds, n_train_subjects), o.seed + 1);
        RidgeSelection sel = select_ridge_lambda(xtr, ytr, inner.fold_of_row, o.ridge_lambdas);
        lambda = sel.lambda;
        cv = sel.cv_mse;
      } else {
        lambda = o.ridge_lambdas.front();
      }
      ridge_pred = fit_ridge(xtr, ytr, lambda).predict(bp.index_select(0, ite));
      ridge_info = {{"lambda", lambda}, {"inner_cv_mse", cv}};
    }
    oof_pred[0].index_copy_(0, ite, f.ratings.to(torch::kFloat64));
    oof_pred[1].index_copy_(0, ite, mean_pred.contiguous());
    if (ridge_pred.defined()) oof_pred[2].index_copy_(0, ite, ridge_pred);

    json row = {{"fold", k + 1},
                {"held_out_subjects", folds.subjects[static_cast<size_t>(k)]},
                {"train_maps", tr.size()},
                {"held_out_maps", te.size()},
                {"final_train_loss", f.final_loss},
                {"train_seconds", f.seconds},
                {"teacher", dimension_metrics(f.ratings, yte)},
                {"mean", dimension_metrics(mean_pred, yte)}};
    if (ridge_pred.defined()) {
      row["ridge"] = dimension_metrics(ridge_pred, yte);
      row["ridge"]["lambda"] = ridge_info["lambda"];
      row["ridge"]["inner_cv_mse"] = ridge_info["inner_cv_mse"];
    }
    char line[256];
    std::snprintf(line, sizeof line, "fold %d/%d (%zu held-out maps, %.1f s): teacher CCC valence %.3f arousal %.3f",
                  k + 1, o.folds, te.size(), f.seconds, row["teacher"]["valence"]["ccc"].is_number() ? row["teacher"]["valence"]["ccc"].get<double>() : NAN,
                  row["teacher"]["arousal"]["ccc"].is_number() ? row["teacher"]["arousal"]["ccc"].get<double>() : NAN);
    info(line);
    fold_rows.push_back(row);
  }

  json summary, pooled;
  for (const char* m : kModels) {
    if (std::string(m) == "ridge" && !have_band_power) continue;
    for (const char* dim : kDims) {
      for (const char* metric : {"ccc", "rmse"}) {
        std::vector<double> values;
        for (const auto& r : fold_rows) {
          const json& v = r[m][dim][metric];
          values.push_back(v.is_number() ? v.get<double>() : std::nan(""));
        }
        summary[m][dim][metric] = interval_json(values);
      }
    }
    const int idx = std::string(m) == "teacher" ? 0 : std::string(m) == "mean" ? 1 : 2;
    pooled[m] = dimension_metrics(oof_pred[idx], y);
  }

  json metrics;
  metrics["topomaps"] = o.topomaps;
  metrics["topomaps_sha256"] = d.sha256;
  metrics["eeg_source"] = d.source;
  metrics["count"] = d.count;
  metrics["bands"] = d.band_names;
  metrics["grid"] = d.grid;
  metrics["subjects"] = subjects.size();
  metrics["options"] = to_json(o);
  metrics["spec"] = to_json(spec);
  metrics["ridge_inputs"] = have_band_power ? json(std::string(log_power ? "log10" : "linear") + " band power, " +
                                                   std::to_string(d.bands * d.channels) + " columns, standardised on the training folds")
                                            : json(nullptr);
  metrics["interval"] = "mean ± std over folds; t_low/t_high: mean ± t(0.975, K-1) · std / sqrt(K)";
  metrics["folds"] = fold_rows;
  metrics["summary"] = summary;
  metrics["pooled"] = pooled;
  metrics["threads"] = o.threads;
  metrics["git_commit"] = git_commit();
  metrics["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Out-of-fold features and their provenance.
  NpzArchive a;
  a["features"] = npy_of<float>(oof_features);
  a["predictions"] = npy_of<float>(oof_pred[0].to(torch::kFloat32));
  a["valence"] = NpyArray::from<float>({d.count}, d.valence.data());
  a["arousal"] = NpyArray::from<float>({d.count}, d.arousal.data());
  a["subject"] = NpyArray::from<int64_t>({d.count}, d.subject.data());
  a["trial"] = NpyArray::from<int64_t>({d.count}, d.trial.data());
  a["window"] = NpyArray::from<int64_t>({d.count}, d.window.data());
  a["fold"] = npy_of<int64_t>(fold_ids);
  const auto features_file = dir / "features.npz";
  write_npz(features_file, a);
  json fj;
  fj["kind"] = "eeg_teacher_features";
  fj["features_sha256"] = sha256_file(features_file);
  fj["feature_dim"] = o.feature_dim;
  fj["count"] = d.count;
  fj["out_of_fold"] = "each map's feature comes from the model of the fold that held its subject out";
  fj["topomaps"] = o.topomaps;
  fj["topomaps_sha256"] = d.sha256;
  fj["eeg_source"] = d.source.is_object()
                         ? json{{"format", d.source.value("format", "")}, {"data", d.source.value("data", "")},
                                {"bands", d.source.value("bands", json::array())},
                                {"channels", d.source.value("channels", json::array())},
                                {"ratings", d.source.contains("options") ? d.source["options"].value("ratings", "") : ""}}
                         : json(nullptr);
  fj["teacher"] = {{"dir", dir.string()}, {"options", to_json(o)}, {"spec", to_json(spec)}};
  fj["layout"] = {{"features", "[M, D] float32, out-of-fold penultimate features (not normalised)"},
                  {"predictions", "[M, 2] float32, out-of-fold (valence, arousal)"},
                  {"valence/arousal", "[M] float32 in [-1, 1], the ratings"},
                  {"subject/trial/window", "[M] int64, as in the topomaps"},
                  {"fold", "[M] int64, 1-based fold that held the map out"}};
  fj["git_commit"] = git_commit();
  write_json_file(dir / "features.json", fj);
  write_json_file(dir / "metrics.json", metrics);

  EegTeacherResult r;
  r.dir = dir;
  r.features = features_file;
  r.metrics = metrics;
  return r;
}

std::vector<std::string> describe_teacher_metrics(const json& m) {
  std::vector<std::string> lines;
  if (!m.contains("summary")) return lines;
  const int k = m.contains("folds") ? static_cast<int>(m["folds"].size()) : 0;
  lines.push_back("over " + std::to_string(k) + " leave-subjects-out folds: mean ± std [95% t interval]");
  for (const char* model : kModels) {
    if (!m["summary"].contains(model)) continue;
    for (const char* dim : kDims) {
      std::string line;
      char buf[160];
      std::snprintf(buf, sizeof buf, "%-8s %-8s", model, dim);
      line = buf;
      for (const char* metric : {"ccc", "rmse"}) {
        const json& s = m["summary"][model][dim][metric];
        auto v = [&](const char* key) { return s[key].is_number() ? s[key].get<double>() : std::nan(""); };
        std::snprintf(buf, sizeof buf, "  %s %.3f ± %.3f [%.3f, %.3f]", metric, v("mean"), v("std"), v("t_low"),
                      v("t_high"));
        line += buf;
      }
      lines.push_back(line);
    }
  }
  return lines;
}

}  // namespace ferkit
