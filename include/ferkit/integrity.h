// Integrity checks on a dataset: what `ferkit data check` runs before anything trains on it.
//
//   ferkit::Dataset d = ferkit::read_dataset(read_options);
//   ferkit::CheckOptions o;
//   o.expected_size = 48;
//   ferkit::CheckReport r = ferkit::check_dataset(d, o);
//   std::cout << r.text();           // counts per reason, the first offending rows, class balance
//   if (!r.ok()) return 1;           // any error-severity finding fails the check
//   r.count("near_duplicate_within_split");
//
// Every image is read once (with o.threads workers). The report has one CheckReason per kind of
// problem, always in the order below, with its count (0 when clean) and the first o.max_listed
// findings in dataset order, each naming the label row ("FER2013Train/label.csv:17") and what is
// wrong. Reasons (id, severity):
//   missing_file                 error    a label row whose image file does not exist (a label
//                                         without an image)
//   unreadable_file              error    empty, truncated (PNG without IEND, JPEG without its end
//                                         marker) or not decodable by OpenCV
//   bad_crop                     error    the face box does not overlap the image
//   crop_clipped                 warning  the face box reaches outside the image and is clipped
//   path_outside_root            error    absolute image path, or one whose ".." leaves the root
//   wrong_size                   error    width or height != expected_size (after the crop)
//   duplicate_path               error    the same image (and box) listed by two label rows
//   target_out_of_range          error    label outside 0..7, or a target entry < 0, > 1, not
//                                         finite, or entries not summing to 1 (within 1e-3)
//   image_without_label          warning  an image file in one of the dataset's image folders
//                                         (the folders of its samples and of
//                                         Dataset::skipped_paths) that no row references
//   empty_class                  warning  a class with no sample in a split that has samples
//   tiny_class                   warning  a class below min_class_share of its split
//   exact_duplicate_within_split warning  identical grayscale pixels, same split and source
//   near_duplicate_within_split  warning  dhash distance < dhash_threshold, same split and source
//   leakage_across_splits        warning  identical or near-identical images in different splits
//                                         (error with strict_leakage)
//   leakage_across_sources       warning  the same within one split, from different sources
//                                         (error with strict_leakage)
// Duplicates are counted as pairs; each pair is reported once, under the first reason that fits.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ferkit/dataset.h"

namespace ferkit {

struct CheckOptions {
  int threads = 2;                // workers reading images
  int expected_size = 0;          // expected image width and height in pixels (0: any size)
  int dhash_threshold = 8;        // near-duplicate when the dhash Hamming distance is below this (0: off)
  int max_listed = 10;            // offending rows listed per reason
  double min_class_share = 0.01;  // warn when a class holds a smaller share of its split
  bool strict_leakage = false;    // leakage across splits or sources is an error, not a warning

  template <class V>
  void visit(V& v) {
    v("threads", threads, "workers reading images");
    v("expected_size", expected_size, "expected image width and height in pixels (0: any size)");
    v("dhash_threshold", dhash_threshold, "near-duplicate when the dhash Hamming distance is below this (0: off)");
    v("max_listed", max_listed, "offending rows listed per reason");
    v("min_class_share", min_class_share, "warn when a class holds a smaller share of its split");
    v("strict_leakage", strict_leakage, "leakage across splits or sources is an error, not a warning");
  }
};

enum class Severity { kWarning, kError };
const char* severity_name(Severity s);  // "warning", "error"

struct CheckFinding {
  std::string where;   // label row ("file:line") or image path
  std::string detail;  // what is wrong
};

struct CheckReason {
  std::string id;           // stable identifier, e.g. "missing_file"
  std::string description;  // one line for people
  Severity severity = Severity::kError;
  int64_t count = 0;
  std::vector<CheckFinding> first;  // at most CheckOptions::max_listed, in dataset order
};

// Samples per class in one split.
struct ClassBalance {
  Split split = Split::kUnspecified;
  std::array<int64_t, kNumClasses> counts{};
  int64_t total = 0;
};

struct CheckReport {
  std::string format;
  std::filesystem::path root;
  int64_t samples = 0;
  std::vector<CheckReason> reasons;         // every reason, in the documented order
  std::vector<ClassBalance> balance;        // one row per split that has samples
  std::map<std::string, int64_t> dropped;   // what the reader dropped, by reason

  int64_t errors() const;    // findings of error severity
  int64_t warnings() const;  // findings of warning severity
  bool ok() const { return errors() == 0; }
  // The reason with this id; throws ferkit::Error naming the known ids.
  const CheckReason& reason(const std::string& id) const;
  int64_t count(const std::string& id) const { return reason(id).count; }
  // The report for people: class balance, then per reason its count and first rows, then the verdict.
  std::string text() const;
  nlohmann::json to_json() const;
};

CheckReport check_dataset(const Dataset& d, const CheckOptions& options = {});

}  // namespace ferkit
