// The FERPlus label protocols, written to match the FERPlus reference code (ferplus.py,
// _process_data and the argmax filter after it) step by step.
#include <algorithm>
#include <cfloat>
#include <numeric>

#include "ferkit/error.h"
#include "ferkit/readers.h"

namespace ferkit {

FerplusLabelMode parse_ferplus_label_mode(const std::string& name) {
  if (name == "majority") return FerplusLabelMode::kMajority;
  if (name == "probability" || name == "crossentropy") return FerplusLabelMode::kProbability;
  if (name == "multi_target") return FerplusLabelMode::kMultiTarget;
  throw Error("FERPlus label mode '" + name + "'", "majority, probability, crossentropy or multi_target", "");
}

const char* ferplus_label_mode_name(FerplusLabelMode m) {
  switch (m) {
    case FerplusLabelMode::kMajority: return "majority";
    case FerplusLabelMode::kProbability: return "probability";
    default: return "multi_target";
  }
}

bool ferplus_votes_to_target(const std::array<float, 10>& votes, FerplusLabelMode mode,
                             std::array<float, kNumClasses>& target) {
  constexpr int n = 10;
  std::array<double, n> raw{};
  // Outlier removal: a class that received a single vote gets none.
  for (int i = 0; i < n; ++i) raw[i] = votes[i] < 1.0 + DBL_EPSILON ? 0.0 : votes[i];
  const double total = std::accumulate(raw.begin(), raw.end(), 0.0);
  std::array<double, n> emotion{};
  bool unknown = false;
  auto sum = [](const std::array<double, n>& a) { return std::accumulate(a.begin(), a.end(), 0.0); };

  if (mode == FerplusLabelMode::kMajority) {
    auto it = std::max_element(raw.begin(), raw.end());
    if (*it > 0.5 * total) emotion[it - raw.begin()] = *it;
    else unknown = true;
  } else if (mode == FerplusLabelMode::kProbability) {
    double sum_part = 0;
    int count = 0;
    bool valid = true;
    while (sum_part < 0.75 * total && count < 3 && valid) {
      double maxval = *std::max_element(raw.begin(), raw.end());
      for (int i = 0; i < n; ++i) {
        if (raw[i] == maxval) {
          emotion[i] = maxval;
          raw[i] = 0;
          sum_part += emotion[i];
          ++count;
          if (i >= 8) {  // unknown or not-a-face shares the top vote count
            valid = false;
            if (sum(emotion) > maxval) {  // other emotions came before it: keep those
              emotion[i] = 0;
              --count;
            }
            break;
          }
        }
      }
    }
    if (sum(emotion) <= 0.5 * total || count > 3) unknown = true;
  } else {
    for (int i = 0; i < n; ++i)
      if (raw[i] >= 0.3 * total) emotion[i] = raw[i];
    if (sum(emotion) <= 0.5 * total) unknown = true;
  }
  if (unknown) return false;
  double s = sum(emotion);
  if (!(s > 0)) return false;
  // np.argmax: the first maximum.
  int idx = static_cast<int>(std::max_element(emotion.begin(), emotion.end()) - emotion.begin());
  if (idx >= kNumClasses) return false;  // unknown or not-a-face wins
  double s8 = std::accumulate(emotion.begin(), emotion.begin() + kNumClasses, 0.0);
  for (int k = 0; k < kNumClasses; ++k) target[k] = static_cast<float>(emotion[k] / s8);
  return true;
}

}  // namespace ferkit
