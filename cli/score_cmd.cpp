// ferkit score — transition-fair scores of a live run from its frame log and label events.
#include <fstream>
#include <iostream>

#include "commands.h"
#include "ferkit/error.h"
#include "ferkit/live/transition_scorer.h"
#include "ferkit/options.h"

namespace ferkit::cli {

void register_score_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("score", "Score a live run: accuracy, macro-F1, jitter, time-to-lock, unknown rate");
  cmd->description(
      "Reads the per-frame log of `ferkit live` and the operator's label events (rows with event\n"
      "true_label) and scores the displayed labels only where the truth is settled: label segments\n"
      "shorter than --min-segment-s are dropped, and the first --settle-s + --grace-s seconds after each\n"
      "label change are excluded. Reports accuracy, macro-F1 over the labels present, jitter (displayed\n"
      "label changes per minute of scored time), the median time-to-lock (time from a segment's start\n"
      "until the displayed label equals the truth and holds for --lock-s) and the unknown rate, as JSON.\n"
      "docs/live.md gives the exact definitions.");
  auto log = std::make_shared<std::string>();
  auto labels = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto set = std::make_shared<std::vector<std::string>>();
  auto o = std::make_shared<ScoreOptions>();
  cmd->add_option("--log", *log, "Frame log CSV written by ferkit live --log")->required();
  cmd->add_option("--labels", *labels, "Events CSV with the operator's true_label events")->required();
  cmd->add_option("--config", *config, "TOML file with score options (min_segment_s, settle_s, grace_s, lock_s, track)");
  cmd->add_option("--set", *set, "Override an option: key=value (repeatable)");
  auto* seg = cmd->add_option("--min-segment-s", o->min_segment_s, "Drop label segments shorter than this (default 0.6)");
  auto* settle = cmd->add_option("--settle-s", o->settle_s, "Exclude this long after each label change (default 0.25)");
  auto* grace = cmd->add_option("--grace-s", o->grace_s, "Exclude this much more: the run's vote window (default 0.5)");
  auto* lock = cmd->add_option("--lock-s", o->lock_s, "Hold time for time-to-lock (default 0.5)");
  auto* track = cmd->add_option("--track", o->track, "Track ID to score (default: the track with the most classified rows)");
  cmd->add_option("--out", *out, "Also write the JSON report to this file");
  cmd->footer(
      "Examples:\n"
      "  ferkit score --log frames.csv --labels events.csv\n"
      "  ferkit score --log frames.csv --labels truth.csv --grace-s 1.0 --lock-s 0.3 --out score.json");
  cmd->callback([=] {
    // Precedence: defaults < --config < named flags < --set.
    nlohmann::json cfg = config->empty() ? nlohmann::json::object() : read_toml(*config);
    ScoreOptions flags = *o;
    ScoreOptions opts;
    bind_options(cfg, opts, "score");
    if (seg->count()) opts.min_segment_s = flags.min_segment_s;
    if (settle->count()) opts.settle_s = flags.settle_s;
    if (grace->count()) opts.grace_s = flags.grace_s;
    if (lock->count()) opts.lock_s = flags.lock_s;
    if (track->count()) opts.track = flags.track;
    nlohmann::json j = to_json(opts);
    for (const auto& s : *set) apply_override(j, s);
    bind_options(j, opts, "score");
    ScoreReport r = score_live_log(read_frame_log(*log), read_operator_labels(*labels), opts);
    const std::string text = r.to_json().dump(2);
    std::cout << text << "\n";
    if (!out->empty()) {
      std::ofstream f(*out);
      if (!f) throw Error(*out, "a writable file for the score report", "cannot create it");
      f << text << "\n";
    }
  });
}

}  // namespace ferkit::cli
