// The events CSV: label changes, operator labels, track starts and ends (ferkit/live/frame_log.h).
#include <cstdio>
#include <map>

#include "ferkit/csv.h"
#include "ferkit/error.h"
#include "ferkit/live/frame_log.h"

namespace ferkit {
namespace {

struct EventWithLine {
  LiveEvent event;
  std::string where;
};

std::vector<EventWithLine> read_events_with_lines(const std::filesystem::path& path) {
  CsvReader r(path);
  std::vector<std::string> f;
  if (!r.next(f)) throw Error(path.string(), "an events CSV with a header line (timestamp,event,label,...)", "an empty file");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < f.size(); ++i) col[f[i]] = i;
  for (const char* need : {"timestamp", "event", "label"})
    if (!col.count(need)) throw Error(r.where(), std::string("a '") + need + "' column in the header", "columns " + std::to_string(f.size()));
  auto get = [&](const std::vector<std::string>& row, const char* name) -> std::string {
    auto it = col.find(name);
    return it == col.end() || it->second >= row.size() ? std::string() : row[it->second];
  };
  std::vector<EventWithLine> out;
  while (r.next(f)) {
    const std::string w = r.where();
    if (f.size() != col.size()) throw Error(w, std::to_string(col.size()) + " fields (as in the header)", std::to_string(f.size()));
    LiveEvent e;
    e.timestamp_s = parse_double(get(f, "timestamp"), w, "timestamp");
    const std::string frame = get(f, "frame"), track = get(f, "track");
    if (!frame.empty()) e.frame = parse_int(frame, w, "frame");
    if (!track.empty()) e.track = static_cast<int>(parse_int(track, w, "track"));
    e.event = get(f, "event");
    e.label = get(f, "label");
    e.previous = get(f, "previous");
    if (e.event.empty()) throw Error(w, "an event name", "an empty field");
    if (!out.empty() && e.timestamp_s < out.back().event.timestamp_s)
      throw Error(w, "events in time order (timestamp >= " + std::to_string(out.back().event.timestamp_s) + ")",
                  std::to_string(e.timestamp_s));
    out.push_back({e, w});
  }
  return out;
}

}  // namespace

EventLogWriter::EventLogWriter(const std::filesystem::path& path) : path_(path), out_(path) {
  if (!out_) throw Error(path.string(), "a writable file for the events log", "cannot create it");
  out_ << "timestamp,frame,track,event,label,previous\n";
  out_.flush();
}

EventLogWriter::~EventLogWriter() { close(); }

void EventLogWriter::write(const LiveEvent& e) {
  char ts[32];
  std::snprintf(ts, sizeof ts, "%.4f", e.timestamp_s);
  out_ << ts << "," << (e.frame >= 0 ? std::to_string(e.frame) : std::string()) << ","
       << (e.track >= 0 ? std::to_string(e.track) : std::string()) << "," << csv_escape(e.event) << "," << csv_escape(e.label)
       << "," << csv_escape(e.previous) << "\n";
  out_.flush();
  ++rows_;
  if (!out_) throw Error(path_.string(), "room to write the events log", "a write error (disk full?)");
}

void EventLogWriter::close() {
  if (out_.is_open()) {
    out_.flush();
    out_.close();
  }
}

std::vector<LiveEvent> read_events(const std::filesystem::path& path) {
  std::vector<LiveEvent> out;
  for (auto& e : read_events_with_lines(path)) out.push_back(std::move(e.event));
  return out;
}

std::vector<OperatorLabel> read_operator_labels(const std::filesystem::path& path) {
  std::vector<OperatorLabel> out;
  for (const auto& e : read_events_with_lines(path)) {
    if (e.event.event != "true_label") continue;
    OperatorLabel l;
    l.timestamp_s = e.event.timestamp_s;
    const std::string& t = e.event.label;
    if (t.empty() || t == "none") {
      l.label = -1;
    } else {
      l.label = try_class_index(t);
      if (l.label == kDropped) {
        std::string known;
        for (const auto& n : class_names()) known += n + ", ";
        throw Error(e.where, "a true_label that is one of " + known + "or none", "'" + t + "'");
      }
    }
    out.push_back(l);
  }
  return out;
}

}  // namespace ferkit
