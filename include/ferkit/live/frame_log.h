// The live pipeline's logs: a per-frame CSV and an events CSV, written as frames go by and read
// back by `ferkit score`.
//
//   ferkit::FrameLogWriter log("frames.csv");
//   log.write(row);                       // one row per face per frame (track -1: no face)
//   log.flush();                          // also done every flush_every rows and on close
//   std::vector<ferkit::FrameLogRow> rows = ferkit::read_frame_log("frames.csv");
//
//   ferkit::EventLogWriter ev("events.csv");
//   ev.write({t, frame, track, "label_change", "happiness", "neutral"});
//   std::vector<ferkit::LiveEvent> labels = ferkit::read_events("events.csv");
//
// Frame log columns: timestamp (s), frame, track, x, y, w, h (the stabilised face box, pixels),
// p_neutral ... p_contempt (the 8 raw probabilities from the classifier, canonical order),
// smoothed_label (after EMA, vote and hysteresis), final_label (after the unknown gate, "unknown"
// when gated or no face), unknown (0/1), true_label (the operator's label at that time, empty when
// none). A frame without faces, or a track the detector missed (not classified), has empty box
// and/or probability fields and final_label "unknown".
//
// Events columns: timestamp, frame, track, event, label, previous. Events written by the pipeline:
// true_label (operator set a label; label "none" clears it; track empty), label_change (a track's
// final label changed), track_start, track_end, parameter (a hotkey changed alpha/delta/threshold:
// label = "name=value"). `--labels` files need only timestamp, event and label columns; other
// columns may be absent or empty.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ferkit/taxonomy.h"

namespace ferkit {

struct FrameLogRow {
  double timestamp_s = 0.0;
  int64_t frame = 0;
  int track = -1;                 // -1: no face in this frame
  bool has_box = false;
  float x = 0, y = 0, w = 0, h = 0;
  bool has_probs = false;         // false: not classified (no face, or a missed detection)
  std::array<float, kNumClasses> probs{};
  int smoothed_label = -1;        // class index or -1
  int final_label = -1;           // class index or -1 (unknown)
  bool unknown = true;
  int true_label = -1;            // class index or -1 (none)
};

class FrameLogWriter {
 public:
  explicit FrameLogWriter(const std::filesystem::path& path, int flush_every = 30);
  ~FrameLogWriter();
  void write(const FrameLogRow& row);
  void flush();
  void close();
  int64_t rows() const { return rows_; }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
  int flush_every_;
  int64_t rows_ = 0;
};

// Reads a frame log (header required); errors name file:line and the column.
std::vector<FrameLogRow> read_frame_log(const std::filesystem::path& path);

struct LiveEvent {
  double timestamp_s = 0.0;
  int64_t frame = -1;     // -1 when not given
  int track = -1;         // -1 when not given
  std::string event;      // true_label, label_change, track_start, track_end, parameter
  std::string label;
  std::string previous;
};

class EventLogWriter {
 public:
  explicit EventLogWriter(const std::filesystem::path& path);
  ~EventLogWriter();
  void write(const LiveEvent& e);  // flushed at once: events are rare and must survive a crash
  void close();
  int64_t rows() const { return rows_; }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
  int64_t rows_ = 0;
};

// Reads an events CSV; needs the columns timestamp, event and label (any order, others optional).
// Rows must be in non-decreasing time order (an Error names the line otherwise).
std::vector<LiveEvent> read_events(const std::filesystem::path& path);

// The operator's label events only (event == "true_label"); label -1 = cleared ("none" or empty).
struct OperatorLabel {
  double timestamp_s = 0.0;
  int label = -1;
};
// Throws an Error naming file:line for a label that is not a class name, synonym or "none".
std::vector<OperatorLabel> read_operator_labels(const std::filesystem::path& path);

// "unknown" / "" for -1, else the canonical class name.
std::string label_text(int label, const char* none_text);

}  // namespace ferkit
