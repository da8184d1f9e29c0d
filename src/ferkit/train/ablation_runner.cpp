#include "ferkit/ablation.h"

#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "ferkit/options.h"
#include "ferkit/run_dir.h"
#include "ferkit/trainer.h"

namespace ferkit {
namespace {

struct SpecFields {
  std::string name = "ablation";
  std::string base;
  std::vector<int64_t> seeds = {0};
  std::vector<std::string> overrides;
  std::string out;
  template <class V>
  void visit(V& v) {
    v("name", name, "ablation name");
    v("base", base, "the common recipe (relative to the ablation file)");
    v("seeds", seeds, "seeds every arm is trained with");
    v("overrides", overrides, "key=value applied to every arm");
    v("out", out, "output directory (default runs/ablation-<name>)");
  }
};

struct ArmFields {
  std::string name;
  std::string label;
  std::vector<std::string> overrides;
  template <class V>
  void visit(V& v) {
    v("name", name, "short id (B0, B1, ...)");
    v("label", label, "what the arm adds");
    v("overrides", overrides, "key=value for this arm");
  }
};

}  // namespace

AblationSpec read_ablation(const std::filesystem::path& file, const std::vector<std::string>& extra) {
  nlohmann::json j = read_toml(file);
  const std::string where = file.filename().string();
  nlohmann::json arms = j.contains("arm") ? j["arm"] : nlohmann::json::array();
  j.erase("arm");
  SpecFields f;
  bind_options(j, f, where);
  AblationSpec s;
  s.name = f.name;
  FERKIT_CHECK(!f.base.empty(), where << ": 'base' (the common recipe) is required");
  s.base = std::filesystem::path(f.base).is_absolute() ? std::filesystem::path(f.base) : file.parent_path() / f.base;
  FERKIT_CHECK(std::filesystem::exists(s.base), where << ": base recipe " << s.base.string() << " does not exist");
  FERKIT_CHECK(!f.seeds.empty(), where << ": give at least one seed");
  s.seeds = f.seeds;
  s.overrides = f.overrides;
  s.overrides.insert(s.overrides.end(), extra.begin(), extra.end());
  s.out = f.out.empty() ? std::filesystem::path("runs") / ("ablation-" + f.name) : std::filesystem::path(f.out);
  FERKIT_CHECK(arms.is_array() && !arms.empty(), where << ": give at least one [[arm]]");
  for (size_t i = 0; i < arms.size(); ++i) {
    const std::string at = where + ".arm[" + std::to_string(i) + "]";
    nlohmann::json a = arms[i];
    AblationArm arm;
    if (a.contains("loss")) {
      arm.loss = a["loss"];
      a.erase("loss");
    }
    if (a.contains("teacher")) {
      arm.teacher = a["teacher"];
      a.erase("teacher");
    }
    ArmFields af;
    bind_options(a, af, at);
    FERKIT_CHECK(!af.name.empty(), at << ": every arm needs a name");
    for (const auto& other : s.arms) FERKIT_CHECK(other.name != af.name, at << ": arm name '" << af.name << "' is used twice");
    arm.name = af.name;
    arm.label = af.label;
    arm.overrides = af.overrides;
    s.arms.push_back(arm);
  }
  return s;
}

AblationResult run_ablation(const AblationSpec& spec, bool dry_run) {
  std::filesystem::create_directories(spec.out);
  AblationResult result;
  result.dir = spec.out;
  nlohmann::json summary;
  summary["name"] = spec.name;
  summary["base"] = spec.base.string();
  summary["seeds"] = spec.seeds;
  for (const auto& arm : spec.arms) {
    std::vector<nlohmann::json> metrics;
    nlohmann::json runs = nlohmann::json::array();
    for (int64_t seed : spec.seeds) {
      nlohmann::json config = read_toml(spec.base);
      for (const auto& o : spec.overrides) apply_override(config, o);
      if (!arm.loss.is_null()) config["loss"] = arm.loss;
      if (!arm.teacher.is_null()) config["teacher"] = arm.teacher;
      for (const auto& o : arm.overrides) apply_override(config, o);
      const std::filesystem::path dir = spec.out / (arm.name + "-s" + std::to_string(seed));
      config["seed"] = seed;
      config["name"] = spec.name + "-" + arm.name + "-s" + std::to_string(seed);
      config["out"] = dir.string();
      Recipe r = recipe_from_json(config, spec.base.filename().string() + " + arm " + arm.name);
      runs.push_back(dir.string());
      if (dry_run) {
        write_json_file(dir / "planned_config.json", r.resolved());
        continue;
      }
      if (std::filesystem::exists(dir / "metrics.json")) {
        info("ablation: reusing finished run " + dir.string());
      } else {
        TrainControl c;
        c.resume = std::filesystem::exists(dir / "train_state.json");
        c.command = "ferkit ablate (" + spec.name + ", arm " + arm.name + ", seed " + std::to_string(seed) + ")";
        info("ablation: " + std::string(c.resume ? "resuming " : "training ") + arm.name + " seed " + std::to_string(seed));
        train_model(r, c);
      }
      metrics.push_back(read_json_file(dir / "metrics.json"));
    }
    nlohmann::json a = {{"name", arm.name}, {"label", arm.label}, {"runs", runs}};
    if (!metrics.empty()) {
      a["aggregate"] = aggregate_runs(metrics);
      if (metrics.size() == 1) a["ci95"] = metrics[0].value("ci95", nlohmann::json());
    }
    summary["arms"].push_back(a);
  }
  write_json_file(spec.out / "summary.json", summary);
  result.summary = summary;
  return result;
}

}  // namespace ferkit
