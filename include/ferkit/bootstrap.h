// Stratified bootstrap percentile intervals.
//
// Each resample draws, within every stratum (class), as many samples with replacement as the
// stratum holds, so the class counts of every resample equal those of the data; a metric is
// evaluated on each of B resamples and the interval is the (1-level)/2 and (1+level)/2 percentiles
// of the B values (linear interpolation between order statistics, as numpy.percentile).
//
//   std::vector<int> labels = ...;                       // strata: the true classes
//   ferkit::BootstrapOptions o;                          // B = 1000, seed 0, 95 %
//   ferkit::Interval ci = ferkit::bootstrap_ci(
//       [&](const std::vector<int64_t>& idx) { return accuracy_of(idx); }, labels, o);
//   ci.lo; ci.hi;
//
//   // several metrics over the same resamples (cheaper, and their intervals share the draws):
//   auto cis = ferkit::bootstrap_cis([&](const std::vector<int64_t>& idx) {
//     return std::vector<double>{acc(idx), f1(idx)}; }, labels, o);
//
// Determinism: the draws depend only on (strata, seed, resamples): std::mt19937_64 seeded with
// `seed`, strata visited in increasing stratum id, members in their order in the input, and an
// unbiased bounded draw (rejection sampling, not std::uniform_int_distribution, whose algorithm
// differs between standard libraries). A metric that returns NaN on any resample makes its
// interval NaN (nothing is dropped).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace ferkit {

struct BootstrapOptions {
  int resamples = 1000;  // B, the number of resamples
  int64_t seed = 0;      // seed of std::mt19937_64
  double level = 0.95;   // coverage of the percentile interval

  template <class V>
  void visit(V& v) {
    v("resamples", resamples, "number of bootstrap resamples B");
    v("seed", seed, "seed of the resampling generator (std::mt19937_64)");
    v("level", level, "coverage of the percentile interval");
  }
};

struct Interval {
  double lo = std::numeric_limits<double>::quiet_NaN();
  double hi = std::numeric_limits<double>::quiet_NaN();
  bool contains(double x) const { return x >= lo && x <= hi; }
};

// Draws stratified resamples one after another.
class StratifiedResampler {
 public:
  // strata[i]: the stratum of sample i (any integers). Throws ferkit::Error when empty.
  StratifiedResampler(const std::vector<int>& strata, uint64_t seed);
  // Replaces indices with the next resample: strata.size() indices into the data, stratum by
  // stratum, each stratum contributing exactly as many indices (drawn from its members) as it has.
  void draw(std::vector<int64_t>& indices);
  size_t size() const { return total_; }

 private:
  std::map<int, std::vector<int64_t>> members_;
  std::mt19937_64 rng_;
  size_t total_ = 0;
};

// A value in [0, n) from rng, without modulo bias and identical across standard libraries.
uint64_t uniform_below(std::mt19937_64& rng, uint64_t n);

// The q-th percentile (q in [0, 100]) with numpy's default linear interpolation.
double percentile(std::vector<double> values, double q);

using ResampleMetric = std::function<double(const std::vector<int64_t>& indices)>;
using ResampleMetrics = std::function<std::vector<double>(const std::vector<int64_t>& indices)>;

// The percentile interval of one metric over options.resamples stratified resamples.
Interval bootstrap_ci(const ResampleMetric& metric, const std::vector<int>& strata,
                      const BootstrapOptions& options = {});
// The same for several metrics evaluated on the same resamples (one Interval per metric value).
std::vector<Interval> bootstrap_cis(const ResampleMetrics& metrics, const std::vector<int>& strata,
                                    const BootstrapOptions& options = {});

}  // namespace ferkit
