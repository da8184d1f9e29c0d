// EDF/BDF writer (fixtures and synthetic recordings): the inverse of edf_reader.cpp.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "ferkit/eeg_edf.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

// A header field: left-aligned, blank-padded to `width`; too long is an Error naming the field.
std::string pad(const std::string& s, size_t width, const std::string& what) {
  if (s.size() > width)
    throw Error("EDF header field " + what, "at most " + std::to_string(width) + " characters", "'" + s + "'");
  return s + std::string(width - s.size(), ' ');
}

// A number in at most 8 characters (the width of EDF's numeric fields).
std::string number8(double v, const std::string& what) {
  char buf[64];
  for (int precision = 12; precision >= 1; --precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    std::string s(buf);
    if (s.size() <= 8 && s.find('e') == std::string::npos) return s;
  }
  throw Error("EDF header field " + what, "a number that fits 8 characters", std::to_string(v));
}

std::string tal_time(double t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.6g", t);
  return buf;
}

}  // namespace

void write_edf(const std::filesystem::path& file, const EdfWriteSpec& spec) {
  const std::string f = file.string();
  FERKIT_CHECK(!spec.channels.empty(), f << ": write_edf needs at least one channel");
  FERKIT_CHECK(spec.record_duration > 0, f << ": write_edf needs a record duration > 0, got " << spec.record_duration);
  const int64_t bps = spec.bdf ? 3 : 2;
  const int64_t dig_lo = spec.bdf ? -8388608 : -32768, dig_hi = spec.bdf ? 8388607 : 32767;

  int64_t records = -1;
  for (const auto& c : spec.channels) {
    FERKIT_CHECK(c.samples_per_record > 0, f << ": channel '" << c.label << "' needs samples_per_record > 0");
    int64_t n = static_cast<int64_t>(c.samples.size());
    if (n % c.samples_per_record != 0 || (records >= 0 && n / c.samples_per_record != records))
      throw Error(f + ": channel '" + c.label + "'",
                  "a whole number of records" + (records >= 0 ? " (" + std::to_string(records) + ")" : std::string()),
                  std::to_string(n) + " samples at " + std::to_string(c.samples_per_record) + " per record");
    records = n / c.samples_per_record;
    if (c.digital_min < dig_lo || c.digital_max > dig_hi || c.digital_max <= c.digital_min)
      throw Error(f + ": channel '" + c.label + "'", "a digital range inside the format's integers", "");
  }

  // Channels written: the signals, then one annotation channel when there are annotations.
  struct Out {
    std::string label, dim, pmin, pmax, dmin, dmax;
    int64_t spr;
  };
  std::vector<Out> outs;
  for (const auto& c : spec.channels)
    outs.push_back({c.label, c.physical_dimension, number8(c.physical_min, c.label + " physical minimum"),
                    number8(c.physical_max, c.label + " physical maximum"), std::to_string(c.digital_min),
                    std::to_string(c.digital_max), c.samples_per_record});
  const bool annotated = !spec.annotations.empty();
  if (annotated)
    outs.push_back({spec.bdf ? "BDF Annotations" : "EDF Annotations", "", "-1", "1", std::to_string(dig_lo),
                    std::to_string(dig_hi), spec.annotation_samples_per_record});

  // TAL bytes per record: the timekeeping TAL, then the annotations whose onset falls in it.
  std::vector<std::string> tals(static_cast<size_t>(records));
  if (annotated) {
    const size_t capacity = static_cast<size_t>(spec.annotation_samples_per_record * bps);
    for (int64_t r = 0; r < records; ++r)
      tals[static_cast<size_t>(r)] = tal_time(r * spec.record_duration) + "\x14\x14" + '\0';
    for (const auto& a : spec.annotations) {
      int64_t r = std::min<int64_t>(
          records - 1, std::max<int64_t>(0, static_cast<int64_t>(std::floor(a.onset / spec.record_duration))));
      std::string tal = tal_time(a.onset);
      if (a.duration > 0) tal += "\x15" + tal_time(a.duration).substr(1);
      tal += "\x14" + a.text + "\x14" + '\0';
      tals[static_cast<size_t>(r)] += tal;
      if (tals[static_cast<size_t>(r)].size() > capacity)
        throw Error(f + ": annotations of record " + std::to_string(r + 1),
                    "at most " + std::to_string(capacity) + " bytes (raise annotation_samples_per_record)",
                    std::to_string(tals[static_cast<size_t>(r)].size()) + " bytes");
    }
  }

  std::ostringstream h;
  h << (spec.bdf ? std::string("\xff") + "BIOSEMI" : std::string("0       "));
  h << pad(spec.patient, 80, "patient") << pad(spec.recording, 80, "recording") << "01.01.00"
    << "00.00.00";
  h << pad(std::to_string(256 * (outs.size() + 1)), 8, "header bytes");
  h << pad(annotated ? (spec.bdf ? "BDF+C" : "EDF+C") : (spec.bdf ? "24BIT" : ""), 44, "reserved");
  h << pad(std::to_string(records), 8, "records")
    << pad(number8(spec.record_duration, "record duration"), 8, "duration");
  h << pad(std::to_string(outs.size()), 4, "signals");
  for (const auto& o : outs) h << pad(o.label, 16, "label");
  for (size_t i = 0; i < outs.size(); ++i) h << pad("", 80, "transducer");
  for (const auto& o : outs) h << pad(o.dim, 8, "physical dimension");
  for (const auto& o : outs) h << pad(o.pmin, 8, "physical minimum");
  for (const auto& o : outs) h << pad(o.pmax, 8, "physical maximum");
  for (const auto& o : outs) h << pad(o.dmin, 8, "digital minimum");
  for (const auto& o : outs) h << pad(o.dmax, 8, "digital maximum");
  for (size_t i = 0; i < outs.size(); ++i) h << pad("", 80, "prefilter");
  for (const auto& o : outs) h << pad(std::to_string(o.spr), 8, "samples per record");
  for (size_t i = 0; i < outs.size(); ++i) h << pad("", 32, "reserved");

  std::string data;
  auto put = [&](int64_t v) {
    data.push_back(static_cast<char>(v & 0xFF));
    data.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (bps == 3) data.push_back(static_cast<char>((v >> 16) & 0xFF));
  };
  for (int64_t r = 0; r < records; ++r) {
    for (const auto& c : spec.channels) {
      const double gain = (c.physical_max - c.physical_min) / static_cast<double>(c.digital_max - c.digital_min);
      for (int64_t j = 0; j < c.samples_per_record; ++j) {
        double v = c.samples[static_cast<size_t>(r * c.samples_per_record + j)];
        if (!(v >= c.physical_min && v <= c.physical_max))
          throw Error(f + ": channel '" + c.label + "' sample " + std::to_string(r * c.samples_per_record + j),
                      "a value in [" + number8(c.physical_min, "") + ", " + number8(c.physical_max, "") + "]",
                      std::to_string(v));
        put(std::llround((v - c.physical_min) / gain) + c.digital_min);
      }
    }
    if (annotated) {
      std::string t = tals[static_cast<size_t>(r)];
      t.resize(static_cast<size_t>(spec.annotation_samples_per_record * bps), '\0');
      data += t;
    }
  }

  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  if (!out) throw Error(f, "a writable file", "cannot create it");
  const std::string header = h.str();
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) throw Error(f, "a complete write", "an I/O error");
}

}  // namespace ferkit
