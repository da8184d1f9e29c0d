// The per-frame CSV log (ferkit/live/frame_log.h).
#include "ferkit/live/frame_log.h"

#include <cstdio>
#include <map>

#include "ferkit/csv.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

const std::vector<std::string>& frame_log_columns() {
  static const std::vector<std::string> cols = [] {
    std::vector<std::string> c = {"timestamp", "frame", "track", "x", "y", "w", "h"};
    for (const auto& n : class_names()) c.push_back("p_" + n);
    for (const char* n : {"smoothed_label", "final_label", "unknown", "true_label"}) c.emplace_back(n);
    return c;
  }();
  return cols;
}

std::string fmt(double v, const char* f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// A label column: "" or "unknown" -> -1, else a class name.
int parse_label(const std::string& text, const std::string& where, const char* column) {
  if (text.empty() || text == "unknown" || text == "none") return -1;
  int k = try_class_index(text);
  if (k == kDropped) throw Error(where, std::string(column) + " as a class name, 'unknown' or empty", "'" + text + "'");
  return k;
}

}  // namespace

std::string label_text(int label, const char* none_text) { return label < 0 ? std::string(none_text) : class_name(label); }

FrameLogWriter::FrameLogWriter(const std::filesystem::path& path, int flush_every) : path_(path), out_(path), flush_every_(flush_every) {
  if (!out_) throw Error(path.string(), "a writable file for the frame log", "cannot create it");
  const auto& cols = frame_log_columns();
  for (size_t i = 0; i < cols.size(); ++i) out_ << (i ? "," : "") << cols[i];
  out_ << "\n";
}

FrameLogWriter::~FrameLogWriter() { close(); }

void FrameLogWriter::write(const FrameLogRow& r) {
  out_ << fmt(r.timestamp_s, "%.4f") << "," << r.frame << "," << r.track;
  if (r.has_box) out_ << "," << fmt(r.x, "%.1f") << "," << fmt(r.y, "%.1f") << "," << fmt(r.w, "%.1f") << "," << fmt(r.h, "%.1f");
  else out_ << ",,,,";
  for (int k = 0; k < kNumClasses; ++k) out_ << "," << (r.has_probs ? fmt(r.probs[k], "%.6f") : std::string());
  out_ << "," << label_text(r.smoothed_label, "") << "," << label_text(r.final_label, "unknown") << "," << (r.unknown ? 1 : 0)
       << "," << label_text(r.true_label, "") << "\n";
  if (++rows_ % flush_every_ == 0) out_.flush();
  if (!out_) throw Error(path_.string(), "room to write the frame log", "a write error (disk full?)");
}

void FrameLogWriter::flush() { out_.flush(); }

void FrameLogWriter::close() {
  if (out_.is_open()) {
    out_.flush();
    out_.close();
  }
}

std::vector<FrameLogRow> read_frame_log(const std::filesystem::path& path) {
  CsvReader r(path);
  std::vector<std::string> f;
  if (!r.next(f)) throw Error(path.string(), "a frame log with a header line", "an empty file");
  const auto& cols = frame_log_columns();
  if (f != cols) {
    std::string expected;
    for (const auto& c : cols) expected += (expected.empty() ? "" : ",") + c;
    throw Error(r.where(), "the frame-log header " + expected, "'" + (f.empty() ? std::string() : f[0]) + ",...' (" + std::to_string(f.size()) + " columns)");
  }
  std::vector<FrameLogRow> rows;
  while (r.next(f)) {
    const std::string w = r.where();
    if (f.size() != cols.size()) throw Error(w, std::to_string(cols.size()) + " fields", std::to_string(f.size()));
    FrameLogRow row;
    row.timestamp_s = parse_double(f[0], w, "timestamp");
    row.frame = parse_int(f[1], w, "frame");
    row.track = static_cast<int>(parse_int(f[2], w, "track"));
    row.has_box = !f[3].empty();
    if (row.has_box) {
      row.x = static_cast<float>(parse_double(f[3], w, "x"));
      row.y = static_cast<float>(parse_double(f[4], w, "y"));
      row.w = static_cast<float>(parse_double(f[5], w, "w"));
      row.h = static_cast<float>(parse_double(f[6], w, "h"));
    }
    row.has_probs = !f[7].empty();
    if (row.has_probs)
      for (int k = 0; k < kNumClasses; ++k) row.probs[k] = static_cast<float>(parse_double(f[7 + k], w, "p_" + class_name(k)));
    const size_t base = 7 + kNumClasses;
    row.smoothed_label = parse_label(f[base], w, "smoothed_label");
    row.final_label = parse_label(f[base + 1], w, "final_label");
    const int64_t unknown = parse_int(f[base + 2], w, "unknown");
    if (unknown != 0 && unknown != 1) throw Error(w, "unknown as 0 or 1", f[base + 2]);
    row.unknown = unknown == 1;
    if (row.unknown != (row.final_label < 0))
      throw Error(w, "unknown = 1 exactly when final_label is 'unknown'", "unknown " + f[base + 2] + " with final_label '" + f[base + 1] + "'");
    row.true_label = parse_label(f[base + 3], w, "true_label");
    rows.push_back(row);
  }
  return rows;
}

}  // namespace ferkit
