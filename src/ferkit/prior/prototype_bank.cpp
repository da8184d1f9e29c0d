// Algorithm 1: the valence x arousal prototype bank, its files, and the random control bank.
#include "ferkit/prototype_bank.h"

#include <cmath>
#include <limits>
#include <random>
#include <sstream>

#include "ferkit/error.h"
#include "ferkit/npz.h"
#include "ferkit/options.h"
#include "ferkit/run_dir.h"
#include "ferkit/sha256.h"
#include "ferkit/version.h"

namespace ferkit {
namespace {

using nlohmann::json;

std::filesystem::path sidecar_of(const std::filesystem::path& npz) { return std::filesystem::path(npz).replace_extension(".json"); }

// Normalises v in place; returns its norm before.
double normalise(float* v, int64_t dim) {
  double s = 0;
  for (int64_t j = 0; j < dim; ++j) s += static_cast<double>(v[j]) * v[j];
  const double n = std::sqrt(s);
  if (n > 0)
    for (int64_t j = 0; j < dim; ++j) v[j] = static_cast<float>(v[j] / n);
  return n;
}

std::string shape_text(const std::vector<int64_t>& s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}

const NpyArray& array_of(const NpzArchive& a, const std::string& key, const std::vector<int64_t>& shape,
                         const std::string& file) {
  auto it = a.find(key);
  if (it == a.end()) throw Error(file, "an array '" + key + "' " + shape_text(shape), "none");
  if (it->second.shape != shape)
    throw Error(file + ": " + key, "shape " + shape_text(shape), "shape " + shape_text(it->second.shape));
  return it->second;
}

json fallbacks_json(const PrototypeBank& b) {
  json out = json::array();
  for (const auto& f : b.fallbacks) {
    json j = {{"bin", {f.row, f.col}},
              {"valence", b.centres[static_cast<size_t>(f.row)]},
              {"arousal", b.centres[static_cast<size_t>(f.col)]}};
    if (f.global) {
      j["fallback"] = "global mean";
    } else {
      j["fallback"] = "bin";
      j["from_bin"] = {f.from_row, f.from_col};
      j["from_valence"] = b.centres[static_cast<size_t>(f.from_row)];
      j["from_arousal"] = b.centres[static_cast<size_t>(f.from_col)];
      j["distance_cells"] = f.distance;
    }
    out.push_back(j);
  }
  return out;
}

}  // namespace

std::vector<double> bank_centres(int grid, double extent) {
  FERKIT_CHECK(grid >= 1, "prototype bank: grid must be >= 1, got " << grid);
  FERKIT_CHECK(extent >= 0 && extent <= 1, "prototype bank: centre_extent must be in [0, 1], got " << extent);
  std::vector<double> c(static_cast<size_t>(grid), 0.0);
  if (grid > 1)
    for (int j = 0; j < grid; ++j) c[static_cast<size_t>(j)] = -extent + 2.0 * extent * j / (grid - 1);
  return c;
}

int nearest_centre(double x, const std::vector<double>& centres) {
  int best = 0;
  for (int j = 1; j < static_cast<int>(centres.size()); ++j)
    if (std::fabs(x - centres[static_cast<size_t>(j)]) < std::fabs(x - centres[static_cast<size_t>(best)])) best = j;
  return best;
}

PrototypeBank build_prototype_bank(const std::vector<float>& features, int64_t n, int64_t dim, const std::vector<float>& valence,
                                   const std::vector<float>& arousal, const PrototypeBankOptions& o, const std::string& where) {
  FERKIT_CHECK(o.epsilon >= 0, where << ": epsilon must be >= 0, got " << o.epsilon);
  const int g = o.grid;
  PrototypeBank b;
  b.grid = g;
  b.centres = bank_centres(g, o.centre_extent);
  const int64_t bins = b.bins();
  if (o.feature_dim > 0 && dim != o.feature_dim)
    throw Error(where, "features of dimension " + std::to_string(o.feature_dim) + " (feature_dim, the student's feature size)",
                "dimension " + std::to_string(dim));
  FERKIT_CHECK(dim >= 1, where << ": features have dimension 0");
  if (n < bins)
    throw Error(where, "at least " + std::to_string(bins) + " samples for a " + std::to_string(g) + "x" + std::to_string(g) +
                           " grid (one per bin)",
                std::to_string(n) + " samples");
  FERKIT_CHECK(static_cast<int64_t>(features.size()) == n * dim && static_cast<int64_t>(valence.size()) == n &&
                   static_cast<int64_t>(arousal.size()) == n,
               where << ": " << features.size() << " feature values, " << valence.size() << " valence and " << arousal.size()
                     << " arousal values for " << n << " samples of dimension " << dim);
  b.dim = dim;
  b.counts.assign(static_cast<size_t>(bins), 0);
  std::vector<double> sums(static_cast<size_t>(bins * dim), 0.0), global(static_cast<size_t>(dim), 0.0);
  std::vector<float> f(static_cast<size_t>(dim));
  for (int64_t i = 0; i < n; ++i) {
    for (const auto& [name, r] : {std::pair<const char*, float>{"valence", valence[static_cast<size_t>(i)]},
                                  std::pair<const char*, float>{"arousal", arousal[static_cast<size_t>(i)]}})
      if (!std::isfinite(r) || r < -1.0f || r > 1.0f)
        throw Error(where + ": " + name + "[" + std::to_string(i) + "]", "a rating in [-1, 1]", std::to_string(r));
    std::copy(features.begin() + i * dim, features.begin() + (i + 1) * dim, f.begin());
    const double norm = normalise(f.data(), dim);
    FERKIT_CHECK(norm > 0 && std::isfinite(norm), where << ": features[" << i << "] has norm " << norm
                                                        << " (a zero or non-finite feature cannot be normalised)");
    const int64_t k = static_cast<int64_t>(nearest_centre(valence[static_cast<size_t>(i)], b.centres)) * g +
                      nearest_centre(arousal[static_cast<size_t>(i)], b.centres);
    ++b.counts[static_cast<size_t>(k)];
    for (int64_t j = 0; j < dim; ++j) {
      sums[static_cast<size_t>(k * dim + j)] += f[static_cast<size_t>(j)];
      global[static_cast<size_t>(j)] += f[static_cast<size_t>(j)];
    }
  }
  b.prototypes.assign(static_cast<size_t>(bins * dim), 0.0f);
  for (int64_t k = 0; k < bins; ++k) {
    if (b.counts[static_cast<size_t>(k)] == 0) continue;
    float* p = b.prototypes.data() + k * dim;
    for (int64_t j = 0; j < dim; ++j) p[j] = static_cast<float>(sums[static_cast<size_t>(k * dim + j)] / b.counts[static_cast<size_t>(k)]);
    FERKIT_CHECK(normalise(p, dim) > 0, where << ": the mean feature of bin (" << k / g << ", " << k % g
                                              << ") is zero (its features cancel out) and has no direction");
  }
  std::vector<float> global_mean(static_cast<size_t>(dim));
  for (int64_t j = 0; j < dim; ++j) global_mean[static_cast<size_t>(j)] = static_cast<float>(global[static_cast<size_t>(j)] / n);
  const bool global_ok = normalise(global_mean.data(), dim) > 0;
  for (int64_t k = 0; k < bins; ++k) {
    if (b.counts[static_cast<size_t>(k)] > 0) continue;
    BankFallback fb;
    fb.row = static_cast<int>(k / g);
    fb.col = static_cast<int>(k % g);
    int64_t best = -1;
    double best_d = std::numeric_limits<double>::infinity();
    for (int64_t q = 0; q < bins; ++q) {  // ascending q: the lowest index wins a tie
      if (b.counts[static_cast<size_t>(q)] == 0) continue;
      const double d = std::hypot(static_cast<double>(q / g - fb.row), static_cast<double>(q % g - fb.col));
      if (d < best_d) {
        best_d = d;
        best = q;
      }
    }
    float* p = b.prototypes.data() + k * dim;
    if (o.fallback_radius > 0 && best_d > o.fallback_radius) {
      FERKIT_CHECK(global_ok, where << ": the global mean feature is zero and cannot stand in for bin (" << fb.row << ", "
                                    << fb.col << ")");
      fb.global = true;
      std::copy(global_mean.begin(), global_mean.end(), p);
    } else {
      fb.from_row = static_cast<int>(best / g);
      fb.from_col = static_cast<int>(best % g);
      fb.distance = best_d;
      std::copy(b.prototypes.begin() + best * dim, b.prototypes.begin() + (best + 1) * dim, p);
    }
    b.fallbacks.push_back(fb);
  }
  double total = 0;
  for (int64_t c : b.counts) total += static_cast<double>(c) + o.epsilon;
  FERKIT_CHECK(total > 0, where << ": the prior has zero mass (epsilon = 0 and no samples)");
  for (int64_t c : b.counts) b.prior.push_back((static_cast<double>(c) + o.epsilon) / total);
  b.provenance = {{"kind", "eeg"},
                  {"options", to_json(o)},
                  {"samples", n},
                  {"feature_dim", dim},
                  {"centres", b.centres},
                  {"normalisation", "features L2-normalised, averaged per bin, mean re-normalised to unit length"},
                  {"binning", "nearest centre per axis, lower index on an exact tie; bin = valence_index * G + arousal_index"},
                  {"fallback_rule", "empty bin: prototype of the nearest non-empty bin (Euclidean distance in cells, "
                                    "lowest bin index on a tie); global mean beyond fallback_radius when > 0"},
                  {"empty_bins", fallbacks_json(b)}};
  return b;
}

PrototypeBank build_prototype_bank_from_features(const std::filesystem::path& file, const PrototypeBankOptions& o) {
  const std::string where = file.string();
  NpzArchive a = read_npz(file);
  auto it = a.find("features");
  if (it == a.end() || it->second.shape.size() != 2)
    throw Error(where, "an array 'features' [M, D] (from `ferkit eeg teacher`)",
                it == a.end() ? std::string("none") : "shape " + shape_text(it->second.shape));
  const int64_t n = it->second.shape[0], dim = it->second.shape[1];
  std::vector<float> features = [&] {
    if (it->second.dtype == "<f8") {
      const auto d = it->second.to_double();
      return std::vector<float>(d.begin(), d.end());
    }
    const float* p = it->second.data<float>(where + ": features");
    return std::vector<float>(p, p + n * dim);
  }();
  auto ratings = [&](const char* key) {
    const NpyArray& r = array_of(a, key, {n}, where);
    const auto d = r.to_double();
    return std::vector<float>(d.begin(), d.end());
  };
  PrototypeBank b = build_prototype_bank(features, n, dim, ratings("valence"), ratings("arousal"), o, where);
  b.provenance["features"] = {{"file", where}, {"sha256", sha256_file(file)}};
  const auto side = sidecar_of(file);
  if (std::filesystem::exists(side)) {
    json fj = read_json_file(side);
    b.provenance["eeg_source"] = fj.value("eeg_source", json());
    b.provenance["topomaps"] = {{"file", fj.value("topomaps", "")}, {"sha256", fj.value("topomaps_sha256", "")}};
    b.provenance["teacher"] = fj.value("teacher", json());
    b.provenance["out_of_fold"] = fj.value("out_of_fold", "");
  } else {
    b.provenance["eeg_source"] = nullptr;
    b.provenance["note"] = "no features.json next to the features: the EEG source is not recorded";
  }
  return b;
}

void write_prototype_bank(const PrototypeBank& b, const std::filesystem::path& npz) {
  FERKIT_CHECK(b.grid >= 1 && b.dim >= 1 && static_cast<int64_t>(b.prototypes.size()) == b.bins() * b.dim &&
                   static_cast<int64_t>(b.prior.size()) == b.bins() && static_cast<int64_t>(b.counts.size()) == b.bins() &&
                   static_cast<int>(b.centres.size()) == b.grid,
               npz.string() << ": the bank's arrays do not fit its grid " << b.grid << " and dimension " << b.dim);
  NpzArchive a;
  a["prototypes"] = NpyArray::from<float>({b.bins(), b.dim}, b.prototypes.data());
  a["prior"] = NpyArray::from<double>({b.bins()}, b.prior.data());
  a["counts"] = NpyArray::from<int64_t>({b.grid, b.grid}, b.counts.data());
  a["centres"] = NpyArray::from<double>({b.grid}, b.centres.data());
  write_npz(npz, a);
  json side = b.provenance;
  side["npz"] = npz.filename().string();
  side["npz_sha256"] = sha256_file(npz);
  side["grid"] = b.grid;
  side["feature_dim"] = b.dim;
  std::vector<std::vector<int64_t>> counts(static_cast<size_t>(b.grid));
  for (int r = 0; r < b.grid; ++r)
    counts[static_cast<size_t>(r)].assign(b.counts.begin() + r * b.grid, b.counts.begin() + (r + 1) * b.grid);
  side["counts"] = counts;
  side["empty_bins"] = fallbacks_json(b);
  side["layout"] = {{"prototypes", "[G*G, D] float32, unit rows, bin = valence_index * G + arousal_index"},
                    {"prior", "[G*G] float64, (N + epsilon) / sum (N + epsilon)"},
                    {"counts", "[G, G] int64, row = valence index, column = arousal index"},
                    {"centres", "[G] float64, the same on both axes"}};
  if (!side.contains("created")) side["created"] = utc_timestamp();
  if (!side.contains("git_commit")) side["git_commit"] = git_commit();
  write_json_file(sidecar_of(npz), side);
}

PrototypeBank read_prototype_bank(const std::filesystem::path& npz) {
  const std::string f = npz.string();
  const auto side_file = sidecar_of(npz);
  FERKIT_CHECK(std::filesystem::exists(npz), f << ": no such prototype bank");
  FERKIT_CHECK(std::filesystem::exists(side_file),
               side_file.string() << ": the bank's sidecar is missing (it holds the SHA-256 that makes the bank frozen)");
  json side = read_json_file(side_file);
  FERKIT_CHECK(side.contains("npz_sha256") && side["npz_sha256"].is_string(),
               side_file.string() << ": expected 'npz_sha256' (a prototype bank sidecar)");
  const std::string digest = sha256_file(npz);
  if (digest != side["npz_sha256"].get<std::string>())
    throw Error(f, "SHA-256 " + side["npz_sha256"].get<std::string>() + " (recorded in " + side_file.string() +
                       "; the bank is frozen once built)",
                digest);
  NpzArchive a = read_npz(npz);
  auto c = a.find("centres");
  if (c == a.end() || c->second.shape.size() != 1)
    throw Error(f, "an array 'centres' [G]", c == a.end() ? std::string("none") : "shape " + shape_text(c->second.shape));
  PrototypeBank b;
  b.grid = static_cast<int>(c->second.shape[0]);
  auto p = a.find("prototypes");
  if (p == a.end() || p->second.shape.size() != 2)
    throw Error(f, "an array 'prototypes' [G*G, D]", p == a.end() ? std::string("none") : "shape " + shape_text(p->second.shape));
  b.dim = p->second.shape[1];
  array_of(a, "prototypes", {b.bins(), b.dim}, f);
  b.centres = c->second.to_double();
  const float* pp = p->second.data<float>(f + ": prototypes");
  b.prototypes.assign(pp, pp + b.bins() * b.dim);
  b.prior = array_of(a, "prior", {b.bins()}, f).to_double();
  const NpyArray& counts = array_of(a, "counts", {b.grid, b.grid}, f);
  const int64_t* cp = counts.data<int64_t>(f + ": counts");
  b.counts.assign(cp, cp + b.bins());
  if (side.contains("empty_bins"))
    for (const auto& e : side["empty_bins"]) {
      BankFallback fb;
      fb.row = e["bin"][0].get<int>();
      fb.col = e["bin"][1].get<int>();
      fb.global = e.value("fallback", "") == "global mean";
      if (!fb.global && e.contains("from_bin")) {
        fb.from_row = e["from_bin"][0].get<int>();
        fb.from_col = e["from_bin"][1].get<int>();
        fb.distance = e.value("distance_cells", 0.0);
      }
      b.fallbacks.push_back(fb);
    }
  b.provenance = side;
  b.provenance["file"] = f;
  return b;
}

PrototypeBank random_prototype_bank(const PrototypeBank& like, int64_t seed) {
  PrototypeBank b = like;
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  std::normal_distribution<double> normal(0.0, 1.0);
  for (int64_t k = 0; k < b.bins(); ++k) {
    float* p = b.prototypes.data() + k * b.dim;
    for (int64_t j = 0; j < b.dim; ++j) p[j] = static_cast<float>(normal(rng));
    normalise(p, b.dim);
  }
  b.fallbacks.clear();
  b.provenance = {{"kind", "random"},
                  {"seed", seed},
                  {"rule", "standard normal components (std::mt19937_64(seed)), each row normalised; counts and prior "
                           "copied from the bank it imitates"},
                  {"like", {{"file", like.provenance.value("file", "")}, {"sha256", like.provenance.value("npz_sha256", "")},
                            {"kind", like.provenance.value("kind", "")}}},
                  {"centres", b.centres}};
  return b;
}

}  // namespace ferkit
