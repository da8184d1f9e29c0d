// EDF/EDF+ and BDF/BDF+ reader: fixed-width ASCII header, 16/24-bit records, TAL annotations.
//
// Hand-written rather than through libbiosig (see eeg_edf.h): biosig adjusts a record count that
// disagrees with the file size with a warning instead of failing, and folds annotation channels into
// its own event table; the format is 256 + 256 * signals header bytes and little-endian integers.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "ferkit/csv.h"
#include "ferkit/eeg_edf.h"
#include "ferkit/eeg_resample.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Reads `n` bytes at the stream's position; an Error names the file when it ends early.
std::string read_bytes(std::istream& in, size_t n, const std::string& file, const std::string& what) {
  std::string s(n, '\0');
  in.read(s.data(), static_cast<std::streamsize>(n));
  if (in.gcount() != static_cast<std::streamsize>(n))
    throw Error(file, std::to_string(n) + " header bytes for " + what, "end of file");
  return s;
}

// Splits one record's annotation-channel bytes into TALs: "+onset[\x15duration]\x14text\x14...\x00".
// Returns the onset of the first TAL (the record's timekeeping TAL in the first annotation
// channel), NaN when the bytes hold none.
double parse_tals(const std::string& bytes, const std::string& where, std::vector<EdfAnnotation>& out) {
  double first_onset = std::numeric_limits<double>::quiet_NaN();
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t end = bytes.find('\0', pos);
    if (end == std::string::npos) end = bytes.size();
    std::string tal = bytes.substr(pos, end - pos);
    pos = end + 1;
    if (tal.empty()) continue;
    size_t first20 = tal.find('\x14');
    if (first20 == std::string::npos || (tal[0] != '+' && tal[0] != '-'))
      throw Error(where, "a TAL '+onset[\\x15duration]\\x14text\\x14'", "'" + tal.substr(0, 20) + "'");
    std::string time = tal.substr(0, first20);
    EdfAnnotation a;
    size_t dur = time.find('\x15');
    a.onset = parse_double(time.substr(0, dur), where, "annotation onset");
    if (dur != std::string::npos) a.duration = parse_double(time.substr(dur + 1), where, "annotation duration");
    if (std::isnan(first_onset)) first_onset = a.onset;
    // Texts follow, each ended by \x14; an empty list is the record's timekeeping TAL.
    size_t t = first20 + 1;
    while (t < tal.size()) {
      size_t next = tal.find('\x14', t);
      if (next == std::string::npos) next = tal.size();
      std::string text = tal.substr(t, next - t);
      if (!text.empty()) {
        EdfAnnotation copy = a;
        copy.text = text;
        out.push_back(copy);
      }
      t = next + 1;
    }
  }
  return first_onset;
}

}  // namespace

int64_t EdfHeader::record_bytes() const {
  int64_t n = 0;
  for (const auto& c : channels) n += c.samples_per_record * bytes_per_sample();
  return n;
}

EdfHeader read_edf_header(const std::filesystem::path& file) {
  const std::string f = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(f, "a readable EDF/BDF file", "cannot open it");
  EdfHeader h;
  h.file = file;
  std::string fixed = read_bytes(in, 256, f, "the fixed header");
  if (static_cast<unsigned char>(fixed[0]) == 0xFF && fixed.substr(1, 7) == "BIOSEMI") {
    h.bdf = true;
  } else if (fixed.substr(0, 8) == "0       ") {
    h.bdf = false;
  } else {
    throw Error(f, "an EDF ('0' + 7 blanks) or BDF (0xFF 'BIOSEMI') version field", "'" + fixed.substr(0, 8) + "'");
  }
  auto field = [&](size_t off, size_t len) { return trim(fixed.substr(off, len)); };
  h.patient = field(8, 80);
  h.recording = field(88, 80);
  h.start_date = field(168, 8);
  h.start_time = field(176, 8);
  h.header_bytes = parse_int(field(184, 8), f + ": header", "number of header bytes");
  h.reserved = field(192, 44);
  h.records = parse_int(field(236, 8), f + ": header", "number of data records");
  h.record_duration = parse_double(field(244, 8), f + ": header", "duration of a data record");
  const int64_t ns = parse_int(field(252, 4), f + ": header", "number of signals");
  if (ns <= 0 || ns > 4096) throw Error(f + ": header", "1..4096 signals", std::to_string(ns));
  if (h.header_bytes != 256 * (ns + 1))
    throw Error(f + ": header", "256 * (signals + 1) = " + std::to_string(256 * (ns + 1)) + " header bytes",
                std::to_string(h.header_bytes));
  if (!(h.record_duration >= 0))
    throw Error(f + ": header", "a record duration >= 0 s", std::to_string(h.record_duration));

  std::string sig = read_bytes(in, static_cast<size_t>(256 * ns), f, "the signal headers");
  size_t offset = 0;
  auto column = [&](size_t width) {
    std::vector<std::string> v(static_cast<size_t>(ns));
    for (int64_t i = 0; i < ns; ++i) v[static_cast<size_t>(i)] = trim(sig.substr(offset + i * width, width));
    offset += width * static_cast<size_t>(ns);
    return v;
  };
  auto labels = column(16), transducers = column(80), dims = column(8), pmins = column(8), pmaxs = column(8),
       dmins = column(8), dmaxs = column(8), prefilters = column(80), spr = column(8);
  for (int64_t i = 0; i < ns; ++i) {
    size_t k = static_cast<size_t>(i);
    EdfChannel c;
    c.label = labels[k];
    const std::string where = f + ": header of signal " + std::to_string(i + 1) + " '" + c.label + "'";
    c.transducer = transducers[k];
    c.physical_dimension = dims[k];
    c.prefilter = prefilters[k];
    c.annotation = lower(c.label) == "edf annotations" || lower(c.label) == "bdf annotations";
    c.samples_per_record = parse_int(spr[k], where, "samples per record");
    if (c.samples_per_record <= 0) throw Error(where, "samples per record > 0", spr[k]);
    if (!c.annotation) {
      c.physical_min = parse_double(pmins[k], where, "physical minimum");
      c.physical_max = parse_double(pmaxs[k], where, "physical maximum");
      c.digital_min = parse_int(dmins[k], where, "digital minimum");
      c.digital_max = parse_int(dmaxs[k], where, "digital maximum");
      if (c.digital_max <= c.digital_min)
        throw Error(where, "digital maximum > digital minimum", dmaxs[k] + " <= " + dmins[k]);
    }
    c.sampling_rate = h.record_duration > 0 ? c.samples_per_record / h.record_duration : 0.0;
    h.channels.push_back(c);
  }

  // The declared size must be the file's size (records = -1 means "unknown": take it from the size).
  const auto size = static_cast<int64_t>(std::filesystem::file_size(file));
  const int64_t data_bytes = size - h.header_bytes;
  const int64_t rb = h.record_bytes();
  if (h.records == -1 && rb > 0 && data_bytes >= 0 && data_bytes % rb == 0) h.records = data_bytes / rb;
  if (h.records < 0 || h.header_bytes + h.records * rb != size) {
    std::ostringstream expected, found;
    expected << "a file of " << h.header_bytes << " header bytes + " << h.records << " records x " << rb
             << " bytes = " << (h.header_bytes + h.records * rb) << " bytes";
    found << size << " bytes (truncated or wrong record count)";
    throw Error(f, expected.str(), found.str());
  }
  return h;
}

EdfRecording read_edf(const std::filesystem::path& file, const EdfReadOptions& options) {
  EdfRecording r;
  r.header = read_edf_header(file);
  const EdfHeader& h = r.header;
  const std::string f = file.string();
  const size_t ns = h.channels.size();

  // Decide what each channel is used for.
  std::vector<int> selected;  // indices of EEG channels returned, in output order
  std::vector<std::string> missing;
  std::vector<bool> used(ns, false);
  if (!options.channels.empty()) {
    for (const auto& want : options.channels) {
      int found = -1;
      for (size_t i = 0; i < ns && found < 0; ++i)
        if (!h.channels[i].annotation && lower(electrode_name(h.channels[i].label)) == lower(electrode_name(want)))
          found = static_cast<int>(i);
      if (found < 0)
        missing.push_back(want);
      else
        selected.push_back(found), used[static_cast<size_t>(found)] = true;
    }
  } else {
    for (size_t i = 0; i < ns; ++i)
      if (!h.channels[i].annotation && !is_non_eeg_label(h.channels[i].label))
        selected.push_back(static_cast<int>(i)), used[i] = true;
  }
  std::vector<int> digital;
  for (const auto& want : options.digital_channels) {
    int found = -1;
    for (size_t i = 0; i < ns && found < 0; ++i)
      if (lower(h.channels[i].label) == lower(trim(want))) found = static_cast<int>(i);
    if (found < 0)
      missing.push_back(want);
    else
      digital.push_back(found), used[static_cast<size_t>(found)] = true;
  }
  if (!missing.empty()) {
    std::vector<std::string> have;
    for (const auto& c : h.channels)
      if (!c.annotation) have.push_back(c.label);
    throw Error(f, "channels " + join(missing), "a file with " + join(have));
  }
  if (selected.empty()) throw Error(f, "at least one EEG channel", "none after skipping non-EEG channels");
  for (size_t i = 0; i < ns; ++i) {
    if (used[i]) continue;
    const auto& c = h.channels[i];
    const std::string reason = c.annotation                ? "annotation channel"
                               : is_non_eeg_label(c.label) ? "non-EEG channel (by name)"
                                                           : "EEG channel not requested";
    r.skipped[reason] += 1;
    r.skipped_channels.push_back(c.label);
  }

  // Record layout: channel i occupies samples_per_record * bytes_per_sample bytes at offset[i].
  std::vector<int64_t> offset(ns, 0);
  for (size_t i = 1; i < ns; ++i)
    offset[i] = offset[i - 1] + h.channels[i - 1].samples_per_record * h.bytes_per_sample();
  std::vector<std::vector<double>> eeg(selected.size());
  std::vector<std::vector<int32_t>> dig(digital.size());
  for (size_t k = 0; k < selected.size(); ++k)
    eeg[k].reserve(static_cast<size_t>(h.records * h.channels[static_cast<size_t>(selected[k])].samples_per_record));

  std::ifstream in(file, std::ios::binary);
  in.seekg(h.header_bytes);
  std::string record(static_cast<size_t>(h.record_bytes()), '\0');
  const int64_t bps = h.bytes_per_sample();
  auto sample = [&](size_t ch, int64_t j) -> int32_t {
    const auto* p = reinterpret_cast<const unsigned char*>(record.data() + offset[ch] + j * bps);
    if (bps == 3) {
      int32_t v = static_cast<int32_t>(p[0] | (p[1] << 8) | (p[2] << 16));
      return (v & 0x800000) ? v - 0x1000000 : v;
    }
    return static_cast<int16_t>(static_cast<uint16_t>(p[0] | (p[1] << 8)));
  };
  double first_record_start = 0;
  for (int64_t rec = 0; rec < h.records; ++rec) {
    in.read(record.data(), static_cast<std::streamsize>(record.size()));
    if (in.gcount() != static_cast<std::streamsize>(record.size()))
      throw Error(f, "data record " + std::to_string(rec + 1) + " of " + std::to_string(h.records), "end of file");
    for (size_t k = 0; k < selected.size(); ++k) {
      const auto& c = h.channels[static_cast<size_t>(selected[k])];
      const double gain = (c.physical_max - c.physical_min) / static_cast<double>(c.digital_max - c.digital_min);
      for (int64_t j = 0; j < c.samples_per_record; ++j)
        eeg[k].push_back((sample(static_cast<size_t>(selected[k]), j) - c.digital_min) * gain + c.physical_min);
    }
    for (size_t k = 0; k < digital.size(); ++k) {
      const auto& c = h.channels[static_cast<size_t>(digital[k])];
      for (int64_t j = 0; j < c.samples_per_record; ++j) dig[k].push_back(sample(static_cast<size_t>(digital[k]), j));
    }
    bool first_annotation_channel = true;
    for (size_t i = 0; i < ns; ++i) {
      if (!h.channels[i].annotation) continue;
      std::string bytes =
          record.substr(static_cast<size_t>(offset[i]), static_cast<size_t>(h.channels[i].samples_per_record * bps));
      const std::string where = f + ": record " + std::to_string(rec + 1) + " '" + h.channels[i].label + "'";
      const double start = parse_tals(bytes, where, r.annotations);
      if (!first_annotation_channel) continue;
      first_annotation_channel = false;
      // Records are joined as one continuous signal: a timekeeping TAL that says otherwise (an
      // EDF+D/BDF+D gap) would shift every later sample, so it is an error, not a silent join.
      if (rec == 0) first_record_start = start;
      const double expected = first_record_start + static_cast<double>(rec) * h.record_duration;
      if (!std::isnan(start) && std::abs(start - expected) > 1e-6 * std::max(1.0, std::abs(expected))) {
        std::ostringstream exp, found;
        exp << "record " << rec + 1 << " to start at " << expected << " s (continuous records)";
        found << start << " s: a discontinuous (EDF+D/BDF+D) recording, which ferkit does not join";
        throw Error(where, exp.str(), found.str());
      }
    }
  }

  // One rate for the selected channels: the native one when they share it, else resampled.
  std::vector<std::string> names;
  for (int i : selected) names.push_back(electrode_name(h.channels[static_cast<size_t>(i)].label));
  const double rate0 = h.channels[static_cast<size_t>(selected[0])].sampling_rate;
  bool same = true;
  for (int i : selected) same = same && std::abs(h.channels[static_cast<size_t>(i)].sampling_rate - rate0) < 1e-9;
  if (options.sampling_rate <= 0 && !same) {
    std::ostringstream found;
    for (int i : selected)
      found << h.channels[static_cast<size_t>(i)].label << " " << h.channels[static_cast<size_t>(i)].sampling_rate
            << " Hz; ";
    throw Error(f, "selected channels sharing one sampling rate (or a sampling_rate to resample to)", found.str());
  }
  r.signal.channels = names;
  r.signal.sampling_rate = options.sampling_rate > 0 ? options.sampling_rate : rate0;
  for (size_t k = 0; k < selected.size(); ++k) {
    EegSignal one;
    one.sampling_rate = h.channels[static_cast<size_t>(selected[k])].sampling_rate;
    one.channels = {names[k]};
    one.data = {std::move(eeg[k])};
    if (options.sampling_rate > 0) one = resample_signal(one, options.sampling_rate);
    r.signal.data.push_back(std::move(one.data[0]));
  }
  for (size_t k = 0; k < digital.size(); ++k)
    r.digital[h.channels[static_cast<size_t>(digital[k])].label] = std::move(dig[k]);
  return r;
}

}  // namespace ferkit
