// Band power per channel and window of a stimulus, with optional baseline correction.
#include <cctype>
#include <cmath>
#include <sstream>

#include "ferkit/csv.h"
#include "ferkit/eeg_band_power.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

// Band powers [band][channel] of a whole signal.
std::vector<double> signal_band_powers(const EegSignal& s, const BandPowerOptions& o) {
  Psd psd = welch_psd(s, o.welch);
  std::vector<double> out(o.bands.size() * s.channels.size());
  for (size_t b = 0; b < o.bands.size(); ++b)
    for (size_t c = 0; c < s.channels.size(); ++c)
      out[b * s.channels.size() + c] = band_power(psd.density[c], psd.freqs, o.bands[b]);
  return out;
}

}  // namespace

std::vector<FrequencyBand> default_bands() {
  return {{"delta", 1, 4}, {"theta", 4, 8}, {"alpha", 8, 13}, {"beta", 13, 30}, {"gamma", 30, 45}};
}

std::vector<FrequencyBand> parse_bands(const std::string& spec) {
  std::vector<FrequencyBand> out;
  for (const auto& raw : split_csv_line(spec, ',', "--bands")) {
    std::string token = trim(raw);
    if (token.empty()) continue;
    auto colon = token.find(':');
    if (colon == std::string::npos) {
      bool found = false;
      for (const auto& b : default_bands())
        if (lower(b.name) == lower(token)) out.push_back(b), found = true;
      if (!found)
        throw Error("--bands '" + token + "'", "a default band (delta, theta, alpha, beta, gamma) or name:low-high",
                    "an unknown band name");
      continue;
    }
    FrequencyBand b;
    b.name = trim(token.substr(0, colon));
    std::string range = token.substr(colon + 1);
    auto dash = range.find('-');
    if (b.name.empty() || dash == std::string::npos)
      throw Error("--bands '" + token + "'", "name:low-high in Hz (for example alpha:8-13)", "");
    b.low = parse_double(trim(range.substr(0, dash)), "--bands '" + token + "'", "low edge");
    b.high = parse_double(trim(range.substr(dash + 1)), "--bands '" + token + "'", "high edge");
    if (!(b.low >= 0 && b.high > b.low)) throw Error("--bands '" + token + "'", "0 <= low < high", "");
    out.push_back(b);
  }
  if (out.empty()) throw Error("--bands '" + spec + "'", "at least one band", "none");
  return out;
}

void append_band_powers(const EegTrial& trial, const BandPowerOptions& o, BandPowerSet& out) {
  const EegSignal& s = trial.stimulus;
  const std::string where = trial.provenance.empty()
                                ? "subject " + std::to_string(trial.subject) + " trial " + std::to_string(trial.trial)
                                : trial.provenance;
  if (out.channels.empty() && out.rows.empty()) {
    out.channels = s.channels;
    out.bands.clear();
    for (const auto& b : o.bands) out.bands.push_back(b.name);
  } else if (out.channels != s.channels) {
    throw Error(where, "the channels of the first trial (" + join(out.channels) + ")", join(s.channels));
  }
  FERKIT_CHECK(o.baseline == "none" || o.baseline == "divide" || o.baseline == "subtract",
               "band power: baseline must be none, divide or subtract, got '" << o.baseline << "'");

  std::vector<double> base;
  if (o.baseline != "none") {
    if (trial.baseline.empty())
      throw Error(where, "a baseline signal for baseline = '" + o.baseline + "'", "none (set baseline = \"none\")");
    if (trial.baseline.channels != s.channels)
      throw Error(where + " baseline", "the stimulus channels (" + join(s.channels) + ")",
                  join(trial.baseline.channels));
    base = signal_band_powers(trial.baseline, o);
  }

  const int64_t n = s.samples();
  int64_t window = o.segment_seconds > 0 ? static_cast<int64_t>(std::llround(o.segment_seconds * s.sampling_rate)) : n;
  if (window <= 0 || n < window) {
    out.dropped["trials shorter than one segment_seconds window"] += 1;
    return;
  }
  const int64_t count = n / window;
  if (n - count * window > 0) out.dropped["stimulus tails shorter than segment_seconds (one per trial)"] += 1;

  for (int64_t w = 0; w < count; ++w) {
    EegSignal part = count == 1 && window == n ? s : s.slice(w * window, (w + 1) * window);
    BandPowerRow row;
    row.subject = trial.subject;
    row.trial = trial.trial;
    row.window = w + 1;
    row.valence = trial.valence;
    row.arousal = trial.arousal;
    row.valence_norm = trial.valence_norm;
    row.arousal_norm = trial.arousal_norm;
    row.provenance = where + (count > 1 ? " window " + std::to_string(w + 1) : "");
    try {
      row.power = signal_band_powers(part, o);
    } catch (const Error& e) {
      throw Error(row.provenance + ": " + e.what());
    }
    for (size_t i = 0; i < base.size(); ++i) {
      if (o.baseline == "divide") {
        if (!(base[i] > 0))
          throw Error(where + " baseline", "positive band power to divide by", std::to_string(base[i]));
        row.power[i] /= base[i];
      } else {
        row.power[i] -= base[i];
      }
    }
    out.rows.push_back(std::move(row));
  }
}

BandPowerSet compute_band_powers(const EegDataset& dataset, const BandPowerOptions& options) {
  BandPowerSet out;
  out.source = dataset.format;
  out.dropped = dataset.dropped;
  for (const auto& t : dataset.trials) append_band_powers(t, options, out);
  return out;
}

}  // namespace ferkit
