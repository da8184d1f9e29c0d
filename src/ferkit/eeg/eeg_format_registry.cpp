// The EEG input formats of `ferkit eeg topomaps`: an explicit table, name -> band-power source.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "ferkit/csv.h"
#include "ferkit/eeg_band_power_table.h"
#include "ferkit/eeg_dreamer.h"
#include "ferkit/eeg_edf.h"
#include "ferkit/eeg_mahnob.h"
#include "ferkit/eeg_topomap_job.h"
#include "ferkit/error.h"
#include "ferkit/options.h"

namespace ferkit {
namespace {

// Band options with the job's band spec resolved.
BandPowerOptions resolved(const TopomapJobOptions& o) {
  BandPowerOptions b = o.band_power;
  if (!o.bands.empty()) b.bands = parse_bands(o.bands);
  return b;
}

BandPowerSet from_dreamer(const TopomapJobOptions& o) {
  DreamerOptions d;
  d.path = o.data;
  d.channels = o.channels;
  BandPowerSet set;
  set.source = o.data;
  const BandPowerOptions b = resolved(o);
  read_dreamer(
      d, [&](EegTrial&& t) { append_band_powers(t, b, set); }, set.dropped);
  return set;
}

BandPowerSet from_mahnob(const TopomapJobOptions& o) {
  MahnobOptions m;
  m.path = o.data;
  m.channels = o.channels;
  m.sampling_rate = o.sampling_rate;
  BandPowerSet set;
  set.source = o.data;
  const BandPowerOptions b = resolved(o);
  read_mahnob(
      m, [&](EegTrial&& t) { append_band_powers(t, b, set); }, set.dropped);
  return set;
}

BandPowerSet from_bdf(const TopomapJobOptions& o) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  if (fs::is_directory(o.data)) {
    for (const auto& e : fs::directory_iterator(o.data)) {
      std::string ext = e.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
      if (e.is_regular_file() && (ext == ".bdf" || ext == ".edf")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw Error(o.data, ".bdf or .edf files", "none");
  } else if (fs::exists(o.data)) {
    files.push_back(o.data);
  } else {
    throw Error(o.data, "a .bdf/.edf file or a folder of them", "no such file or folder");
  }
  const BandPowerOptions b = resolved(o);
  if (b.baseline != "none")
    throw Error("--baseline " + b.baseline, "none for format bdf (a file has no baseline segment)", "");
  BandPowerSet set;
  set.source = o.data;
  EdfReadOptions eo;
  eo.channels = o.channels;
  eo.sampling_rate = o.sampling_rate;
  for (size_t i = 0; i < files.size(); ++i) {
    EdfRecording rec = read_edf(files[i], eo);
    for (const auto& [reason, n] : rec.skipped) set.dropped[reason + " (channels)"] += n;
    EegTrial t;
    t.subject = static_cast<int64_t>(i + 1);
    t.trial = 1;
    t.provenance = files[i].string();
    t.stimulus = std::move(rec.signal);
    append_band_powers(t, b, set);
  }
  return set;
}

BandPowerSet from_band_power_table(const TopomapJobOptions& o) {
  BandPowerTableOptions t;
  t.path = o.data;
  t.ratings = o.ratings;
  if (!o.bands.empty()) {
    for (const auto& raw : split_csv_line(o.bands, ',', "--bands")) {
      std::string name = raw;
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      if (name.find(':') != std::string::npos)
        throw Error("--bands '" + name + "'", "band names only for format bandpower (the table fixes the edges)", "");
      if (!name.empty()) t.bands.push_back(name);
    }
  }
  if (!o.channels.empty())
    throw Error("--channels", "no channel selection for format bandpower (the table fixes them)", "");
  return read_band_power_table(t);
}

using Source = std::function<BandPowerSet(const TopomapJobOptions&)>;
const std::map<std::string, Source>& registry() {
  static const std::map<std::string, Source> r = {
      {"bandpower", from_band_power_table},
      {"bdf", from_bdf},
      {"dreamer", from_dreamer},
      {"mahnob", from_mahnob},
  };
  return r;
}

}  // namespace

std::vector<std::string> eeg_format_names() {
  std::vector<std::string> names;
  for (const auto& kv : registry()) names.push_back(kv.first);
  return names;
}

BandPowerSet read_eeg_band_powers(const TopomapJobOptions& o) {
  auto it = registry().find(o.format);
  if (it == registry().end()) {
    std::string known, guess = nearest_name(o.format, eeg_format_names());
    for (const auto& n : eeg_format_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error("EEG format '" + o.format + "'",
                "one of " + known + (guess.empty() ? "" : " (did you mean " + guess + "?)"), "");
  }
  if (o.data.empty()) throw Error("--data", "an input file or folder", "none");
  return it->second(o);
}

}  // namespace ferkit
