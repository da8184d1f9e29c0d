// Transition-fair scoring of a live run: accuracy and stability measured only where the truth is
// settled, from the frame log and the operator's label events.
//
//   ferkit::ScoreOptions o;                                  // 600 ms, 250 ms, 500 ms grace...
//   ferkit::ScoreReport r = ferkit::score_live_log(ferkit::read_frame_log("frames.csv"),
//                                                  ferkit::read_operator_labels("events.csv"), o);
//   r.accuracy; r.macro_f1; r.jitter_per_min; r.median_time_to_lock_s; r.to_json();
//
// Definitions (every duration configurable in ScoreOptions):
// - Displayed label of a frame: final_label of the scored track's row in that frame; "unknown" when
//   the row is gated or the track has no row (no face). Scored track: options.track, or with -1
//   the track with the most classified rows.
// - Segments: operator label i (not "none") runs from its timestamp t_i to the next label event
//   t_{i+1} (or, for the last, to the last frame's timestamp); a frame at t belongs to it when
//   t_i <= t < t_{i+1} (the last segment includes its end). Segments shorter than min_segment_s
//   are dropped (counted in segments_dropped_short).
// - Scored frames: frames of kept segments with t >= t_i + settle_s + grace_s (settle: the
//   operator's reaction, 250 ms; grace: the vote window, so the vote has had a full window of the
//   new expression).
// - accuracy = scored frames whose displayed label equals the true label / scored frames
//   (unknown counts as wrong). unknown_rate = scored frames displayed unknown / scored frames.
// - macro_f1: mean over the true labels present among scored frames of F1 = 2TP / (2TP + FP + FN);
//   an unknown display is a FN of its true class and a FP of no class.
// - jitter_per_min = displayed-label changes between consecutive scored frames of the same
//   segment (unknown counts as a label) / total scored time in minutes (sum over segments of the
//   last scored timestamp minus the first).
// - time-to-lock of a segment: the first frame f (t_f >= t_i) from which the displayed label equals
//   the true label on every frame up to some frame g of the same segment with t_g - t_f >= lock_s;
//   time-to-lock = t_f - t_i. A segment without such f is never locked (segments_never_locked).
//   median_time_to_lock_s is the median over locked segments (mean of the middle two for an even
//   count; null when none locked).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/live/frame_log.h"

namespace ferkit {

struct ScoreOptions {
  double min_segment_s = 0.600;  // drop label segments shorter than this
  double settle_s = 0.250;       // exclude this long after each label change
  double grace_s = 0.500;        // and this much more (the vote window of the run)
  double lock_s = 0.500;         // the displayed label must hold this long to count as locked
  int track = -1;                // track to score (-1: the track with the most classified rows)
  template <class V> void visit(V& v) {
    v("min_segment_s", min_segment_s, "drop label segments shorter than this (seconds)");
    v("settle_s", settle_s, "exclude this long after each label change (seconds)");
    v("grace_s", grace_s, "and this much more: the vote window of the run (seconds)");
    v("lock_s", lock_s, "the displayed label must hold this long to count as locked (seconds)");
    v("track", track, "track to score (-1: the track with the most classified rows)");
  }
};

struct ScoreReport {
  int64_t frames = 0;                 // distinct frames in the log
  int track = -1;                     // scored track
  int64_t segments = 0;               // kept segments
  int64_t segments_dropped_short = 0;
  int64_t frames_in_segments = 0;
  int64_t frames_excluded_settling = 0;  // in kept segments, inside settle + grace
  int64_t frames_scored = 0;
  int64_t correct = 0;
  int64_t unknown = 0;
  double accuracy = 0.0;
  double unknown_rate = 0.0;
  double macro_f1 = 0.0;
  std::array<std::optional<double>, kNumClasses> f1{};  // per class, for true labels present
  int64_t label_changes = 0;
  double scored_minutes = 0.0;
  double jitter_per_min = 0.0;
  std::vector<std::optional<double>> time_to_lock_s;  // per kept segment (nullopt: never locked)
  std::optional<double> median_time_to_lock_s;
  int64_t segments_never_locked = 0;
  ScoreOptions options;
  nlohmann::json to_json() const;
};

// Throws ferkit::Error for an empty log or a log whose frames are out of time order.
ScoreReport score_live_log(const std::vector<FrameLogRow>& rows, const std::vector<OperatorLabel>& labels,
                           const ScoreOptions& options);

}  // namespace ferkit
