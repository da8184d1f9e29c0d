// check_dataset: every integrity check of integrity.h in one pass over the labels, one parallel
// pass over the images, one scan of the image folders and one duplicate search.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "ferkit/console.h"
#include "ferkit/data/image_extension.h"
#include "ferkit/data/image_probe.h"
#include "ferkit/dhash.h"
#include "ferkit/error.h"
#include "ferkit/integrity.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

struct ReasonSpec {
  const char* id;
  const char* description;
  Severity severity;
};
// The documented order of integrity.h.
const ReasonSpec kReasons[] = {
    {"missing_file", "image file missing (a label without an image)", Severity::kError},
    {"unreadable_file", "image file empty, truncated or not decodable", Severity::kError},
    {"bad_crop", "face box does not overlap the image", Severity::kError},
    {"crop_clipped", "face box reaches outside the image and is clipped", Severity::kWarning},
    {"path_outside_root", "image path absolute or leaving the dataset root with ..", Severity::kError},
    {"wrong_size", "image size differs from the expected size", Severity::kError},
    {"duplicate_path", "the same image listed by more than one label row", Severity::kError},
    {"target_out_of_range", "label outside 0..7 or target not a distribution", Severity::kError},
    {"image_without_label", "image file in a dataset image folder that no label row references", Severity::kWarning},
    {"empty_class", "class without samples in a split", Severity::kWarning},
    {"tiny_class", "class below the minimum share of its split", Severity::kWarning},
    {"exact_duplicate_within_split", "identical pixels within one split and source", Severity::kWarning},
    {"near_duplicate_within_split", "near-identical images (dhash) within one split and source", Severity::kWarning},
    {"leakage_across_splits", "identical or near-identical images in different splits", Severity::kWarning},
    {"leakage_across_sources", "identical or near-identical images from different sources", Severity::kWarning},
};

class Findings {
 public:
  Findings(CheckReport& r, const CheckOptions& o) : r_(r), max_(std::max(0, o.max_listed)) {
    for (const auto& s : kReasons) {
      CheckReason c;
      c.id = s.id;
      c.description = s.description;
      c.severity = s.severity;
      const bool leakage = c.id == "leakage_across_splits" || c.id == "leakage_across_sources";
      if (leakage && o.strict_leakage) c.severity = Severity::kError;
      index_[c.id] = r_.reasons.size();
      r_.reasons.push_back(std::move(c));
    }
  }
  void add(const std::string& id, const std::string& where, const std::string& detail) {
    CheckReason& c = r_.reasons[index_.at(id)];
    ++c.count;
    if (static_cast<int>(c.first.size()) < max_) c.first.push_back({where, detail});
  }

 private:
  CheckReport& r_;
  int max_;
  std::map<std::string, size_t> index_;
};

std::string where_of(const Sample& s) { return s.provenance.empty() ? s.image.path : s.provenance; }

bool escapes_root(const std::string& rel) {
  const fs::path p(rel);
  if (p.is_absolute() || p.has_root_name() || p.has_root_directory()) return true;
  int depth = 0;
  for (const auto& part : p) {
    if (part == "..") --depth;
    else if (part != "." && !part.empty()) ++depth;
    if (depth < 0) return true;
  }
  return false;
}

std::string normal(const std::string& rel) { return fs::path(rel).lexically_normal().generic_string(); }

std::string key_of(const Sample& s) {
  const Box& b = s.image.crop;
  std::string k = normal(s.image.path);
  if (!b.empty()) k += "#" + std::to_string(b.x) + "," + std::to_string(b.y) + "," + std::to_string(b.width) + "," + std::to_string(b.height);
  return k;
}

void check_labels(const Dataset& d, std::vector<bool>& outside, Findings& f) {
  std::unordered_map<std::string, size_t> first_row;
  for (size_t i = 0; i < d.samples.size(); ++i) {
    const Sample& s = d.samples[i];
    if (s.image.memory_index < 0 && escapes_root(s.image.path)) {
      outside[i] = true;
      f.add("path_outside_root", where_of(s), "'" + s.image.path + "' is not inside " + d.root.string());
    }
    auto [it, fresh] = first_row.emplace(key_of(s), i);
    if (!fresh) f.add("duplicate_path", where_of(s), s.image.path + " is already listed at " + where_of(d.samples[it->second]));
    std::string bad;
    double sum = 0;
    if (s.label < 0 || s.label >= kNumClasses) bad = "label " + std::to_string(s.label) + " outside 0..7";
    for (int k = 0; k < kNumClasses && bad.empty(); ++k) {
      const double v = s.target[k];
      if (!std::isfinite(v) || v < 0 || v > 1) bad = "target " + class_name(k) + " = " + std::to_string(v);
      sum += v;
    }
    if (bad.empty() && std::fabs(sum - 1.0) > 1e-3) bad = "target entries sum to " + std::to_string(sum);
    if (!bad.empty()) f.add("target_out_of_range", where_of(s), bad);
  }
}

std::vector<ImageProbe> probe_all(const Dataset& d, const std::vector<bool>& outside, int threads) {
  std::vector<ImageProbe> probes(d.samples.size());
  std::atomic<size_t> next{0};
  std::mutex bar_mutex;
  ProgressBar bar("check", static_cast<int64_t>(d.samples.size()), "img");
  auto work = [&] {
    while (true) {
      const size_t i = next.fetch_add(1);
      if (i >= d.samples.size()) return;
      if (!outside[i]) probes[i] = probe_image(d, d.samples[i]);
      std::lock_guard<std::mutex> lock(bar_mutex);
      bar.advance();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, threads); ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  bar.finish();
  return probes;
}

void report_images(const Dataset& d, const std::vector<bool>& outside, const std::vector<ImageProbe>& probes,
                   const CheckOptions& o, Findings& f) {
  for (size_t i = 0; i < probes.size(); ++i) {
    if (outside[i]) continue;
    const ImageProbe& p = probes[i];
    const std::string w = where_of(d.samples[i]);
    switch (p.status) {
      case ImageProbe::Status::kMissing: f.add("missing_file", w, p.detail); continue;
      case ImageProbe::Status::kTruncated:
      case ImageProbe::Status::kUndecodable: f.add("unreadable_file", w, p.detail); continue;
      case ImageProbe::Status::kBadCrop: f.add("bad_crop", w, p.detail); continue;
      case ImageProbe::Status::kOk: break;
    }
    if (p.crop_clipped) f.add("crop_clipped", w, p.detail);
    if (o.expected_size > 0 && (p.width != o.expected_size || p.height != o.expected_size))
      f.add("wrong_size", w, d.samples[i].image.path + " is " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                                 ", expected " + std::to_string(o.expected_size) + "x" + std::to_string(o.expected_size));
  }
}

// Image files in the folders that hold the dataset's images, that no sample or skipped row names.
void report_unlabelled(const Dataset& d, Findings& f) {
  std::set<std::string> referenced, folders;
  auto note = [&](const std::string& rel) {
    if (escapes_root(rel)) return;
    const std::string n = normal(rel);
    referenced.insert(n);
    folders.insert(fs::path(n).parent_path().generic_string());
  };
  for (const auto& s : d.samples)
    if (s.image.memory_index < 0) note(s.image.path);
  for (const auto& p : d.skipped_paths) note(p);
  for (const auto& folder : folders) {
    const fs::path dir = folder.empty() ? d.root : d.root / folder;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<std::string> unlabelled;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (!e.is_regular_file() || !has_image_extension(e.path())) continue;
      const std::string rel = (folder.empty() ? fs::path(e.path().filename()) : fs::path(folder) / e.path().filename()).generic_string();
      if (!referenced.count(rel)) unlabelled.push_back(rel);
    }
    std::sort(unlabelled.begin(), unlabelled.end());
    for (const auto& rel : unlabelled) f.add("image_without_label", rel, "no label row references this image");
  }
}

void report_balance(const Dataset& d, const CheckOptions& o, CheckReport& r, Findings& f) {
  std::map<Split, ClassBalance> by_split;
  for (const auto& s : d.samples) {
    if (s.label < 0 || s.label >= kNumClasses) continue;
    ClassBalance& b = by_split[s.split];
    b.split = s.split;
    ++b.counts[s.label];
    ++b.total;
  }
  for (const auto& [split, b] : by_split) {
    r.balance.push_back(b);
    for (int k = 0; k < kNumClasses; ++k) {
      const std::string where = std::string(split_name(split)) + " split";
      const double share = b.total ? static_cast<double>(b.counts[k]) / b.total : 0.0;
      if (b.counts[k] == 0) {
        f.add("empty_class", where, class_name(k) + " has no sample");
      } else if (share < o.min_class_share) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s has %lld samples (%.2f%%, below %.2f%%)", class_name(k).c_str(),
                      static_cast<long long>(b.counts[k]), 100 * share, 100 * o.min_class_share);
        f.add("tiny_class", where, buf);
      }
    }
  }
}

void report_duplicates(const Dataset& d, const std::vector<bool>& outside, const std::vector<ImageProbe>& probes,
                       const CheckOptions& o, Findings& f) {
  std::vector<size_t> ids;  // samples with a decoded image
  std::vector<uint64_t> hashes;
  for (size_t i = 0; i < probes.size(); ++i)
    if (!outside[i] && probes[i].status == ImageProbe::Status::kOk) {
      ids.push_back(i);
      hashes.push_back(probes[i].dhash);
    }
  struct Pair {
    size_t a, b;
    int distance;  // -1: identical pixels
  };
  std::vector<Pair> pairs;
  std::unordered_map<std::string, std::vector<size_t>> by_sha;
  for (size_t i : ids) by_sha[probes[i].pixel_sha256].push_back(i);
  for (const auto& kv : by_sha)
    for (size_t x = 0; x < kv.second.size(); ++x)
      for (size_t y = x + 1; y < kv.second.size(); ++y) pairs.push_back({kv.second[x], kv.second[y], -1});
  for (const HashPair& h : near_duplicate_pairs(hashes, o.dhash_threshold)) {
    const size_t a = ids[h.first], b = ids[h.second];
    if (probes[a].pixel_sha256 != probes[b].pixel_sha256) pairs.push_back({a, b, h.distance});
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
  for (const Pair& p : pairs) {
    const Sample& a = d.samples[p.a];
    const Sample& b = d.samples[p.b];
    if (key_of(a) == key_of(b) && a.image.memory_index < 0) continue;  // reported as duplicate_path
    std::string detail = (p.distance < 0 ? "identical pixels to " : "dhash distance " + std::to_string(p.distance) + " to ") +
                         where_of(b);
    std::string id;
    if (a.split != b.split) {
      id = "leakage_across_splits";
      detail += std::string(" (") + split_name(a.split) + " vs " + split_name(b.split) + ")";
    } else if (a.source != b.source) {
      id = "leakage_across_sources";
      detail += " (" + a.source + " vs " + b.source + ")";
    } else {
      id = p.distance < 0 ? "exact_duplicate_within_split" : "near_duplicate_within_split";
    }
    f.add(id, where_of(a), detail);
  }
}

}  // namespace

CheckReport check_dataset(const Dataset& d, const CheckOptions& o) {
  CheckReport r;
  r.format = d.format;
  r.root = d.root;
  r.samples = static_cast<int64_t>(d.samples.size());
  r.dropped = d.dropped;
  Findings f(r, o);
  std::vector<bool> outside(d.samples.size(), false);
  check_labels(d, outside, f);
  const std::vector<ImageProbe> probes = probe_all(d, outside, o.threads);
  report_images(d, outside, probes, o, f);
  report_unlabelled(d, f);
  report_balance(d, o, r, f);
  report_duplicates(d, outside, probes, o, f);
  return r;
}

}  // namespace ferkit
