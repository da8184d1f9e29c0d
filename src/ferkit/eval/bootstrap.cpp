#include "ferkit/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "ferkit/error.h"

namespace ferkit {

StratifiedResampler::StratifiedResampler(const std::vector<int>& strata, uint64_t seed) : rng_(seed) {
  if (strata.empty()) throw Error("bootstrap", "at least one sample to resample", "none");
  for (size_t i = 0; i < strata.size(); ++i) members_[strata[i]].push_back(static_cast<int64_t>(i));
  total_ = strata.size();
}

void StratifiedResampler::draw(std::vector<int64_t>& indices) {
  indices.clear();
  indices.reserve(total_);
  for (const auto& [stratum, members] : members_) {
    const uint64_t n = members.size();
    for (uint64_t j = 0; j < n; ++j) indices.push_back(members[uniform_below(rng_, n)]);
  }
}

uint64_t uniform_below(std::mt19937_64& rng, uint64_t n) {
  FERKIT_CHECK(n > 0, "uniform_below: the range must be non-empty");
  // Reject the top partial block of the 2^64 range so that every residue is equally likely.
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return x % n;
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) throw Error("percentile", "at least one value", "none");
  if (!(q >= 0 && q <= 100)) throw Error("percentile", "q in [0, 100]", std::to_string(q));
  for (double v : values)
    if (std::isnan(v)) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return values[lo] + (values[hi] - values[lo]) * frac;
}

std::vector<Interval> bootstrap_cis(const ResampleMetrics& metrics, const std::vector<int>& strata,
                                    const BootstrapOptions& options) {
  if (options.resamples < 1) throw Error("bootstrap options", "resamples >= 1", std::to_string(options.resamples));
  if (!(options.level > 0 && options.level < 1))
    throw Error("bootstrap options", "a level in (0, 1)", std::to_string(options.level));
  StratifiedResampler resampler(strata, static_cast<uint64_t>(options.seed));
  std::vector<std::vector<double>> samples;  // [metric][resample]
  std::vector<int64_t> indices;
  for (int b = 0; b < options.resamples; ++b) {
    resampler.draw(indices);
    std::vector<double> v = metrics(indices);
    if (b == 0) samples.assign(v.size(), std::vector<double>());
    if (v.size() != samples.size())
      throw Error("bootstrap resample " + std::to_string(b), std::to_string(samples.size()) + " metric values (as resample 0)",
                  std::to_string(v.size()));
    for (size_t m = 0; m < v.size(); ++m) samples[m].push_back(v[m]);
  }
  const double tail = (1.0 - options.level) / 2.0 * 100.0;
  std::vector<Interval> out(samples.size());
  for (size_t m = 0; m < samples.size(); ++m) {
    out[m].lo = percentile(samples[m], tail);
    out[m].hi = percentile(samples[m], 100.0 - tail);
  }
  return out;
}

Interval bootstrap_ci(const ResampleMetric& metric, const std::vector<int>& strata, const BootstrapOptions& options) {
  return bootstrap_cis([&](const std::vector<int64_t>& idx) { return std::vector<double>{metric(idx)}; }, strata,
                       options)[0];
}

}  // namespace ferkit
