// Band-power table reader (`<CH>_<Band>_Power` columns, GAMEEMO's derived tables) joined with a
// ratings table by subject and trial.
#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "ferkit/csv.h"
#include "ferkit/eeg_band_power_table.h"
#include "ferkit/eeg_electrodes.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

// The number inside an id such as "S07", "G3.pdf" or "12".
int64_t id_number(const std::string& text, const std::string& where, const std::string& what) {
  std::string digits;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits.push_back(c);
    else if (!digits.empty())
      break;
  }
  if (digits.empty()) throw Error(where, what + " with a number (S01, G1.pdf, 3)", "'" + text + "'");
  return std::stoll(digits);
}

struct Rating {
  double valence, arousal, valence_norm, arousal_norm;
  std::string where;
  bool used = false;
};

std::map<std::pair<int64_t, int64_t>, Rating> read_ratings(const std::string& file) {
  CsvReader r(file);
  std::vector<std::string> row;
  if (!r.next(row)) throw Error(file, "a header (Subject, Path or Trial, Valence, Arousal)", "an empty file");
  int subject = -1, trial = -1, valence = -1, arousal = -1;
  for (size_t i = 0; i < row.size(); ++i) {
    std::string h = upper(trim(row[i]));
    if (h == "SUBJECT")
      subject = static_cast<int>(i);
    else if (h == "PATH" || h == "TRIAL" || h == "GAME")
      trial = trial < 0 ? static_cast<int>(i) : trial;
    else if (h == "VALENCE")
      valence = static_cast<int>(i);
    else if (h == "AROUSAL")
      arousal = static_cast<int>(i);
  }
  if (subject < 0 || trial < 0 || valence < 0 || arousal < 0)
    throw Error(r.where(), "columns Subject, Path (or Trial), Valence and Arousal", join(row));
  std::map<std::pair<int64_t, int64_t>, Rating> out;
  const size_t need = static_cast<size_t>(std::max({subject, trial, valence, arousal})) + 1;
  while (r.next(row)) {
    const std::string where = r.where();
    if (row.size() < need) throw Error(where, std::to_string(need) + " fields", std::to_string(row.size()));
    auto key = std::make_pair(id_number(row[static_cast<size_t>(subject)], where, "a subject"),
                              id_number(row[static_cast<size_t>(trial)], where, "a trial"));
    Rating rt;
    rt.where = where;
    rt.valence = parse_double(trim(row[static_cast<size_t>(valence)]), where, "Valence");
    rt.arousal = parse_double(trim(row[static_cast<size_t>(arousal)]), where, "Arousal");
    rt.valence_norm = kNinePointRatingScale.normalise(rt.valence, where + ": Valence");
    rt.arousal_norm = kNinePointRatingScale.normalise(rt.arousal, where + ": Arousal");
    auto [it, inserted] = out.emplace(key, rt);
    if (!inserted)
      throw Error(where, "one rating per subject and trial",
                  "a second rating for subject " + std::to_string(key.first) + " trial " + std::to_string(key.second) +
                      " (first at " + it->second.where + ")");
  }
  return out;
}

}  // namespace

BandPowerSet read_band_power_table(const BandPowerTableOptions& o) {
  CsvReader r(o.path);
  std::vector<std::string> header;
  if (!r.next(header))
    throw Error(o.path, "a header with SUBJECT, GAME and <CH>_<Band>_Power columns", "an empty file");
  BandPowerSet out;
  out.source = o.path;
  int subject = -1, trial = -1, window = -1;
  // (channel index, band index) of every band-power column, -1 for the others.
  std::vector<std::pair<int, int>> role(header.size(), {-1, -1});
  std::map<std::string, std::set<std::string>> bands_of;  // channel -> bands it has
  std::map<std::pair<int, int>, std::string> column_of;
  std::vector<std::string> ignored;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string name = trim(header[i]);
    const std::string u = upper(name);
    if (u == "SUBJECT") {
      subject = static_cast<int>(i);
      continue;
    }
    if (u == "GAME" || u == "TRIAL") {
      trial = static_cast<int>(i);
      continue;
    }
    if (u == "WINDOW_INDEX" || u == "WINDOW") {
      window = static_cast<int>(i);
      continue;
    }
    const std::string suffix = "_POWER";
    size_t sep = name.size() > suffix.size() ? name.rfind('_', name.size() - suffix.size() - 1) : std::string::npos;
    if (u.size() <= suffix.size() || u.compare(u.size() - suffix.size(), suffix.size(), suffix) != 0 ||
        sep == std::string::npos || sep == 0) {
      ignored.push_back(name);
      continue;
    }
    std::string channel = name.substr(0, sep);
    std::string band = name.substr(sep + 1, name.size() - suffix.size() - sep - 1);
    if (!find_electrode(channel))
      throw Error(o.path + ": column '" + name + "'", "a channel with a known 10-20/10-05 electrode position",
                  "'" + channel + "'");
    auto ch = std::find(out.channels.begin(), out.channels.end(), channel);
    if (ch == out.channels.end()) out.channels.push_back(channel), ch = out.channels.end() - 1;
    auto bd = std::find(out.bands.begin(), out.bands.end(), band);
    if (bd == out.bands.end()) out.bands.push_back(band), bd = out.bands.end() - 1;
    std::pair<int, int> key(static_cast<int>(ch - out.channels.begin()), static_cast<int>(bd - out.bands.begin()));
    if (column_of.count(key))
      throw Error(o.path + ": column '" + name + "'", "one column per channel and band", "a duplicate");
    column_of[key] = name;
    role[i] = key;
    bands_of[channel].insert(band);
  }
  if (subject < 0 || trial < 0) throw Error(o.path + ":1", "columns SUBJECT and GAME (or TRIAL)", join(header));
  if (out.channels.empty()) throw Error(o.path + ":1", "<CH>_<Band>_Power columns", "none");
  // Every channel must carry the same bands.
  for (const auto& ch : out.channels)
    for (const auto& b : out.bands)
      if (!bands_of[ch].count(b))
        throw Error(o.path + ": column '" + ch + "_" + b + "_Power'",
                    "the same bands for every channel (" + join(out.bands) + ")", "no such column");
  if (!ignored.empty()) out.notes.push_back("ignored columns (neither ids nor band powers): " + join(ignored));

  // Bands kept: all present, or those asked for by name.
  std::vector<int> keep;
  if (o.bands.empty()) {
    for (size_t b = 0; b < out.bands.size(); ++b) keep.push_back(static_cast<int>(b));
  } else {
    for (const auto& want : o.bands) {
      int found = -1;
      for (size_t b = 0; b < out.bands.size(); ++b)
        if (upper(out.bands[b]) == upper(want)) found = static_cast<int>(b);
      if (found < 0) throw Error(o.path, "band '" + want + "' among the table's bands", join(out.bands));
      keep.push_back(found);
    }
  }

  std::map<std::pair<int64_t, int64_t>, Rating> ratings;
  if (!o.ratings.empty()) ratings = read_ratings(o.ratings);

  const size_t nc = out.channels.size(), nb_all = out.bands.size();
  std::map<std::tuple<int64_t, int64_t, int64_t>, std::string> seen;
  std::vector<std::string> row;
  while (r.next(row)) {
    const std::string where = r.where();
    if (row.size() != header.size())
      throw Error(where, std::to_string(header.size()) + " fields like the header", std::to_string(row.size()));
    BandPowerRow br;
    br.subject = parse_int(trim(row[static_cast<size_t>(subject)]), where, "SUBJECT");
    br.trial = parse_int(trim(row[static_cast<size_t>(trial)]), where, "GAME");
    br.window = window >= 0 ? parse_int(trim(row[static_cast<size_t>(window)]), where, "WINDOW_INDEX") : 1;
    br.provenance = where;
    auto [it, inserted] = seen.emplace(std::make_tuple(br.subject, br.trial, br.window), where);
    if (!inserted) throw Error(where, "one row per subject, trial and window", "a repeat of " + it->second);
    std::vector<double> all(nb_all * nc, 0.0);
    for (size_t i = 0; i < row.size(); ++i) {
      if (role[i].first < 0) continue;
      const std::string cell = trim(row[i]);
      if (cell.empty())
        throw Error(where + ": column '" + trim(header[i]) + "'", "a band power (every window has every band)",
                    "an empty cell");
      all[static_cast<size_t>(role[i].second) * nc + static_cast<size_t>(role[i].first)] =
          parse_double(cell, where, trim(header[i]));
    }
    for (int b : keep)
      br.power.insert(br.power.end(), all.begin() + b * static_cast<int64_t>(nc),
                      all.begin() + (b + 1) * static_cast<int64_t>(nc));
    if (!o.ratings.empty()) {
      auto rt = ratings.find({br.subject, br.trial});
      if (rt == ratings.end())
        throw Error(where,
                    "a rating for subject " + std::to_string(br.subject) + " trial " + std::to_string(br.trial) +
                        " in " + o.ratings,
                    "none");
      rt->second.used = true;
      br.valence = rt->second.valence;
      br.arousal = rt->second.arousal;
      br.valence_norm = rt->second.valence_norm;
      br.arousal_norm = rt->second.arousal_norm;
    } else {
      br.valence = br.arousal = br.valence_norm = br.arousal_norm = std::numeric_limits<double>::quiet_NaN();
    }
    out.rows.push_back(std::move(br));
  }
  for (const auto& [key, rt] : ratings)
    if (!rt.used)
      throw Error(rt.where,
                  "band-power rows for subject " + std::to_string(key.first) + " trial " + std::to_string(key.second) +
                      " in " + o.path,
                  "none");

  std::vector<std::string> kept;
  for (int b : keep) kept.push_back(out.bands[static_cast<size_t>(b)]);
  std::vector<std::string> absent;
  for (const auto& d : default_bands()) {
    bool present = false;
    for (const auto& b : out.bands) present = present || upper(b) == upper(d.name);
    if (!present) absent.push_back(d.name);
  }
  out.notes.push_back("bands present: " + join(out.bands) + (absent.empty() ? "" : " (absent: " + join(absent) + ")"));
  out.bands = kept;
  return out;
}

}  // namespace ferkit
