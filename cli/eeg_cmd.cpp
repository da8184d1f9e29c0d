// ferkit eeg synth|topomaps|teacher|info — synthetic DREAMER files, topographic maps, the EEG teacher,
// EDF/BDF headers.
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "ferkit/console.h"
#include "ferkit/eeg_edf.h"
#include "ferkit/eeg_synthetic.h"
#include "ferkit/eeg_teacher.h"
#include "ferkit/eeg_topomap_job.h"

namespace ferkit::cli {
namespace {

void register_synth(CLI::App* eeg) {
  auto o = std::make_shared<SyntheticEegOptions>();
  auto out = std::make_shared<std::string>();
  auto* cmd = eeg->add_subcommand(
      "synth",
      "Write synthetic EEG in the DREAMER .mat layout (subjects x trials x 14 Emotiv channels at 128 Hz) whose band\n"
      "powers encode the ratings: frontal alpha asymmetry ln(alpha F4,AF4,F8 / alpha F3,AF3,F7) = 2 k valence, beta\n"
      "and gamma power rising with arousal, over a 1/f background with white noise. Ratings are integers 1..5 drawn\n"
      "with the seed; the same seed gives the same file. See docs/eeg.md for the model.");
  cmd->add_option("--out", *out, "DREAMER-layout .mat file to write")->required();
  cmd->add_option("--subjects", o->subjects, "Number of subjects")->default_val(o->subjects);
  cmd->add_option("--trials", o->trials, "Trials (stimuli) per subject")->default_val(o->trials);
  cmd->add_option("--seed", o->seed, "Random seed (signals and ratings)")->default_val(o->seed);
  cmd->add_option("--stimulus-seconds", o->stimulus_seconds, "Length of each stimulus recording")
      ->default_val(o->stimulus_seconds);
  cmd->add_option("--baseline-seconds", o->baseline_seconds, "Length of each baseline recording")
      ->default_val(o->baseline_seconds);
  cmd->add_option("--alpha-asymmetry", o->alpha_asymmetry, "k in ln(alpha right/left frontal) = 2 k valence")
      ->default_val(o->alpha_asymmetry);
  cmd->add_option("--beta-arousal", o->beta_arousal, "ln beta power per unit arousal")->default_val(o->beta_arousal);
  cmd->footer(
      "Example:\n"
      "  ferkit eeg synth --out runs/synth/DREAMER.mat --subjects 4 --trials 18 --seed 7\n"
      "  ferkit eeg topomaps --format dreamer --data runs/synth/DREAMER.mat --out runs/synth/topomaps");
  cmd->callback([o, out] {
    write_synthetic_dreamer(*out, *o);
    std::cout << "wrote " << *out << ": " << o->subjects << " subjects x " << o->trials << " trials x 14 channels at "
              << o->sampling_rate << " Hz, seed " << o->seed << "\n";
  });
}

void register_topomaps(CLI::App* eeg) {
  auto o = std::make_shared<TopomapJobOptions>();
  auto* cmd = eeg->add_subcommand(
      "topomaps",
      "Compute per-channel band powers (Welch PSD, Hann window) in fixed-length windows of each stimulus, interpolate\n"
      "them onto an N x N grid inside the head (Clough-Tocher, as MNE's plot_topomap), normalise per subject and band\n"
      "(z-score, then min-max to [0, 1]) and write DIR/topomaps.npz (maps [M, B, N, N], valence [M], arousal [M],\n"
      "subject [M], trial [M], window [M], band_power [M, B, C]), DIR/topomaps.png (the first maps, one panel per\n"
      "band) and DIR/topomaps.json (channels, bands, options, dropped items).\n"
      "Formats: dreamer (DREAMER.mat), mahnob (MAHNOB-HCI root with Sessions/), bdf (a .bdf/.edf file or folder),\n"
      "bandpower (a <CH>_<Band>_Power CSV such as GAMEEMO's, with --ratings).");
  cmd->add_option("--format", o->format, "Input format: dreamer, mahnob, bdf, bandpower")->required();
  cmd->add_option("--data", o->data, "Input: DREAMER.mat, MAHNOB root, .bdf/.edf file or folder, band-power CSV")
      ->required();
  cmd->add_option("--ratings", o->ratings, "bandpower: ratings CSV (Subject, Path, Valence, Arousal on 1-9)");
  cmd->add_option("--out", o->out, "Output folder")->required();
  cmd->add_option("--grid", o->topomap.grid, "Map size N (maps are N x N)")->default_val(o->topomap.grid);
  cmd->add_option("--bands", o->bands,
                  "Bands: default names (delta,theta,alpha,beta,gamma) or name:low-high in Hz, comma-separated;\n"
                  "bandpower: names among the table's bands");
  cmd->add_option("--channels", o->channels, "EEG channels to use (default: every EEG channel of the input)")
      ->delimiter(',');
  cmd->add_option("--segment", o->band_power.segment_seconds,
                  "Window length in seconds cut from each stimulus (0: whole)")
      ->default_val(o->band_power.segment_seconds);
  cmd->add_option("--welch-window", o->band_power.welch.window_seconds, "Welch segment length in seconds")
      ->default_val(o->band_power.welch.window_seconds);
  cmd->add_option("--welch-overlap", o->band_power.welch.overlap, "Welch segment overlap fraction")
      ->default_val(o->band_power.welch.overlap);
  cmd->add_option("--baseline", o->band_power.baseline, "Baseline correction: none, divide, subtract")
      ->default_val(o->band_power.baseline);
  cmd->add_option("--sampling-rate", o->sampling_rate, "mahnob, bdf: common rate in Hz (0: native)")
      ->default_val(o->sampling_rate);
  cmd->add_option("--normalise", o->topomap.normalise, "Per subject and band: zscore_minmax, zscore, none")
      ->default_val(o->topomap.normalise);
  cmd->add_flag("!--linear-power", o->topomap.log_power, "Interpolate band power itself instead of log10(band power)");
  cmd->add_option("--png-rows", o->png_rows, "Maps drawn in topomaps.png (0: no PNG)")->default_val(o->png_rows);
  cmd->footer(
      "Examples:\n"
      "  ferkit eeg topomaps --format bandpower --data ../shared/data/eeg/gameemo-bandpower/bandpower_windows_12s.csv "
      "\\\n"
      "      --ratings ../shared/data/eeg/gameemo-bandpower/sam_scores.csv --out runs/gameemo-topomaps\n"
      "  ferkit eeg topomaps --format dreamer --data DREAMER.mat --segment 12 --baseline divide --out runs/dreamer\n"
      "  ferkit eeg topomaps --format mahnob --data /data/mahnob-hci --sampling-rate 128 --out runs/mahnob\n"
      "  ferkit eeg topomaps --format bdf --data rec.bdf --channels F3,Fz,F4,C3,C4,P3,Pz,P4,O1,O2 --segment 10 --out "
      "runs/bdf");
  cmd->callback([o] {
    TopomapJobResult r = run_topomap_job(*o);
    std::cout << r.topomaps.count << " maps x " << r.topomaps.bands << " bands (";
    for (size_t b = 0; b < r.topomaps.band_names.size(); ++b) std::cout << (b ? " " : "") << r.topomaps.band_names[b];
    std::cout << ") x " << r.topomaps.grid << "x" << r.topomaps.grid << " over " << r.topomaps.channels.size()
              << " channels\n";
    for (const auto& [reason, n] : r.band_powers.dropped) std::cout << "dropped " << n << ": " << reason << "\n";
    for (const auto& f : r.files) std::cout << "wrote " << f.string() << "\n";
  });
}

void register_teacher(CLI::App* eeg) {
  auto o = std::make_shared<EegTeacherOptions>();
  auto* cmd = eeg->add_subcommand(
      "teacher",
      "Train the EEG teacher: a small CNN on band-power topomaps [M, B, N, N] (B input channels = the bands present)\n"
      "regressing valence and arousal (tanh outputs in [-1, 1]) with a 256-D penultimate feature, evaluated with\n"
      "subject-independent K-fold cross-validation (each subject's maps in one fold only; no early stopping). Reports,\n"
      "per fold and over folds, CCC and RMSE per dimension (mean, std and a 95% Student t interval), for the teacher\n"
      "and two baselines: the training folds' mean rating, and ridge regression on the raw band powers (lambda by\n"
      "inner leave-subjects-out CV). Writes DIR/metrics.json, DIR/fold-<k>.pt + .json (LibTorch archive + sidecar),\n"
      "and DIR/features.npz: every map's penultimate feature from the model of the fold that held it out\n"
      "(out-of-fold), with valence, arousal, subject and fold — the input of `ferkit prototypes build`.\n"
      "Deterministic for a seed at a given thread count. See docs/prior.md.");
  cmd->add_option("--topomaps", o->topomaps, "topomaps.npz from `ferkit eeg topomaps` (with valence and arousal)")
      ->required();
  cmd->add_option("--out", o->out, "Output folder")->required();
  cmd->add_option("--folds", o->folds, "Leave-subjects-out folds K (2 <= K <= subjects)")->default_val(o->folds);
  cmd->add_option("--loss", o->loss, "Training loss: mse, or ccc (1 - CCC averaged over valence and arousal)")
      ->default_val(o->loss)
      ->check(CLI::IsMember({"mse", "ccc"}));
  cmd->add_option("--epochs", o->epochs, "Epochs per fold")->default_val(o->epochs);
  cmd->add_option("--seed", o->seed, "Seed of folds, weights, batch order and dropout")->default_val(o->seed);
  cmd->add_option("--threads", o->threads, "Torch threads")->default_val(o->threads);
  cmd->add_option("--batch-size", o->batch_size, "Maps per step")->default_val(o->batch_size);
  cmd->add_option("--lr", o->lr, "AdamW peak learning rate (cosine decay)")->default_val(o->lr);
  cmd->add_option("--width", o->width, "Channels of the first conv block (then 2w, 4w, 8w)")->default_val(o->width);
  cmd->footer(
      "Examples:\n"
      "  ferkit eeg topomaps --format bandpower --data ../shared/data/eeg/gameemo-bandpower/bandpower_windows_12s.csv \\\n"
      "      --ratings ../shared/data/eeg/gameemo-bandpower/sam_scores.csv --out runs/gameemo-topomaps\n"
      "  ferkit eeg teacher --topomaps runs/gameemo-topomaps/topomaps.npz --out runs/gameemo-teacher --folds 7 --loss ccc\n"
      "  ferkit prototypes build --features runs/gameemo-teacher/features.npz --out runs/gameemo-bank/bank.npz");
  cmd->callback([o] {
    EegTeacherResult r = train_eeg_teacher(*o);
    for (const auto& line : describe_teacher_metrics(r.metrics)) std::cout << line << "\n";
    std::cout << "wrote " << (r.dir / "metrics.json").string() << ", " << r.features.string() << " and " << o->folds
              << " fold models\n";
  });
}

void register_info(CLI::App* eeg) {
  auto file = std::make_shared<std::string>();
  auto* cmd = eeg->add_subcommand(
      "info",
      "Print an EDF/BDF file's header: format, records, record duration, and per signal its label, rate, unit,\n"
      "physical and digital range, and whether ferkit reads it as EEG, skips it as non-EEG, or decodes it as\n"
      "annotations. The file's size is checked against the header.");
  cmd->add_option("file", *file, "EDF or BDF file")->required();
  cmd->footer("Example:\n  ferkit eeg info ../shared/data/eeg/real-bdf/multiple_annotation_chans.bdf");
  cmd->callback([file] {
    EdfHeader h = read_edf_header(*file);
    std::cout << (h.bdf ? "BDF" : "EDF") << (h.reserved.empty() ? "" : " (" + h.reserved + ")") << ": " << h.records
              << " records x " << h.record_duration << " s = " << h.duration_seconds() << " s, " << h.channels.size()
              << " signals\n";
    std::cout << std::left << std::setw(18) << "label" << std::right << std::setw(10) << "rate_hz" << std::setw(8)
              << "unit" << std::setw(14) << "phys_min" << std::setw(14) << "phys_max"
              << "  use\n";
    for (const auto& c : h.channels) {
      std::string use = c.annotation ? "annotations" : is_non_eeg_label(c.label) ? "skipped (non-EEG)" : "EEG";
      std::cout << std::left << std::setw(18) << c.label << std::right << std::setw(10) << c.sampling_rate
                << std::setw(8) << c.physical_dimension << std::setw(14) << c.physical_min << std::setw(14)
                << c.physical_max << "  " << use << "\n";
    }
  });
}

}  // namespace

void register_eeg_command(CLI::App& app) {
  auto* eeg =
      app.add_subcommand("eeg", "EEG for the brain-informed prior: synthetic DREAMER files, topomaps, the EEG teacher, EDF/BDF headers");
  eeg->require_subcommand(1);
  register_synth(eeg);
  register_topomaps(eeg);
  register_teacher(eeg);
  register_info(eeg);
}

}  // namespace ferkit::cli
