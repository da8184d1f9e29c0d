// The in-memory dataset every reader produces, whatever the source format.
//
//   ferkit::ReadOptions o;
//   o.format = "ferplus"; o.path = "../shared/data/ferplus"; o.split = "train";
//   ferkit::Dataset d = ferkit::read_dataset(o);
//   d.class_counts();     // per canonical class
//   d.dropped;            // {"ferplus: unknown or not-a-face after majority vote": 1503, ...}
//   cv::Mat img = ferkit::load_image(d, d.samples[0], /*grayscale=*/true);
//
// Nothing is dropped silently: every item a reader skips is counted in Dataset::dropped under the
// reason it was skipped (and, when it names an image file, listed in Dataset::skipped_paths).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ferkit/taxonomy.h"

namespace cv { class Mat; }

namespace ferkit {

enum class Split { kTrain, kValid, kTest, kUnspecified };
const char* split_name(Split s);            // "train", "valid", "test", "unspecified"
Split parse_split(const std::string& name);  // accepts train/training, valid/val/publictest, test/privatetest

// A face rectangle in source-image pixels; empty means "the whole image".
struct Box {
  int x = 0, y = 0, width = 0, height = 0;
  bool empty() const { return width <= 0 || height <= 0; }
};

// Where a sample's pixels come from: a file under Dataset::root (optionally cropped to a face
// box), or a row of the dataset's in-memory image store (fer2013.csv, NPZ).
struct ImageSource {
  std::string path;          // relative to Dataset::root; for in-memory rows "<file>#<row>"
  Box crop;                  // empty: use the whole image
  int64_t memory_index = -1; // >= 0: index into Dataset::memory
};

struct Sample {
  ImageSource image;
  std::array<float, kNumClasses> target{};  // distribution over canonical classes (sums to 1)
  int label = 0;                            // hard label (argmax of target; first on ties)
  Split split = Split::kUnspecified;
  std::string source;      // which dataset it came from ("ferplus", "affectnet", ...)
  std::string provenance;  // file and line it was read from ("FER2013Train/label.csv:17")
  // Raw annotator votes when the source has them (FERPlus: 10 counts, the last two unknown and
  // not-a-face), empty otherwise. Used by vote-aware losses.
  std::vector<float> votes;
};

// Images held in memory, all of the same size, row after row (8-bit, HxWxC).
struct ImageStore {
  int height = 0, width = 0, channels = 1;
  std::vector<uint8_t> pixels;
  int64_t count() const {
    int64_t per = static_cast<int64_t>(height) * width * channels;
    return per ? static_cast<int64_t>(pixels.size()) / per : 0;
  }
  const uint8_t* image(int64_t i) const {
    return pixels.data() + i * static_cast<int64_t>(height) * width * channels;
  }
};

struct Dataset {
  std::string format;              // reader that produced it
  std::filesystem::path root;      // paths in samples are relative to it
  std::vector<Sample> samples;
  ImageStore memory;
  // reason -> number of source items dropped for it (never silently)
  std::map<std::string, int64_t> dropped;
  // Image paths (relative to root) that a label file referenced but that did not become samples:
  // rows dropped by a label rule and rows of splits that were not asked for. The integrity check
  // uses them so that "images without labels" lists only files no label row mentions.
  std::vector<std::string> skipped_paths;

  std::array<int64_t, kNumClasses> class_counts() const;
  // Which canonical classes occur among the hard labels (for present-only metrics).
  std::array<bool, kNumClasses> present() const;
  int64_t total_dropped() const;
  // Keeps only the samples of one split (kUnspecified keeps all); the image paths of the others
  // are added to skipped_paths.
  Dataset subset(Split split) const;
};

// Builds a target distribution with all mass on one class.
std::array<float, kNumClasses> one_hot(int label);
// argmax with ties to the lowest index.
int argmax(const std::array<float, kNumClasses>& target);

// Decodes a sample's image (cropped to its box when it has one). grayscale=false gives BGR.
// Throws ferkit::Error naming the file when it is missing, unreadable or the crop leaves the image.
cv::Mat load_image(const Dataset& d, const Sample& s, bool grayscale);

}  // namespace ferkit
