#include "ferkit/data/image_probe.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/dhash.h"
#include "ferkit/sha256.h"

namespace ferkit {
namespace {

// libpng and libjpeg decode a cut-off file into a partly grey image with only a warning, so a
// truncated file is recognised by its missing end structure before decoding.
bool truncated(const std::vector<uint8_t>& b, std::string& why) {
  static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size() >= 8 && std::memcmp(b.data(), png_magic, 8) == 0) {
    static const uint8_t iend[8] = {'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
    if (b.size() < 20 || std::memcmp(b.data() + b.size() - 8, iend, 8) != 0) {
      why = "PNG without its closing IEND chunk (" + std::to_string(b.size()) + " bytes)";
      return true;
    }
    return false;
  }
  if (b.size() >= 2 && b[0] == 0xff && b[1] == 0xd8) {
    // The end-of-image marker, allowing a little padding after it.
    const size_t from = b.size() > 64 ? b.size() - 64 : 2;
    for (size_t i = b.size() - 1; i > from; --i)
      if (b[i - 1] == 0xff && b[i] == 0xd9) return false;
    why = "JPEG without its end-of-image marker (" + std::to_string(b.size()) + " bytes)";
    return true;
  }
  return false;
}

}  // namespace

ImageProbe probe_image(const Dataset& d, const Sample& s) {
  ImageProbe p;
  cv::Mat img;
  if (s.image.memory_index >= 0) {
    const ImageStore& m = d.memory;
    if (s.image.memory_index >= m.count()) {
      p.status = ImageProbe::Status::kMissing;
      p.detail = "image index " + std::to_string(s.image.memory_index) + " outside the in-memory store of " +
                 std::to_string(m.count());
      return p;
    }
    cv::Mat view(m.height, m.width, m.channels == 1 ? CV_8UC1 : CV_8UC3, const_cast<uint8_t*>(m.image(s.image.memory_index)));
    if (m.channels == 1) img = view;
    else cv::cvtColor(view, img, cv::COLOR_BGR2GRAY);
  } else {
    const auto path = d.root / s.image.path;
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path)) {
      p.status = ImageProbe::Status::kMissing;
      p.detail = s.image.path + ": no such file";
      return p;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string why;
    if (bytes.empty()) {
      p.status = ImageProbe::Status::kUndecodable;
      p.detail = s.image.path + ": empty file";
      return p;
    }
    if (truncated(bytes, why)) {
      p.status = ImageProbe::Status::kTruncated;
      p.detail = s.image.path + ": " + why;
      return p;
    }
    img = cv::imdecode(bytes, cv::IMREAD_GRAYSCALE);
    if (img.empty()) {
      p.status = ImageProbe::Status::kUndecodable;
      p.detail = s.image.path + ": OpenCV cannot decode it (" + std::to_string(bytes.size()) + " bytes)";
      return p;
    }
  }
  if (!s.image.crop.empty()) {
    const Box& b = s.image.crop;
    const cv::Rect r(b.x, b.y, b.width, b.height);
    const cv::Rect inside = r & cv::Rect(0, 0, img.cols, img.rows);
    const std::string text = s.image.path + ": face box (" + std::to_string(b.x) + ", " + std::to_string(b.y) + ", " +
                             std::to_string(b.width) + ", " + std::to_string(b.height) + ") and the " +
                             std::to_string(img.cols) + "x" + std::to_string(img.rows) + " image";
    if (inside.area() <= 0) {
      p.status = ImageProbe::Status::kBadCrop;
      p.detail = text + " do not overlap";
      return p;
    }
    if (inside != r) {  // load_image clips it the same way
      p.crop_clipped = true;
      p.detail = text + ": the box is clipped to " + std::to_string(inside.width) + "x" + std::to_string(inside.height);
    }
    img = img(inside);
  }
  if (!img.isContinuous()) img = img.clone();
  p.width = img.cols;
  p.height = img.rows;
  Sha256 h;
  const int32_t dims[2] = {img.cols, img.rows};
  h.update(dims, sizeof dims);
  h.update(img.data, img.total());
  p.pixel_sha256 = h.hex();
  p.dhash = dhash(img);
  return p;
}

}  // namespace ferkit
