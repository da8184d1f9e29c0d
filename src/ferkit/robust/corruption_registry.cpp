// The table of webcam corruptions (ferkit/corruptions.h): adding one is a function in one of the
// *_corruptions.cpp files plus one row here.
#include <sstream>

#include "corruption_levels.h"
#include "ferkit/error.h"
#include "ferkit/options.h"

namespace ferkit {
namespace {

// FNV-1a: a fixed 64-bit hash of the corruption's name, so that a corruption's stream does not
// depend on its position in the table or on which other corruptions a run selects.
uint64_t name_hash(const std::string& name) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

namespace corruption_detail {

bool is_identity(const char* corruption, const cv::Mat& face, int severity) {
  check_severity(corruption, severity);
  const std::string where = std::string("corruption '") + corruption + "'";
  if (face.empty()) throw Error(where, "a non-empty face crop", "an empty image");
  if (face.depth() != CV_8U || (face.channels() != 1 && face.channels() != 3)) {
    std::ostringstream found;
    found << "OpenCV depth " << face.depth() << " with " << face.channels() << " channels";
    throw Error(where, "an 8-bit gray or BGR crop", found.str());
  }
  return severity == 0;
}

double uniform(CorruptionRng& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

}  // namespace corruption_detail

CorruptionRng corruption_rng(uint64_t seed, const std::string& corruption, int64_t image_index) {
  return CorruptionRng(derive_seed(seed, name_hash(corruption), static_cast<uint64_t>(image_index),
                                   kBenchmarkCorruptionStream));
}

const std::vector<CorruptionInfo>& corruptions() {
  using namespace corruption;
  static const std::vector<CorruptionInfo> table = {
      {"low_light", low_light, "dim room: lower gain and a steeper gamma", true},
      {"over_exposure", over_exposure, "light behind the screen: gain above 1, highlights clip", true},
      {"low_contrast", low_contrast, "haze or a washed-out sensor: contrast about the mean", true},
      {"sensor_noise", sensor_noise, "shot noise (Poisson) plus read noise (Gaussian)", true},
      {"motion_blur", motion_blur, "the head moves during the exposure: a straight streak", true},
      {"defocus_blur", defocus_blur, "out of focus: a uniform disk", true},
      {"jpeg", jpeg, "compression of the video stream: JPEG quality 45 .. 10", true},
      {"downscale", downscale, "a face far from the camera: few pixels, enlarged back", true},
      {"rotation", rotation, "head roll: in-plane rotation of 5 .. 30 degrees", true},
      {"box_jitter", box_jitter, "detector box shifted and scaled by 10 .. 30 %", false},
      {"occlusion", occlusion, "a band across the eyes or the mouth, or a hand", true},
      {"colour_grey", colour_grey, "colour/grey mismatch: desaturated colour, or a cast grey", false},
  };
  return table;
}

std::vector<std::string> corruption_names() {
  std::vector<std::string> names;
  for (const auto& c : corruptions()) names.push_back(c.name);
  return names;
}

const CorruptionInfo& corruption_info(const std::string& name) {
  for (const auto& c : corruptions())
    if (c.name == name) return c;
  std::string known;
  for (const auto& n : corruption_names()) known += (known.empty() ? "" : ", ") + n;
  const std::string near = nearest_name(name, corruption_names());
  throw Error("corruption '" + name + "'", "one of: " + known, near.empty() ? "an unknown name" : "an unknown name (did you mean '" + near + "'?)");
}

cv::Mat apply_corruption(const std::string& name, const cv::Mat& face, int severity, CorruptionRng& rng) {
  return corruption_info(name).apply(face, severity, rng);
}

void check_severity(const std::string& corruption, int severity) {
  if (severity < 0 || severity > kMaxSeverity)
    throw Error("corruption '" + corruption + "'", "a severity in 0.." + std::to_string(kMaxSeverity),
                std::to_string(severity));
}

int face_channels_for_model(const InputSpec& input, const std::string& where) {
  if (input.channels == 1 || input.channels == 3) return input.channels;
  throw Error(where, "a model input of 1 (gray) or 3 (colour) channels, the ones a face crop converts to",
              std::to_string(input.channels) + " channels");
}

}  // namespace ferkit
