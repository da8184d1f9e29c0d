#include "ferkit/dataset.h"

#include <algorithm>
#include <cctype>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"

namespace ferkit {

const char* split_name(Split s) {
  switch (s) {
    case Split::kTrain: return "train";
    case Split::kValid: return "valid";
    case Split::kTest: return "test";
    default: return "unspecified";
  }
}

Split parse_split(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "train" || n == "training") return Split::kTrain;
  if (n == "valid" || n == "val" || n == "validation" || n == "publictest") return Split::kValid;
  if (n == "test" || n == "privatetest") return Split::kTest;
  if (n == "unspecified" || n == "all" || n.empty()) return Split::kUnspecified;
  throw Error("split name '" + name + "'", "train, valid, test or all", "");
}

std::array<int64_t, kNumClasses> Dataset::class_counts() const {
  std::array<int64_t, kNumClasses> c{};
  for (const auto& s : samples) ++c[s.label];
  return c;
}

std::array<bool, kNumClasses> Dataset::present() const {
  std::array<bool, kNumClasses> p{};
  for (const auto& s : samples) p[s.label] = true;
  return p;
}

int64_t Dataset::total_dropped() const {
  int64_t n = 0;
  for (const auto& kv : dropped) n += kv.second;
  return n;
}

Dataset Dataset::subset(Split split) const {
  Dataset d;
  d.format = format;
  d.root = root;
  d.memory = memory;
  d.dropped = dropped;
  d.skipped_paths = skipped_paths;
  for (const auto& s : samples)
    if (split != Split::kUnspecified && s.split != split && s.image.memory_index < 0) d.skipped_paths.push_back(s.image.path);
  for (const auto& s : samples)
    if (split == Split::kUnspecified || s.split == split) d.samples.push_back(s);
  return d;
}

std::array<float, kNumClasses> one_hot(int label) {
  std::array<float, kNumClasses> t{};
  t.at(static_cast<size_t>(label)) = 1.0f;
  return t;
}

int argmax(const std::array<float, kNumClasses>& target) {
  return static_cast<int>(std::max_element(target.begin(), target.end()) - target.begin());
}

cv::Mat load_image(const Dataset& d, const Sample& s, bool grayscale) {
  cv::Mat img;
  if (s.image.memory_index >= 0) {
    const ImageStore& m = d.memory;
    FERKIT_CHECK(s.image.memory_index < m.count(),
                 s.image.path << ": image index " << s.image.memory_index << " outside the store of " << m.count());
    cv::Mat view(m.height, m.width, m.channels == 1 ? CV_8UC1 : CV_8UC3,
                 const_cast<uint8_t*>(m.image(s.image.memory_index)));
    img = view.clone();
  } else {
    auto path = d.root / s.image.path;
    img = cv::imread(path.string(), grayscale ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    if (img.empty())
      throw Error(path.string() + (s.provenance.empty() ? "" : " (from " + s.provenance + ")"),
                  "a readable image", std::filesystem::exists(path) ? "a file OpenCV cannot decode" : "no such file");
  }
  if (!s.image.crop.empty()) {
    const Box& b = s.image.crop;
    cv::Rect r(b.x, b.y, b.width, b.height);
    cv::Rect inside = r & cv::Rect(0, 0, img.cols, img.rows);
    if (inside.area() <= 0)
      throw Error(s.image.path + (s.provenance.empty() ? "" : " (from " + s.provenance + ")"),
                  "a face box inside the " + std::to_string(img.cols) + "x" + std::to_string(img.rows) + " image",
                  "box (" + std::to_string(b.x) + ", " + std::to_string(b.y) + ", " + std::to_string(b.width) +
                      ", " + std::to_string(b.height) + ")");
    img = img(inside).clone();
  }
  if (grayscale && img.channels() == 3) cv::cvtColor(img, img, cv::COLOR_BGR2GRAY);
  if (!grayscale && img.channels() == 1) cv::cvtColor(img, img, cv::COLOR_GRAY2BGR);
  return img;
}

}  // namespace ferkit
