#include "ferkit/topomap_dataset.h"

#include <cmath>
#include <sstream>

#include "ferkit/error.h"
#include "ferkit/npz.h"
#include "ferkit/run_dir.h"
#include "ferkit/sha256.h"

namespace ferkit {
namespace {

std::string shape_text(const std::vector<int64_t>& s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}

const NpyArray& require(const NpzArchive& a, const std::string& key, const std::string& file, const std::string& what) {
  auto it = a.find(key);
  if (it == a.end()) {
    std::string keys;
    for (const auto& kv : a) keys += (keys.empty() ? "" : ", ") + kv.first;
    throw Error(file, "an array '" + key + "' (" + what + ")", "only " + (keys.empty() ? std::string("no arrays") : keys));
  }
  return it->second;
}

void check_shape(const NpyArray& a, const std::vector<int64_t>& expected, const std::string& where) {
  if (a.shape != expected) throw Error(where, "shape " + shape_text(expected), "shape " + shape_text(a.shape));
}

template <class T>
std::vector<T> copy_of(const NpyArray& a, const std::string& where) {
  const T* p = a.data<T>(where);
  return std::vector<T>(p, p + a.size());
}

}  // namespace

TopomapDataset read_topomap_dataset(const std::filesystem::path& npz, bool require_ratings) {
  const std::string f = npz.string();
  NpzArchive a = read_npz(npz);
  TopomapDataset d;
  d.file = npz;
  d.sha256 = sha256_file(npz);
  const NpyArray& maps = require(a, "maps", f, "topomaps [M, B, N, N]");
  if (maps.shape.size() != 4 || maps.shape[2] != maps.shape[3])
    throw Error(f + ": maps", "shape [M, B, N, N]", "shape " + shape_text(maps.shape));
  d.count = maps.shape[0];
  d.bands = maps.shape[1];
  d.grid = maps.shape[2];
  FERKIT_CHECK(d.count > 0 && d.bands > 0 && d.grid > 0, f << ": maps: expected at least one map, got shape "
                                                           << shape_text(maps.shape));
  d.maps = copy_of<float>(maps, f + ": maps");
  const NpyArray& v = require(a, "valence", f, "ratings [M] in [-1, 1]");
  const NpyArray& ar = require(a, "arousal", f, "ratings [M] in [-1, 1]");
  const NpyArray& s = require(a, "subject", f, "subject ids [M]");
  check_shape(v, {d.count}, f + ": valence");
  check_shape(ar, {d.count}, f + ": arousal");
  check_shape(s, {d.count}, f + ": subject");
  d.valence = copy_of<float>(v, f + ": valence");
  d.arousal = copy_of<float>(ar, f + ": arousal");
  d.subject = copy_of<int64_t>(s, f + ": subject");
  for (const char* key : {"trial", "window"}) {
    auto it = a.find(key);
    std::vector<int64_t>& out = std::string(key) == "trial" ? d.trial : d.window;
    if (it == a.end()) {
      out.assign(static_cast<size_t>(d.count), 0);
    } else {
      check_shape(it->second, {d.count}, f + ": " + key);
      out = copy_of<int64_t>(it->second, f + ": " + key);
    }
  }
  auto bp = a.find("band_power");
  if (bp != a.end()) {
    if (bp->second.shape.size() != 3 || bp->second.shape[0] != d.count || bp->second.shape[1] != d.bands)
      throw Error(f + ": band_power", "shape [" + std::to_string(d.count) + ", " + std::to_string(d.bands) + ", C]",
                  "shape " + shape_text(bp->second.shape));
    d.channels = bp->second.shape[2];
    d.band_power = copy_of<double>(bp->second, f + ": band_power");
  }
  if (require_ratings) {
    for (int64_t i = 0; i < d.count; ++i) {
      for (const auto& [name, values] : {std::pair<const char*, const std::vector<float>*>{"valence", &d.valence},
                                         std::pair<const char*, const std::vector<float>*>{"arousal", &d.arousal}}) {
        const float x = (*values)[static_cast<size_t>(i)];
        if (!std::isfinite(x) || x < -1.0f || x > 1.0f) {
          std::ostringstream found;
          found << (std::isnan(x) ? std::string("NaN (the source has no rating)") : std::to_string(x));
          throw Error(f + ": " + name + "[" + std::to_string(i) + "] (subject " +
                          std::to_string(d.subject[static_cast<size_t>(i)]) + ")",
                      "a rating normalised to [-1, 1]", found.str());
        }
      }
    }
  }
  const auto side = std::filesystem::path(npz).replace_extension(".json");
  if (std::filesystem::exists(side)) {
    d.source = read_json_file(side);
    if (d.source.contains("bands") && d.source["bands"].is_array())
      for (const auto& b : d.source["bands"]) d.band_names.push_back(b.get<std::string>());
  }
  if (d.band_names.size() != static_cast<size_t>(d.bands)) {
    d.band_names.clear();
    for (int64_t b = 0; b < d.bands; ++b) d.band_names.push_back("band" + std::to_string(b + 1));
  }
  return d;
}

}  // namespace ferkit
