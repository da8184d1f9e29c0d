// `ferkit pipeline`: the brain-informed prior end to end, in one run directory.
//
//   ferkit::NeurogazeOptions o = ferkit::read_neurogaze_config("configs/neurogaze.toml", {"student.seeds=[0,1]"});
//   o.quick = true;                          // or: quick = true in the TOML, --quick on the CLI
//   ferkit::NeurogazeResult r = ferkit::run_neurogaze_pipeline(o);
//   r.dir;                                   // runs/neurogaze (runs/neurogaze-quick when quick)
//
// Stages, each in its own folder of the run directory, each reused when its stage.json records the
// same inputs (a stage whose inputs changed is an Error: remove the folder or pick another `out`):
//   eeg/            EEG -> band powers -> topomaps (ferkit/eeg_topomap_job.h). source = "synthetic"
//                   first writes eeg/DREAMER.mat with the synthetic generator (ferkit/eeg_synthetic.h);
//                   dreamer | mahnob | bdf | bandpower read the files of [eeg.topomaps]; "topomaps"
//                   takes a ready topomaps.npz (eeg.topomaps_file).
//   eeg_teacher/    the leave-subjects-out EEG teacher (ferkit/eeg_teacher.h): metrics.json,
//                   fold models, out-of-fold features.npz
//   bank/           the prototype bank (ferkit/prototype_bank.h) from the out-of-fold features,
//                   inspected (coverage.png, centres.png); random_bank/ when the control arm is on
//   image_teacher/  B1's image teacher: student.teacher_checkpoint, or one trained here (the student's
//                   recipe with student.teacher_architecture, default the student's own architecture,
//                   seed student.teacher_seed); its logits on the student's training data exported
//                   with ferkit/teacher.h (one file per student seed when data.limit_train is used)
//   students/seed-<s>/  the ablation (ferkit/ablation.h) B0 CE (the base recipe's loss), B1 +KD,
//                   B2 +Proto-KD, B3 +D-Geo (each adds to the one before), and B2r (+Proto-KD with
//                   the random bank) when student.random_bank_arm; finished runs are reused,
//                   interrupted ones resumed
//   results.md, results.tex, results.json  the EEG teacher vs its baselines, the bank's coverage and
//                   the students' table: mean ± std over seeds (ferkit::aggregate_runs) of the
//                   validation metrics of each arm's best checkpoint
//   pipeline.json   the resolved options, what each stage did (ran or reused) and its time
//
// Student data: student.data, or ../shared/data/ferplus when present (relative to the working
// directory, then to the source tree), else the bundled data/sample. quick shrinks everything for a
// smoke run (see apply_quick).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/eeg_synthetic.h"
#include "ferkit/eeg_teacher.h"
#include "ferkit/eeg_topomap_job.h"
#include "ferkit/prototype_bank.h"

namespace ferkit {

// The topomap job the pipeline starts from: 12-s windows (the job's own default is whole stimuli).
TopomapJobOptions pipeline_topomap_defaults();

struct NeurogazeEegOptions {
  std::string source = "synthetic";   // synthetic | dreamer | mahnob | bdf | bandpower | topomaps
  SyntheticEegOptions synthetic = {8, 18};  // source = synthetic: subjects, trials, ... of the generator
  TopomapJobOptions topomaps = pipeline_topomap_defaults();  // band power and maps (format, out: set here)
  std::string topomaps_file;          // source = topomaps: a ready topomaps.npz
  template <class V>
  void visit(V& v) {
    v("source", source, "synthetic, dreamer, mahnob, bdf, bandpower or topomaps");
    v("synthetic", synthetic, "synthetic EEG generator (source = synthetic)");
    v("topomaps", topomaps, "topomap job: data, ratings, bands, band power, grid (format and out are set by the pipeline)");
    v("topomaps_file", topomaps_file, "source = topomaps: a ready topomaps.npz");
  }
};

struct NeurogazeStudentOptions {
  std::string base;                    // common recipe ("" = configs/mobilenetv3_small.toml); relative to the config
  std::string data;                    // FERPlus root ("" = ../shared/data/ferplus when present, else data/sample)
  std::vector<int64_t> seeds = {0};    // student seeds (each arm trained once per seed)
  int epochs = 0;                      // > 0: replaces the base recipe's epochs
  std::vector<std::string> overrides;  // key=value on every student run and the image teacher
  std::string teacher_checkpoint;      // B1's image teacher ("" = train one here)
  std::string teacher_architecture;    // architecture of that teacher ("" = the student's)
  int teacher_epochs = 0;              // its epochs (0 = the student's)
  int64_t teacher_seed = 1000;         // its seed
  double kd_weight = 0.5;              // alpha: KD weight; the base loss terms get 1 - alpha
  double kd_temperature = 4.0;         // KD temperature
  double proto_kd_weight = 0.12;       // lambda_proto
  double proto_kd_temperature = 0.9;   // tau
  double d_geo_weight = 0.012;         // lambda_geo
  double d_geo_ramp_start = 20;        // D-Geo's cosine ramp starts (epochs) ...
  double d_geo_ramp_end = 60;          // ... and ends
  bool random_bank_arm = false;        // add B2r: Proto-KD with a random bank of the same shape
  int64_t random_bank_seed = 1;        // seed of that bank
  template <class V>
  void visit(V& v) {
    v("base", base, "common student recipe (relative to the config; empty: configs/mobilenetv3_small.toml)");
    v("data", data, "FERPlus root (empty: ../shared/data/ferplus when present, else data/sample)");
    v("seeds", seeds, "student seeds");
    v("epochs", epochs, "> 0: replaces the base recipe's epochs");
    v("overrides", overrides, "key=value on every student run and the image teacher");
    v("teacher_checkpoint", teacher_checkpoint, "B1's image teacher (empty: trained by the pipeline)");
    v("teacher_architecture", teacher_architecture, "architecture of the trained teacher (empty: the student's)");
    v("teacher_epochs", teacher_epochs, "epochs of the trained teacher (0: the student's)");
    v("teacher_seed", teacher_seed, "seed of the trained teacher");
    v("kd_weight", kd_weight, "alpha of KD (base loss terms get 1 - alpha)");
    v("kd_temperature", kd_temperature, "KD temperature");
    v("proto_kd_weight", proto_kd_weight, "lambda_proto");
    v("proto_kd_temperature", proto_kd_temperature, "tau of Proto-KD");
    v("d_geo_weight", d_geo_weight, "lambda_geo");
    v("d_geo_ramp_start", d_geo_ramp_start, "epoch where D-Geo's ramp starts");
    v("d_geo_ramp_end", d_geo_ramp_end, "epoch where D-Geo's ramp ends");
    v("random_bank_arm", random_bank_arm, "add B2r, Proto-KD with a random bank (the control)");
    v("random_bank_seed", random_bank_seed, "seed of the random bank");
  }
};

struct NeurogazeOptions {
  std::string name = "neurogaze";   // run name
  std::string out;                  // run directory ("" = runs/<name>, runs/<name>-quick when quick)
  bool quick = false;               // smoke run: shrink every stage (apply_quick)
  int threads = 1;                  // torch threads of every stage
  NeurogazeEegOptions eeg;          // EEG source and topomaps
  EegTeacherOptions teacher;        // EEG teacher (topomaps and out are set by the pipeline)
  PrototypeBankOptions bank;        // Algorithm 1
  NeurogazeStudentOptions student;  // image students B0..B3 and B1's teacher
  template <class V>
  void visit(V& v) {
    v("name", name, "run name");
    v("out", out, "run directory (empty: runs/<name>)");
    v("quick", quick, "smoke run: shrink every stage");
    v("threads", threads, "torch threads of every stage");
    v("eeg", eeg, "EEG source and topomaps");
    v("teacher", teacher, "EEG teacher");
    v("bank", bank, "prototype bank");
    v("student", student, "image students and B1's teacher");
  }
};

// Reads a pipeline TOML (keys = the field names above) and applies key=value overrides; student.base
// is resolved relative to the config's folder. Unknown keys are errors suggesting the nearest.
NeurogazeOptions read_neurogaze_config(const std::filesystem::path& toml, const std::vector<std::string>& overrides = {});

// The smoke-run shrink (what quick does; recorded in pipeline.json): synthetic EEG of 4 subjects x 6
// trials of 24 s; teacher 2 folds x 2 epochs, width 8; one student seed, 1 epoch of at most 3 steps
// on at most 64 training and 32 validation images, batch 16, no EMA; image teacher 1 epoch; D-Geo's
// ramp over epoch 0..1 so it is active. File sources (GAMEEMO) keep their data.
std::vector<std::string> apply_quick(NeurogazeOptions& options);

struct NeurogazeResult {
  std::filesystem::path dir;
  nlohmann::json summary;            // results.json
  std::vector<std::string> report;   // the lines of results.md, for the console
};

NeurogazeResult run_neurogaze_pipeline(const NeurogazeOptions& options, const std::string& command = "");

}  // namespace ferkit
