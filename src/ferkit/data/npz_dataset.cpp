// npz: a dataset packed as NumPy arrays in one .npz file.
//   images   [N,H,W] uint8 (grayscale) or [N,H,W,3] uint8 (RGB, numpy/PIL order)
//   targets  [N,8] float32 (float64 accepted), each row a distribution over the canonical classes
//   labels   [N] int64, optional (default: argmax of targets)
//   splits   [N] int64, optional: 0 train, 1 valid, 2 test, 3 unspecified
// Written by write_npz_dataset (grayscale, resized) and readable by numpy.load.
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/npz.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

constexpr Split kSplitCodes[] = {Split::kTrain, Split::kValid, Split::kTest, Split::kUnspecified};

int split_code(Split s) {
  for (int i = 0; i < 4; ++i)
    if (kSplitCodes[i] == s) return i;
  return 3;
}

std::string shape_text(const NpyArray& a) {
  std::string s = "[";
  for (size_t i = 0; i < a.shape.size(); ++i) s += (i ? "," : "") + std::to_string(a.shape[i]);
  return s + "]";
}

const NpyArray& require_array(const NpzArchive& z, const std::string& key, const std::string& file) {
  auto it = z.find(key);
  if (it == z.end()) {
    std::string have;
    for (const auto& kv : z) have += (have.empty() ? "" : ", ") + kv.first;
    throw Error(file, "an array named '" + key + "'", have.empty() ? "no arrays" : "arrays " + have);
  }
  return it->second;
}

}  // namespace

Dataset read_npz_dataset(const ReadOptions& o) {
  const std::filesystem::path& file = o.path;
  if (!std::filesystem::is_regular_file(file))
    throw Error(file.string(), "an .npz file with images and targets",
                std::filesystem::exists(file) ? "not a regular file" : "no such file");
  const std::string name = file.filename().string();
  const NpzArchive z = read_npz(file);
  const NpyArray& images = require_array(z, "images", name);
  const NpyArray& targets = require_array(z, "targets", name);
  if (images.dtype != "|u1") throw Error(name + "/images", "dtype uint8", "dtype " + images.dtype);
  const bool rgb = images.shape.size() == 4;
  if (!(images.shape.size() == 3 || (rgb && images.shape[3] == 3)))
    throw Error(name + "/images", "shape [N,H,W] or [N,H,W,3]", "shape " + shape_text(images));
  const int64_t n = images.shape[0];
  if (targets.shape.size() != 2 || targets.shape[1] != kNumClasses)
    throw Error(name + "/targets", "shape [N,8] (one column per canonical class)", "shape " + shape_text(targets));
  if (targets.shape[0] != n)
    throw Error(name + "/targets", "N = " + std::to_string(n) + " rows (as images)", std::to_string(targets.shape[0]) + " rows");
  const std::vector<double> t = targets.to_double();

  std::vector<double> labels, splits;
  for (const char* key : {"labels", "splits"}) {
    auto it = z.find(key);
    if (it == z.end()) continue;
    const NpyArray& a = it->second;
    if (a.shape.size() != 1 || a.shape[0] != n)
      throw Error(name + "/" + key, "shape [" + std::to_string(n) + "] (one per image)", "shape " + shape_text(a));
    (std::string(key) == "labels" ? labels : splits) = a.to_double();
  }

  const Split wanted = parse_split(o.split);
  if (wanted != Split::kUnspecified && splits.empty())
    throw Error(name, std::string("a 'splits' array to select split '") + o.split + "'", "no splits array");
  Dataset d;
  d.format = "npz";
  d.root = file.parent_path();
  d.memory.height = static_cast<int>(images.shape[1]);
  d.memory.width = static_cast<int>(images.shape[2]);
  d.memory.channels = rgb ? 3 : 1;
  const size_t per = static_cast<size_t>(d.memory.height) * d.memory.width * d.memory.channels;
  for (int64_t i = 0; i < n; ++i) {
    const std::string where = name + ":" + std::to_string(i);
    Sample s;
    double sum = 0;
    for (int k = 0; k < kNumClasses; ++k) {
      double v = t[static_cast<size_t>(i * kNumClasses + k)];
      if (!std::isfinite(v) || v < 0)
        throw Error(name + "/targets row " + std::to_string(i), "finite entries >= 0", std::to_string(v) + " for " + class_name(k));
      s.target[k] = static_cast<float>(v);
      sum += v;
    }
    if (std::fabs(sum - 1.0) > 1e-3)
      throw Error(name + "/targets row " + std::to_string(i), "entries summing to 1 (within 1e-3)", "sum " + std::to_string(sum));
    if (!labels.empty()) {
      double l = labels[static_cast<size_t>(i)];
      if (!(l >= 0 && l < kNumClasses) || l != std::floor(l))
        throw Error(name + "/labels row " + std::to_string(i), "a class index 0..7", std::to_string(l));
      s.label = static_cast<int>(l);
    } else {
      s.label = argmax(s.target);
    }
    if (!splits.empty()) {
      double c = splits[static_cast<size_t>(i)];
      if (!(c >= 0 && c <= 3) || c != std::floor(c))
        throw Error(name + "/splits row " + std::to_string(i), "0 train, 1 valid, 2 test or 3 unspecified", std::to_string(c));
      s.split = kSplitCodes[static_cast<int>(c)];
    }
    if (wanted != Split::kUnspecified && s.split != wanted) continue;
    s.source = "npz";
    s.provenance = where;
    s.image.path = name + "#" + std::to_string(i);
    s.image.memory_index = d.memory.count();
    const uint8_t* src = images.bytes.data() + static_cast<size_t>(i) * per;
    const size_t at = d.memory.pixels.size();
    d.memory.pixels.insert(d.memory.pixels.end(), src, src + per);
    if (rgb) {  // ImageStore holds OpenCV's BGR order
      cv::Mat m(d.memory.height, d.memory.width, CV_8UC3, d.memory.pixels.data() + at);
      cv::cvtColor(m, m, cv::COLOR_RGB2BGR);
    }
    d.samples.push_back(std::move(s));
  }
  if (n == 0) throw Error(name, "at least one image", "N = 0");
  return d;
}

void write_npz_dataset(const Dataset& d, const std::filesystem::path& file, int size) {
  FERKIT_CHECK(size > 0, "write_npz_dataset: image size must be > 0, got " << size);
  const int64_t n = static_cast<int64_t>(d.samples.size());
  std::vector<uint8_t> images(static_cast<size_t>(n) * size * size);
  std::vector<float> targets(static_cast<size_t>(n) * kNumClasses);
  std::vector<int64_t> labels(static_cast<size_t>(n)), splits(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const Sample& s = d.samples[static_cast<size_t>(i)];
    cv::Mat img = load_image(d, s, /*grayscale=*/true);
    if (img.rows != size || img.cols != size) cv::resize(img, img, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    if (!img.isContinuous()) img = img.clone();
    std::memcpy(images.data() + static_cast<size_t>(i) * size * size, img.data, static_cast<size_t>(size) * size);
    for (int k = 0; k < kNumClasses; ++k) targets[static_cast<size_t>(i * kNumClasses + k)] = s.target[k];
    labels[static_cast<size_t>(i)] = s.label;
    splits[static_cast<size_t>(i)] = split_code(s.split);
  }
  NpzArchive z;
  z["images"] = NpyArray::from<uint8_t>({n, size, size}, images.data());
  z["targets"] = NpyArray::from<float>({n, kNumClasses}, targets.data());
  z["labels"] = NpyArray::from<int64_t>({n}, labels.data());
  z["splits"] = NpyArray::from<int64_t>({n}, splits.data());
  write_npz(file, z);
}

}  // namespace ferkit
