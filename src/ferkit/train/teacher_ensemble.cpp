// Teacher logit export and ensemble search (ferkit/teacher.h).
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "ferkit/calibration.h"
#include "ferkit/classifier.h"
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/manifest.h"
#include "ferkit/metrics.h"
#include "ferkit/options.h"
#include "ferkit/predict.h"
#include "ferkit/run_dir.h"
#include "ferkit/side_file.h"
#include "ferkit/teacher.h"
#include "ferkit/trainer.h"

namespace ferkit {
namespace {

struct MemberFields {
  std::string model;
  std::string backend = "auto";
  double weight = 1.0;
  double temperature = 1.0;
  template <class V>
  void visit(V& v) {
    v("model", model, "checkpoint or .onnx");
    v("backend", backend, "classifier backend");
    v("weight", weight, "fusion weight");
    v("temperature", temperature, "temperature of this member");
  }
};

bool is_ensemble_recipe(const std::filesystem::path& p) {
  if (p.extension() != ".json" || !std::filesystem::exists(p)) return false;
  return read_json_file(p).contains("members");
}

void validate_members(std::vector<EnsembleMember>& m, const std::string& where) {
  FERKIT_CHECK(!m.empty(), where << ": the ensemble is empty (give at least one member)");
  double sum = 0;
  for (const auto& e : m) {
    FERKIT_CHECK(e.weight >= 0, where << ": member " << e.model << " has weight " << e.weight << " < 0");
    FERKIT_CHECK(e.temperature > 0, where << ": member " << e.model << " has temperature " << e.temperature << " <= 0");
    sum += e.weight;
  }
  FERKIT_CHECK(sum > 0, where << ": all ensemble weights are 0");
  if (std::abs(sum - 1.0) > 1e-6) {
    warn(where + ": ensemble weights sum to " + std::to_string(sum) + ", not 1: normalised");
    for (auto& e : m) e.weight /= sum;
  }
}

// Probabilities softmax(z / T) for one member.
ProbabilityMatrix member_probs(const LogitMatrix& z, double t) { return softmax_with_temperature(z, t); }

double objective_value(const ProbabilityMatrix& p, const std::vector<int>& y, const std::string& objective, double* nll_out) {
  double nll = 0;
  for (int64_t i = 0; i < p.rows; ++i) nll -= std::log(std::max(p.at(i, y[i]), 1e-12));
  nll /= static_cast<double>(p.rows);
  if (nll_out) *nll_out = nll;
  if (objective == "nll") return -nll;
  auto cm = confusion_matrix(y, argmax_rows(p), p.cols);
  return mean_f1(class_reports(cm), all_classes(p.cols));
}

// All weight vectors on the simplex with the given step.
void simplex(int m, int units, std::vector<int>& cur, std::vector<std::vector<double>>& out) {
  if (static_cast<int>(cur.size()) == m - 1) {
    int used = std::accumulate(cur.begin(), cur.end(), 0);
    std::vector<double> w;
    for (int c : cur) w.push_back(static_cast<double>(c) / units);
    w.push_back(static_cast<double>(units - used) / units);
    out.push_back(w);
    return;
  }
  int used = std::accumulate(cur.begin(), cur.end(), 0);
  for (int c = 0; c <= units - used; ++c) {
    cur.push_back(c);
    simplex(m, units, cur, out);
    cur.pop_back();
  }
}

}  // namespace

void write_ensemble_recipe(const std::filesystem::path& file, const EnsembleRecipe& r) {
  nlohmann::json j;
  for (const auto& m : r.members)
    j["members"].push_back({{"model", m.model}, {"backend", m.backend}, {"weight", m.weight}, {"temperature", m.temperature}});
  j["objective"] = r.objective;
  j["validation"] = r.validation;
  write_json_file(file, j);
}

EnsembleRecipe read_ensemble_recipe(const std::filesystem::path& file) {
  nlohmann::json j = read_json_file(file);
  FERKIT_CHECK(j.contains("members") && j["members"].is_array(), file.string() << ": expected an ensemble recipe with a \"members\" array");
  EnsembleRecipe r;
  for (size_t i = 0; i < j["members"].size(); ++i) {
    MemberFields f;
    bind_options(j["members"][i], f, file.string() + ":members[" + std::to_string(i) + "]");
    r.members.push_back({f.model, f.backend, f.weight, f.temperature});
  }
  validate_members(r.members, file.string());
  r.objective = j.value("objective", "");
  if (j.contains("validation")) r.validation = j["validation"];
  return r;
}

LogitMatrix fuse_ensemble_logits(const std::vector<LogitMatrix>& z, const std::vector<EnsembleMember>& members) {
  FERKIT_CHECK(!z.empty() && z.size() == members.size(), "ensemble: " << z.size() << " logit sets for " << members.size() << " members");
  LogitMatrix out(z[0].rows, z[0].cols);
  std::vector<double> acc(out.values.size(), 0.0);
  for (size_t j = 0; j < z.size(); ++j) {
    FERKIT_CHECK(z[j].rows == out.rows && z[j].cols == out.cols, "ensemble: member " << j << " has " << z[j].rows << "x" << z[j].cols
                                                                                    << " logits, member 0 " << out.rows << "x" << out.cols);
    ProbabilityMatrix p = member_probs(z[j], members[j].temperature);
    for (size_t i = 0; i < acc.size(); ++i) acc[i] += members[j].weight * p.values[i];
  }
  for (size_t i = 0; i < acc.size(); ++i) out.values[i] = std::log(std::max(acc[i], 1e-30));
  return out;
}

LogitMatrix teacher_logits(const std::filesystem::path& model, const std::string& backend, const Dataset& data, int threads) {
  PredictOptions po;
  po.threads = threads;
  if (is_ensemble_recipe(model)) {
    EnsembleRecipe r = read_ensemble_recipe(model);
    std::vector<LogitMatrix> zs;
    for (const auto& m : r.members) zs.push_back(teacher_logits(m.model, m.backend, data, threads));
    return fuse_ensemble_logits(zs, r.members);
  }
  auto clf = open_classifier(model, backend);
  return predict_dataset(*clf, data, po).logits;
}

int64_t export_teacher_logits(const TeacherExportOptions& o, const std::filesystem::path& out) {
  torch::set_num_threads(o.threads);
  Dataset d = stratified_subset(read_dataset(o.data), o.limit, o.seed);
  Manifest m = build_manifest(d, o.threads);
  LogitMatrix z = teacher_logits(o.model, o.backend, d, o.threads);
  SideFile s;
  s.kind = "teacher_logits";
  s.identity = m.identity();
  s.cols = z.cols;
  s.values.assign(z.values.begin(), z.values.end());
  for (float v : s.values) FERKIT_CHECK(std::isfinite(v), "teacher export: " << o.model << " produced a non-finite logit");
  write_side_file(out, s);
  return z.rows;
}

EnsembleRecipe search_ensemble(const EnsembleSearchOptions& o) {
  FERKIT_CHECK(!o.models.empty(), "ensemble search: the ensemble is empty (give at least one --teacher)");
  FERKIT_CHECK(o.models.size() <= 6, "ensemble search: at most 6 members, got " << o.models.size());
  FERKIT_CHECK(o.objective == "macro_f1" || o.objective == "nll", "ensemble search: objective must be macro_f1 or nll");
  FERKIT_CHECK(o.weight_step > 0 && o.weight_step <= 1, "ensemble search: weight_step must be in (0, 1]");
  for (double t : o.temperatures) FERKIT_CHECK(t > 0, "ensemble search: temperatures must be > 0, got " << t);
  torch::set_num_threads(o.threads);
  Dataset d = read_dataset(o.data);
  std::vector<int> y;
  for (const auto& s : d.samples) y.push_back(s.label);
  const int m = static_cast<int>(o.models.size());
  std::vector<LogitMatrix> z;
  for (const auto& path : o.models) z.push_back(teacher_logits(path, o.backend, d, o.threads));

  // Singles first: each member alone, at its NLL-optimal temperature.
  nlohmann::json singles = nlohmann::json::array();
  std::vector<double> fitted_t;
  double best_single = -INFINITY;
  for (int j = 0; j < m; ++j) {
    fitted_t.push_back(fit_temperature(z[j], y).temperature);
    ProbabilityMatrix p = member_probs(z[j], 1.0);
    auto r = classification_metrics(p, y, all_classes(kNumClasses));
    double nll = 0;
    double obj = objective_value(member_probs(z[j], fitted_t[j]), y, o.objective, &nll);
    best_single = std::max(best_single, obj);
    singles.push_back({{"model", o.models[j]}, {"acc", r.accuracy}, {"macro_f1", r.macro_f1}, {"nll_at_fitted_t", nll},
                       {"fitted_temperature", fitted_t[j]}});
  }

  std::vector<std::vector<double>> weights;
  std::vector<int> cur;
  simplex(m, static_cast<int>(std::llround(1.0 / o.weight_step)), cur, weights);
  // Temperature grid per member when the search stays small; else each member's fitted T.
  const double combos = static_cast<double>(weights.size()) * std::pow(static_cast<double>(o.temperatures.size()), m);
  std::vector<std::vector<double>> tgrid(m);
  for (int j = 0; j < m; ++j) tgrid[j] = combos <= 200000 ? o.temperatures : std::vector<double>{fitted_t[j]};
  std::vector<std::vector<ProbabilityMatrix>> cache(m);
  for (int j = 0; j < m; ++j)
    for (double t : tgrid[j]) cache[j].push_back(member_probs(z[j], t));

  double best = -INFINITY, best_nll = INFINITY;
  std::vector<double> best_w;
  std::vector<int> best_ti;
  std::vector<int> ti(m, 0);
  ProbabilityMatrix fused(d.samples.size(), kNumClasses);
  std::function<void(int)> over_t = [&](int j) {
    if (j == m) {
      for (const auto& w : weights) {
        std::fill(fused.values.begin(), fused.values.end(), 0.0);
        for (int k = 0; k < m; ++k) {
          if (w[k] == 0) continue;
          const auto& p = cache[k][ti[k]].values;
          for (size_t i = 0; i < p.size(); ++i) fused.values[i] += w[k] * p[i];
        }
        double nll = 0;
        double v = objective_value(fused, y, o.objective, &nll);
        if (v > best + 1e-12 || (std::abs(v - best) <= 1e-12 && nll < best_nll)) {
          best = v;
          best_nll = nll;
          best_w = w;
          best_ti = ti;
        }
      }
      return;
    }
    for (size_t t = 0; t < tgrid[j].size(); ++t) {
      ti[j] = static_cast<int>(t);
      over_t(j + 1);
    }
  };
  over_t(0);

  EnsembleRecipe r;
  r.objective = o.objective;
  for (int j = 0; j < m; ++j) r.members.push_back({o.models[j], o.backend, best_w[j], tgrid[j][best_ti[j]]});
  std::vector<LogitMatrix> zz(z.begin(), z.end());
  ProbabilityMatrix p = softmax_with_temperature(fuse_ensemble_logits(zz, r.members), 1.0);
  auto er = classification_metrics(p, y, all_classes(kNumClasses));
  r.validation = {{"data", o.data.path.string()}, {"split", o.data.split}, {"n", y.size()},
                  {"ensemble", {{"acc", er.accuracy}, {"macro_f1", er.macro_f1}, {"nll", best_nll}, {"objective", best}}},
                  {"singles", singles}, {"best_single_objective", best_single},
                  {"temperature_search", combos <= 200000 ? "grid" : "per-member NLL fit"}};
  return r;
}

}  // namespace ferkit
