// `ferkit pipeline`: EEG -> topomaps -> EEG teacher -> prototype bank -> image teacher -> students
// B0..B3 -> results, each stage in its own folder and reused when its inputs are unchanged.
#include "ferkit/neurogaze_pipeline.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "ferkit/ablation.h"
#include "ferkit/build_paths.h"  // FERKIT_SOURCE_DIR
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/options.h"
#include "ferkit/run_dir.h"
#include "ferkit/sha256.h"
#include "ferkit/teacher.h"
#include "ferkit/trainer.h"
#include "ferkit/version.h"
#include "ferkit/prior/neurogaze_results.h"

namespace ferkit {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A stage is finished when its stage.json exists; it records the stage's inputs, so a rerun with
// other inputs is refused instead of silently reusing stale outputs.
class StageLog {
 public:
  explicit StageLog(json& log) : log_(log) {}
  // True when the stage can be reused; throws when it was made from other inputs.
  bool reusable(const fs::path& dir, const std::string& stage, const json& inputs) {
    const fs::path f = dir / "stage.json";
    if (!fs::exists(f)) return false;
    json before = read_json_file(f);
    if (before.value("inputs", json()) != inputs)
      throw Error(f.string(), "the inputs of stage '" + stage + "' as recorded (the stage's outputs were made from them)",
                  "other inputs now; remove " + dir.string() + " to rebuild it, or choose another run directory (out = ...)");
    info("pipeline: reusing " + stage + " (" + dir.string() + ")");
    log_.push_back({{"stage", stage}, {"dir", dir.string()}, {"reused", true}});
    return true;
  }
  void finished(const fs::path& dir, const std::string& stage, const json& inputs, double seconds) {
    write_json_file(dir / "stage.json", {{"stage", stage}, {"inputs", inputs}, {"finished", utc_timestamp()}, {"seconds", seconds}});
    log_.push_back({{"stage", stage}, {"dir", dir.string()}, {"reused", false}, {"seconds", seconds}});
  }

 private:
  json& log_;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

fs::path first_existing(const std::vector<fs::path>& candidates) {
  for (const auto& c : candidates)
    if (fs::exists(c)) return c;
  return {};
}

fs::path student_data(const NeurogazeStudentOptions& s) {
  if (!s.data.empty()) return s.data;
  const fs::path source = FERKIT_SOURCE_DIR;
  fs::path ferplus = first_existing({"../shared/data/ferplus/FER2013Train/label.csv",
                                     source.parent_path() / "shared/data/ferplus/FER2013Train/label.csv"});
  if (!ferplus.empty()) return ferplus.parent_path().parent_path();
  fs::path sample = first_existing({"data/sample/FER2013Train/label.csv", source / "data/sample/FER2013Train/label.csv"});
  FERKIT_CHECK(!sample.empty(), "pipeline: student.data is empty and neither ../shared/data/ferplus nor data/sample exists");
  return sample.parent_path().parent_path();
}

fs::path student_base(const NeurogazeStudentOptions& s) {
  const fs::path base = s.base.empty() ? fs::path(FERKIT_SOURCE_DIR) / "configs/mobilenetv3_small.toml" : fs::path(s.base);
  FERKIT_CHECK(fs::exists(base), "pipeline: student.base recipe " << base.string() << " does not exist");
  return base;
}

std::string file_digest(const fs::path& f) { return fs::exists(f) ? sha256_file(f) : std::string(); }

// --- stages ------------------------------------------------------------------------------------

fs::path eeg_stage(const NeurogazeOptions& o, const fs::path& run, StageLog& log) {
  if (o.eeg.source == "topomaps") {
    FERKIT_CHECK(!o.eeg.topomaps_file.empty(), "pipeline: eeg.source = \"topomaps\" needs eeg.topomaps_file");
    FERKIT_CHECK(fs::exists(o.eeg.topomaps_file), "pipeline: eeg.topomaps_file " << o.eeg.topomaps_file << " does not exist");
    return o.eeg.topomaps_file;
  }
  const fs::path dir = run / "eeg";
  json inputs = {{"eeg", to_json(o.eeg)}};
  if (log.reusable(dir, "eeg", inputs)) return dir / "topomaps.npz";
  const auto start = std::chrono::steady_clock::now();
  fs::create_directories(dir);
  TopomapJobOptions job = o.eeg.topomaps;
  job.out = dir.string();
  if (o.eeg.source == "synthetic") {
    const fs::path mat = dir / "DREAMER.mat";
    info("pipeline: synthetic EEG, " + std::to_string(o.eeg.synthetic.subjects) + " subjects x " +
         std::to_string(o.eeg.synthetic.trials) + " trials -> " + mat.string());
    write_synthetic_dreamer(mat, o.eeg.synthetic);
    job.format = "dreamer";
    job.data = mat.string();
  } else {
    job.format = o.eeg.source;
  }
  TopomapJobResult r = run_topomap_job(job);
  info("pipeline: " + std::to_string(r.topomaps.count) + " topomaps x " + std::to_string(r.topomaps.bands) + " bands");
  log.finished(dir, "eeg", inputs, seconds_since(start));
  return dir / "topomaps.npz";
}

json eeg_teacher_stage(const NeurogazeOptions& o, const fs::path& topomaps, const fs::path& run, StageLog& log) {
  const fs::path dir = run / "eeg_teacher";
  EegTeacherOptions t = o.teacher;
  t.topomaps = topomaps.string();
  t.out = dir.string();
  t.threads = o.threads;
  json inputs = {{"teacher", to_json(t)}, {"topomaps_sha256", sha256_file(topomaps)}};
  if (log.reusable(dir, "eeg_teacher", inputs)) return read_json_file(dir / "metrics.json");
  const auto start = std::chrono::steady_clock::now();
  EegTeacherResult r = train_eeg_teacher(t);
  for (const auto& line : describe_teacher_metrics(r.metrics)) info("  " + line);
  log.finished(dir, "eeg_teacher", inputs, seconds_since(start));
  return r.metrics;
}

struct BankStage {
  fs::path bank, random_bank;
  std::vector<std::string> inspection;
};

BankStage bank_stage(const NeurogazeOptions& o, const fs::path& features, const fs::path& run, StageLog& log) {
  BankStage out;
  const fs::path dir = run / "bank";
  out.bank = dir / "bank.npz";
  json inputs = {{"bank", to_json(o.bank)}, {"features_sha256", sha256_file(features)}};
  if (!log.reusable(dir, "bank", inputs)) {
    const auto start = std::chrono::steady_clock::now();
    PrototypeBank b = build_prototype_bank_from_features(features, o.bank);
    write_prototype_bank(b, out.bank);
    inspect_prototype_bank(read_prototype_bank(out.bank), dir);
    log.finished(dir, "bank", inputs, seconds_since(start));
  }
  out.inspection = inspect_prototype_bank(read_prototype_bank(out.bank), dir);
  if (o.student.random_bank_arm) {
    const fs::path rdir = run / "random_bank";
    out.random_bank = rdir / "bank.npz";
    json rin = {{"like_sha256", sha256_file(out.bank)}, {"seed", o.student.random_bank_seed}};
    if (!log.reusable(rdir, "random_bank", rin)) {
      const auto start = std::chrono::steady_clock::now();
      write_prototype_bank(random_prototype_bank(read_prototype_bank(out.bank), o.student.random_bank_seed), out.random_bank);
      log.finished(rdir, "random_bank", rin, seconds_since(start));
    }
  }
  return out;
}

// The overrides every student run (and the trained image teacher) gets.
std::vector<std::string> student_overrides(const NeurogazeOptions& o, const fs::path& data) {
  std::vector<std::string> v = {"data.path=\"" + data.string() + "\"", "threads=" + std::to_string(o.threads),
                                "loader.threads=" + std::to_string(o.threads)};
  if (o.student.epochs > 0) v.push_back("epochs=" + std::to_string(o.student.epochs));
  v.insert(v.end(), o.student.overrides.begin(), o.student.overrides.end());
  return v;
}

// Teacher logits per student seed (one shared file when the training set is not subsampled).
std::map<int64_t, fs::path> image_teacher_stage(const NeurogazeOptions& o, const fs::path& base, const std::vector<std::string>& common,
                                                const Recipe& student, const fs::path& run, StageLog& log) {
  const fs::path dir = run / "image_teacher";
  fs::path checkpoint = o.student.teacher_checkpoint;
  Recipe teacher_recipe;
  if (checkpoint.empty()) {
    std::vector<std::string> ov = common;
    ov.push_back("seed=" + std::to_string(o.student.teacher_seed));
    ov.push_back("name=\"" + o.name + "-image-teacher\"");
    ov.push_back("out=\"" + (dir / "train").string() + "\"");
    if (!o.student.teacher_architecture.empty()) ov.push_back("model.architecture=\"" + o.student.teacher_architecture + "\"");
    if (o.student.teacher_epochs > 0) ov.push_back("epochs=" + std::to_string(o.student.teacher_epochs));
    teacher_recipe = load_recipe(base, ov);
    checkpoint = dir / "train" / "best.pt";
  }
  const DataSourceOptions& d = student.train.data;
  std::vector<int64_t> seeds = d.limit_train > 0 ? o.student.seeds : std::vector<int64_t>{o.student.seeds.front()};
  std::map<int64_t, fs::path> logits;
  json inputs = {{"teacher", o.student.teacher_checkpoint.empty() ? teacher_recipe.resolved() : json(checkpoint.string())},
                 {"teacher_sha256", o.student.teacher_checkpoint.empty() ? std::string() : file_digest(checkpoint)},
                 {"data", to_json(d)},
                 {"seeds", seeds}};
  auto file_for = [&](int64_t seed) {
    return d.limit_train > 0 ? dir / ("train_logits-s" + std::to_string(seed) + ".npz") : dir / "train_logits.npz";
  };
  for (int64_t s : o.student.seeds) logits[s] = file_for(d.limit_train > 0 ? s : seeds.front());
  if (log.reusable(dir, "image_teacher", inputs)) return logits;
  const auto start = std::chrono::steady_clock::now();
  fs::create_directories(dir);
  if (o.student.teacher_checkpoint.empty()) {
    const fs::path tdir = dir / "train";
    if (fs::exists(tdir / "metrics.json")) {
      info("pipeline: reusing the trained image teacher " + tdir.string());
    } else {
      TrainControl c;
      c.resume = fs::exists(tdir / "train_state.json");
      c.command = "ferkit pipeline (image teacher for B1)";
      info("pipeline: training B1's image teacher (" + teacher_recipe.train.model.architecture + ", seed " +
           std::to_string(teacher_recipe.train.seed) + ", " + std::to_string(teacher_recipe.train.epochs) + " epochs)");
      train_model(teacher_recipe, c);
    }
  }
  FERKIT_CHECK(fs::exists(checkpoint), "pipeline: the image teacher checkpoint " << checkpoint.string() << " does not exist");
  for (int64_t s : seeds) {
    TeacherExportOptions e;
    e.model = checkpoint.string();
    e.data.format = d.format;
    e.data.path = d.path;
    e.data.split = d.train_split;
    e.data.label_mode = d.label_mode;
    e.limit = d.limit_train;
    e.seed = s;
    e.threads = o.threads;
    const int64_t n = export_teacher_logits(e, file_for(s));
    info("pipeline: " + std::to_string(n) + " teacher logits -> " + file_for(s).string());
  }
  log.finished(dir, "image_teacher", inputs, seconds_since(start));
  return logits;
}

std::vector<AblationArm> student_arms(const NeurogazeOptions& o, const Recipe& base, const fs::path& logits,
                                      const BankStage& banks) {
  const auto& s = o.student;
  json base_loss = base.loss;
  json kd_loss = json::array();
  for (json t : base_loss) {
    t["weight"] = (1.0 - s.kd_weight) * t.value("weight", 1.0);
    kd_loss.push_back(t);
  }
  kd_loss.push_back({{"name", "kd"}, {"weight", s.kd_weight}, {"temperature", s.kd_temperature}});
  auto proto = [&](const fs::path& bank) {
    return json{{"name", "proto_kd"}, {"weight", s.proto_kd_weight}, {"temperature", s.proto_kd_temperature},
                {"bank", fs::absolute(bank).string()}};
  };
  json proto_loss = kd_loss;
  proto_loss.push_back(proto(banks.bank));
  json geo_loss = proto_loss;
  geo_loss.push_back({{"name", "d_geo"}, {"weight", s.d_geo_weight}, {"ramp_start", s.d_geo_ramp_start},
                      {"ramp_end", s.d_geo_ramp_end}});
  const json teacher = json::array({{{"logits", fs::absolute(logits).string()}}});
  std::vector<AblationArm> arms;
  arms.push_back({"B0", "CE", base_loss, nullptr, {}});
  arms.push_back({"B1", "+KD", kd_loss, teacher, {}});
  arms.push_back({"B2", "+Proto-KD", proto_loss, teacher, {}});
  arms.push_back({"B3", "+D-Geo", geo_loss, teacher, {}});
  if (s.random_bank_arm) {
    json random_loss = kd_loss;
    random_loss.push_back(proto(banks.random_bank));
    arms.push_back({"B2r", "+Proto-KD, random bank", random_loss, teacher, {}});
  }
  return arms;
}

}  // namespace

TopomapJobOptions pipeline_topomap_defaults() {
  TopomapJobOptions t;
  t.band_power.segment_seconds = 12;
  return t;
}

NeurogazeOptions read_neurogaze_config(const fs::path& toml, const std::vector<std::string>& overrides) {
  json j = read_toml(toml);
  for (const auto& o : overrides) apply_override(j, o);
  NeurogazeOptions o;
  bind_options(j, o, toml.filename().string());
  if (!o.student.base.empty() && fs::path(o.student.base).is_relative()) {
    const fs::path beside = toml.parent_path() / o.student.base;
    if (fs::exists(beside)) o.student.base = beside.string();
  }
  return o;
}

std::vector<std::string> apply_quick(NeurogazeOptions& o) {
  std::vector<std::string> changes;
  if (o.eeg.source == "synthetic") {
    o.eeg.synthetic.subjects = 4;
    o.eeg.synthetic.trials = 6;
    o.eeg.synthetic.stimulus_seconds = 24;
    o.eeg.synthetic.baseline_seconds = 4;
    changes.push_back("synthetic EEG: 4 subjects x 6 trials x 24 s");
  }
  o.eeg.topomaps.png_rows = std::min(o.eeg.topomaps.png_rows, 4);
  o.teacher.folds = 2;
  o.teacher.epochs = 2;
  o.teacher.width = 8;
  changes.push_back("EEG teacher: 2 folds x 2 epochs, width 8");
  o.student.seeds = {o.student.seeds.empty() ? 0 : o.student.seeds.front()};
  o.student.epochs = 1;
  o.student.teacher_epochs = 1;
  o.student.d_geo_ramp_start = 0;
  o.student.d_geo_ramp_end = 1;
  for (const char* ov : {"max_steps_per_epoch=3", "data.limit_train=64", "data.limit_valid=32", "loader.batch_size=16",
                         "ema=false", "schedule.warmup_epochs=0"})
    o.student.overrides.push_back(ov);
  changes.push_back("students: 1 seed, 1 epoch of at most 3 steps, 64 training / 32 validation images, batch 16, no EMA");
  changes.push_back("image teacher: 1 epoch; D-Geo ramp over epoch 0..1");
  return changes;
}

NeurogazeResult run_neurogaze_pipeline(const NeurogazeOptions& in, const std::string& command) {
  NeurogazeOptions o = in;
  std::vector<std::string> quick_changes;
  if (o.quick) quick_changes = apply_quick(o);
  FERKIT_CHECK(o.threads >= 1, "pipeline: threads must be >= 1, got " << o.threads);
  FERKIT_CHECK(o.teacher.topomaps.empty() && o.teacher.out.empty(),
               "pipeline: teacher.topomaps and teacher.out are set by the pipeline (eeg_teacher/ of the run); leave them out");
  FERKIT_CHECK(!o.student.seeds.empty(), "pipeline: student.seeds is empty");
  const std::vector<std::string> sources = {"synthetic", "dreamer", "mahnob", "bdf", "bandpower", "topomaps"};
  FERKIT_CHECK(std::find(sources.begin(), sources.end(), o.eeg.source) != sources.end(),
               "pipeline: eeg.source must be one of synthetic, dreamer, mahnob, bdf, bandpower, topomaps, got '"
                   << o.eeg.source << "'" << (nearest_name(o.eeg.source, sources).empty() ? "" : " (did you mean '" + nearest_name(o.eeg.source, sources) + "'?)"));
  const fs::path run = o.out.empty() ? fs::path("runs") / (o.name + (o.quick ? "-quick" : "")) : fs::path(o.out);
  fs::create_directories(run);
  const auto start = std::chrono::steady_clock::now();

  // Resolve the students' recipe first: a mistake there should stop the pipeline before the EEG work.
  const fs::path data = student_data(o.student);
  const fs::path base = student_base(o.student);
  const std::vector<std::string> common = student_overrides(o, data);
  const Recipe student = load_recipe(base, common);
  if (student.train.model.feature_dim != o.teacher.feature_dim)
    throw Error("pipeline: teacher.feature_dim", "the students' feature size " + std::to_string(student.train.model.feature_dim) +
                                                     " (model.feature_dim of " + base.string() + ")",
                std::to_string(o.teacher.feature_dim));
  info("pipeline: run directory " + run.string() + "; students on " + data.string() + " from " + base.string());
  if (o.student.d_geo_ramp_end > student.train.epochs)
    warn("pipeline: D-Geo's ramp ends at epoch " + std::to_string(o.student.d_geo_ramp_end) + " but the students train " +
         std::to_string(student.train.epochs) + " epochs: B3 never reaches its full D-Geo weight");

  json stage_log = json::array();
  StageLog log(stage_log);
  json pipeline = {{"options", to_json(o)}, {"quick", o.quick}, {"quick_changes", quick_changes}, {"command", command},
                   {"git_commit", git_commit()}, {"started", utc_timestamp()}, {"student_data", data.string()},
                   {"student_base", base.string()}};
  write_json_file(run / "pipeline.json", pipeline);

  const fs::path topomaps = eeg_stage(o, run, log);
  const json teacher_metrics = eeg_teacher_stage(o, topomaps, run, log);
  const BankStage banks = bank_stage(o, run / "eeg_teacher" / "features.npz", run, log);
  const std::map<int64_t, fs::path> logits = image_teacher_stage(o, base, common, student, run, log);

  std::vector<AblationArm> arms;
  for (int64_t seed : o.student.seeds) {
    arms = student_arms(o, student, logits.at(seed), banks);
    AblationSpec spec;
    spec.name = o.name;
    spec.base = base;
    spec.seeds = {seed};
    spec.overrides = common;
    spec.out = run / "students" / ("seed-" + std::to_string(seed));
    spec.arms = arms;
    json arms_json = json::array();
    for (const auto& a : arms) arms_json.push_back({{"name", a.name}, {"loss", a.loss}, {"teacher", a.teacher}});
    json inputs = {{"base", base.string()}, {"base_sha256", sha256_file(base)}, {"overrides", common}, {"seed", seed},
                   {"arms", arms_json}, {"logits_sha256", file_digest(logits.at(seed))}, {"bank_sha256", file_digest(banks.bank)}};
    if (log.reusable(spec.out, "students seed " + std::to_string(seed), inputs)) continue;
    const auto t0 = std::chrono::steady_clock::now();
    run_ablation(spec);
    log.finished(spec.out, "students seed " + std::to_string(seed), inputs, seconds_since(t0));
  }

  NeurogazeResult result;
  result.dir = run;
  result.summary = write_neurogaze_results(run, teacher_metrics, banks.inspection, arms, o.student.seeds, o.quick);
  result.report = result.summary["report"].get<std::vector<std::string>>();
  pipeline["stages"] = stage_log;
  pipeline["finished"] = utc_timestamp();
  pipeline["seconds"] = seconds_since(start);
  write_json_file(run / "pipeline.json", pipeline);
  return result;
}

}  // namespace ferkit
