// EegSignal helpers, rating scales and the non-EEG channel names readers skip.
#include "ferkit/eeg_signal.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "ferkit/error.h"

namespace ferkit {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

int EegSignal::channel_index(const std::string& name) const {
  std::string want = lower(name);
  for (size_t i = 0; i < channels.size(); ++i)
    if (lower(channels[i]) == want) return static_cast<int>(i);
  return -1;
}

EegSignal EegSignal::slice(int64_t begin, int64_t end) const {
  EegSignal s;
  s.sampling_rate = sampling_rate;
  s.channels = channels;
  begin = std::clamp<int64_t>(begin, 0, samples());
  end = std::clamp<int64_t>(end, begin, samples());
  s.data.reserve(data.size());
  for (const auto& ch : data) s.data.emplace_back(ch.begin() + begin, ch.begin() + end);
  return s;
}

double RatingScale::normalise(double value, const std::string& where) const {
  if (!std::isfinite(value) || value < low || value > high) {
    std::ostringstream expected, found;
    expected << "a rating in [" << low << ", " << high << "]";
    found << value;
    throw Error(where, expected.str(), found.str());
  }
  return (value - low) / (high - low) * 2.0 - 1.0;
}

bool is_non_eeg_label(const std::string& label) {
  std::string l = lower(trim(label));
  if (l == "edf annotations" || l == "bdf annotations") return true;
  // Prefixes of the auxiliary signals found in EDF/BDF recordings (BioSemi, OpenBCI, PSG exports).
  static const char* const kPrefixes[] = {
      "emg",  "eog",  "ecg",   "ekg",   "trigger", "status", "sti",  "acc", "exg", "gsr", "erg", "resp", "temp",
      "plet", "spo2", "pulse", "event", "photic",  "light",  "misc", "bip", "aux", "x",   "y",   "z"};
  for (const char* p : kPrefixes) {
    std::string prefix(p);
    if (prefix.size() == 1) {
      // Single-letter accelerometer axes ("X", "Y", "Z") only when the whole label is that letter.
      if (l == prefix) return true;
      continue;
    }
    if (starts_with(l, prefix)) return true;
  }
  return false;
}

std::string electrode_name(const std::string& label) {
  std::string t = trim(label);
  if (t.size() > 4 && lower(t.substr(0, 4)) == "eeg ") t = trim(t.substr(4));
  return t;
}

}  // namespace ferkit
