// Sensor and stream corruptions (ferkit/corruptions.h). The noise is a hand-written loop because it
// must draw from the corruption's own seedable generator (cv::randn uses OpenCV's global one) and
// OpenCV has no Poisson sampler; JPEG is cv::imencode / cv::imdecode.
#include <array>
#include <optional>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "corruption_levels.h"
#include "ferkit/error.h"

namespace ferkit::corruption {

using corruption_detail::is_identity;
using corruption_detail::level;

cv::Mat sensor_noise(const cv::Mat& face, int severity, CorruptionRng& rng) {
  if (is_identity("sensor_noise", face, severity)) return face.clone();
  // Photons collected at full scale (fewer photons: relatively more shot noise), and the read-out
  // noise in grey levels.
  const double photons = level({3000, 1500, 700, 350, 180}, severity);
  const double read_sigma = level({1.0, 1.5, 2.5, 3.5, 4.5}, severity);
  // One Poisson distribution per grey level (its set-up is the costly part).
  std::array<std::optional<std::poisson_distribution<int>>, 256> shot;
  std::normal_distribution<double> read(0.0, read_sigma);
  cv::Mat out(face.size(), face.type());
  const int values_per_row = face.cols * face.channels();
  for (int y = 0; y < face.rows; ++y) {
    const uint8_t* src = face.ptr<uint8_t>(y);
    uint8_t* dst = out.ptr<uint8_t>(y);
    for (int i = 0; i < values_per_row; ++i) {
      const int x = src[i];
      double v = 0;
      if (x > 0) {
        auto& d = shot[static_cast<size_t>(x)];
        if (!d) d.emplace(x / 255.0 * photons);
        v = (*d)(rng) * 255.0 / photons;
      }
      dst[i] = cv::saturate_cast<uint8_t>(v + read(rng));
    }
  }
  return out;
}

cv::Mat jpeg(const cv::Mat& face, int severity, CorruptionRng&) {
  if (is_identity("jpeg", face, severity)) return face.clone();
  const int quality = static_cast<int>(level({45, 30, 20, 14, 10}, severity));
  std::vector<uchar> bytes;
  if (!cv::imencode(".jpg", face, bytes, {cv::IMWRITE_JPEG_QUALITY, quality}))
    throw Error("corruption 'jpeg'", "cv::imencode to write a JPEG", "it failed");
  cv::Mat out = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  if (out.empty() || out.size() != face.size() || out.type() != face.type())
    throw Error("corruption 'jpeg'", "cv::imdecode to read back an image of the same size and type", "a different image");
  return out;
}

}  // namespace ferkit::corruption
