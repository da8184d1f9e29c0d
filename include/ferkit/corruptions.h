// Webcam-like corruptions of face crops: what a live camera does to a face that a curated dataset
// never shows. Used by `ferkit robust` (the offline–live gap, ferkit/robust_benchmark.h) and by
// training (AugmentOptions::corruption_p, ferkit/augment.h).
//
//   ferkit::CorruptionRng rng = ferkit::corruption_rng(/*seed=*/0, "motion_blur", /*sample=*/17);
//   cv::Mat blurred = ferkit::corruption::motion_blur(face, /*severity=*/3, rng);
//   cv::Mat same = ferkit::apply_corruption("motion_blur", face, 3, rng2);   // by name (registry)
//   for (const auto& c : ferkit::corruptions()) c.name, c.apply, c.description;
//
// Contract (every corruption):
// - Input: a non-empty 8-bit gray (1 channel) or BGR (3 channel) crop of any size; anything else is
//   a ferkit::Error naming the corruption. The result is a new image of the same size and type; the
//   input is never written into.
// - Severity 0 returns an exact copy; 1..5 are increasingly strong, and the mean absolute
//   difference from the clean crop grows with severity. Outside 0..5 is a ferkit::Error.
// - Geometric strengths are fractions of the crop's side, so a severity means the same on a 48-px
//   FER2013 crop and on a 224-px AffectNet crop (except `downscale`, whose target is a face width in
//   pixels: what is lost there is absolute).
// - Deterministic: same input, severity and generator state give bit-identical output. The random
//   choices (directions, signs, which occluder) are drawn in the same order at every severity, so
//   the severities of one image differ only in strength (common random numbers).
// - Severity 5 is the worst a working webcam plausibly delivers (docs/robustness.md; look at
//   `ferkit robust sheet`), not a destroyed image.
//
// Colour: a grey model is given grey crops, a colour model BGR crops (face_channels_for_model reads
// that from the model's input spec; other channel counts have no conversion and are an Error).
// colour_grey is the colour/grey mismatch for either: a BGR crop loses its saturation (a colour
// model fed a grey or night-mode camera), a grey crop is given a camera white-balance cast, in a skin
// tint, and turned back to grey (a grey model fed a webcam frame whose grey differs from the
// training data's).
//
// Random streams: the benchmark seeds each (corruption, image) from derive_seed(seed,
// hash(name), image index, kBenchmarkCorruptionStream); training derives its generator from the
// sample's augmentation stream and kTrainingCorruptionStream. The two never share draws, and the
// loader's streams (0..3, ferkit/augment.h) are distinct from both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ferkit/augment.h"
#include "ferkit/preprocess.h"

namespace cv { class Mat; }

namespace ferkit {

using CorruptionRng = AugmentRng;  // std::mt19937_64: the same stream on every platform

constexpr int kMaxSeverity = 5;
constexpr uint64_t kBenchmarkCorruptionStream = 101;
constexpr uint64_t kTrainingCorruptionStream = 102;

// The generator of one image under one corruption in the benchmark. It does not depend on the
// severity (common random numbers) nor on which other corruptions run.
CorruptionRng corruption_rng(uint64_t seed, const std::string& corruption, int64_t image_index);

namespace corruption {

// Exposure: out = 255 * gain * (x / 255)^gamma, gain 0.72 .. 0.30, gamma 1.15 .. 1.7 (a dim room:
// the mid-grey 128 becomes 84 .. 24).
cv::Mat low_light(const cv::Mat& face, int severity, CorruptionRng& rng);
// out = 255 * min(1, gain * (x / 255)^(1 / gamma)), gain 1.15 .. 1.7, gamma 1.0 .. 1.2 (a window or
// a lamp behind the screen: highlights clip, the shadows keep the features).
cv::Mat over_exposure(const cv::Mat& face, int severity, CorruptionRng& rng);
// Contrast about the crop's mean: out = m + c (x - m), c 0.65 .. 0.2 (haze, a washed-out sensor).
cv::Mat low_contrast(const cv::Mat& face, int severity, CorruptionRng& rng);
// Shot noise (Poisson with 3000 .. 180 photons at full scale) plus read noise (Gaussian, sigma 1 ..
// 4.5 grey levels), per pixel and channel: on mid-grey a noise std of about 3 .. 14 grey levels.
cv::Mat sensor_noise(const cv::Mat& face, int severity, CorruptionRng& rng);
// A straight motion streak of 4 .. 17 % of the crop width at a random angle.
cv::Mat motion_blur(const cv::Mat& face, int severity, CorruptionRng& rng);
// A uniform disk (out of focus) of radius 1.5 .. 6 % of the crop width.
cv::Mat defocus_blur(const cv::Mat& face, int severity, CorruptionRng& rng);
// JPEG at quality 45, 30, 20, 14, 10 (cv::imencode / cv::imdecode; 4:2:0 chroma on BGR).
cv::Mat jpeg(const cv::Mat& face, int severity, CorruptionRng& rng);
// A face far from the camera: the crop shrunk (area) to a width of 40, 32, 26, 21, 17 px (at most
// 85 .. 36 % of its width) and enlarged back (bilinear).
cv::Mat downscale(const cv::Mat& face, int severity, CorruptionRng& rng);
// In-plane head roll of 5, 10, 15, 22, 30 degrees, random sign, border replicated.
cv::Mat rotation(const cv::Mat& face, int severity, CorruptionRng& rng);
// A detector box off by f = 10, 15, 20, 25, 30 %: moved by f x side in a random direction and
// grown or shrunk (random) by the factor 1 +- f, border replicated.
cv::Mat box_jitter(const cv::Mat& face, int severity, CorruptionRng& rng);
// One occluder, chosen at random: a dark band across the eyes (glasses, hair), a band across the
// mouth, or a skin-toned hand-sized ellipse over the lower face. Band height 10 .. 28 % of the
// crop; hand width 22 .. 46 %.
cv::Mat occlusion(const cv::Mat& face, int severity, CorruptionRng& rng);
// BGR: saturation reduced by 30, 50, 70, 85, 100 %. Gray: a warm, cool or green white-balance cast
// of strength 0.1 .. 0.5 on a skin tint (per-channel clipping included), then back to gray.
cv::Mat colour_grey(const cv::Mat& face, int severity, CorruptionRng& rng);

}  // namespace corruption

using CorruptionFunction = cv::Mat (*)(const cv::Mat& face, int severity, CorruptionRng& rng);

// One registered corruption (the table in src/ferkit/robust/corruption_registry.cpp).
struct CorruptionInfo {
  std::string name;             // e.g. "motion_blur"
  CorruptionFunction apply;
  std::string description;      // one line: what a camera does
  // Drawn by training when AugmentOptions::corruption_names is empty. box_jitter and colour_grey are
  // not: crop jitter is translate_jitter / scale_jitter, the colour mismatch grey_colour_mix_p.
  bool training_default = true;
};

const std::vector<CorruptionInfo>& corruptions();
std::vector<std::string> corruption_names();
// Throws ferkit::Error naming the known corruptions (and the nearest) for an unknown name.
const CorruptionInfo& corruption_info(const std::string& name);
// Checks the severity and the image, then runs the named corruption.
cv::Mat apply_corruption(const std::string& name, const cv::Mat& face, int severity, CorruptionRng& rng);

// Throws ferkit::Error("corruption '<name>'", "a severity in 0..5", ...) when out of range.
void check_severity(const std::string& corruption, int severity);

// The channels of the crops a model is given: 1 (gray) for a 1-channel input, 3 (BGR, turned into
// RGB by preprocess_face) for a 3-channel input. Any other count has no conversion: ferkit::Error
// naming `where` (the model) and the count.
int face_channels_for_model(const InputSpec& input, const std::string& where);

}  // namespace ferkit
