// Per-sample augmentations on cv::Mat. OpenCV does the pixel work (warpAffine, copyMakeBorder,
// flip, convertTo, CLAHE); the only hand-written loop is the Gaussian noise, because cv::randn
// draws from OpenCV's own generator and the contract is one explicit, seedable AugmentRng. The
// webcam corruptions are those of `ferkit robust` (src/ferkit/robust/).
#include "ferkit/augment.h"

#include <cmath>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "ferkit/corruptions.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

// splitmix64's finaliser: a bijection that spreads every input bit over the output.
uint64_t mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double uniform(AugmentRng& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

void check_8bit(const cv::Mat& img, const char* what) {
  FERKIT_CHECK(!img.empty(), what << ": the image is empty");
  FERKIT_CHECK(img.depth() == CV_8U, what << ": expected an 8-bit image, got OpenCV depth " << img.depth());
}

void check_range(const char* field, double value, double lo, double hi, bool hi_open = false) {
  if (value < lo || value > hi || (hi_open && value >= hi)) {
    std::ostringstream expected;
    expected << "a value in [" << lo << ", " << hi << (hi_open ? ")" : "]");
    std::ostringstream found;
    found << value;
    throw Error(std::string("augment.") + field, expected.str(), found.str());
  }
}

}  // namespace

void validate(const AugmentOptions& o) {
  check_range("crop_padding", o.crop_padding, 0, 1e6);
  check_range("flip_p", o.flip_p, 0, 1);
  check_range("rotation_degrees", o.rotation_degrees, 0, 180);
  check_range("scale_jitter", o.scale_jitter, 0, 1, /*hi_open=*/true);
  check_range("translate_jitter", o.translate_jitter, 0, 1, true);
  check_range("brightness", o.brightness, 0, 1);
  check_range("contrast", o.contrast, 0, 1);
  check_range("noise_sigma", o.noise_sigma, 0, 255);
  if (o.clahe_clip_limit <= 0) throw Error("augment.clahe_clip_limit", "a value > 0", std::to_string(o.clahe_clip_limit));
  if (o.clahe_tile < 1) throw Error("augment.clahe_tile", "a value >= 1", std::to_string(o.clahe_tile));
  if (o.mixup_alpha <= 0) throw Error("augment.mixup_alpha", "a value > 0", std::to_string(o.mixup_alpha));
  if (o.cutmix_alpha <= 0) throw Error("augment.cutmix_alpha", "a value > 0", std::to_string(o.cutmix_alpha));
  check_range("mixup_p", o.mixup_p, 0, 1);
  check_range("cutmix_p", o.cutmix_p, 0, 1);
  check_range("corruption_p", o.corruption_p, 0, 1);
  check_range("corruption_max_severity", o.corruption_max_severity, 1, kMaxSeverity);
  for (const auto& name : o.corruption_names) {
    try {
      corruption_info(name);
    } catch (const Error& e) {
      throw Error(std::string("augment.corruption_names: ") + e.what());
    }
  }
  check_range("grey_colour_mix_p", o.grey_colour_mix_p, 0, 1);
  if (o.mixup_p + o.cutmix_p > 1.0 + 1e-12)
    throw Error("augment.mixup_p + augment.cutmix_p", "at most 1 (a batch is mixed one way or the other)",
                std::to_string(o.mixup_p + o.cutmix_p));
}

uint64_t derive_seed(uint64_t seed, uint64_t a, uint64_t b, uint64_t stream) {
  uint64_t h = mix64(seed);
  h = mix64(h ^ stream);
  h = mix64(h ^ a);
  return mix64(h ^ b);
}

AugmentRng augment_rng(uint64_t seed, int64_t epoch, int64_t dataset_index, int64_t repeat) {
  uint64_t s = derive_seed(seed, static_cast<uint64_t>(epoch), static_cast<uint64_t>(dataset_index), 0);
  if (repeat > 0) s = derive_seed(s, static_cast<uint64_t>(repeat), 0, 3);
  return AugmentRng(s);
}

cv::Mat affine_transform(const cv::Mat& img, double angle_degrees, double scale, double tx, double ty) {
  check_8bit(img, "affine_transform");
  FERKIT_CHECK(scale > 0, "affine_transform: scale must be > 0, got " << scale);
  // The centre of the pixel grid, so that a 90-degree turn maps pixels onto pixels.
  cv::Point2f centre((img.cols - 1) * 0.5f, (img.rows - 1) * 0.5f);
  cv::Mat m = cv::getRotationMatrix2D(centre, angle_degrees, scale);
  m.at<double>(0, 2) += tx;
  m.at<double>(1, 2) += ty;
  cv::Mat out;
  cv::warpAffine(img, out, m, img.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
  return out;
}

cv::Mat random_affine(const cv::Mat& img, const AugmentOptions& o, AugmentRng& rng) {
  if (o.rotation_degrees == 0 && o.scale_jitter == 0 && o.translate_jitter == 0) return img;
  const double angle = uniform(rng, -o.rotation_degrees, o.rotation_degrees);
  const double scale = uniform(rng, 1.0 - o.scale_jitter, 1.0 + o.scale_jitter);
  const double tx = uniform(rng, -o.translate_jitter, o.translate_jitter) * img.cols;
  const double ty = uniform(rng, -o.translate_jitter, o.translate_jitter) * img.rows;
  return affine_transform(img, angle, scale, tx, ty);
}

cv::Mat crop_with_padding(const cv::Mat& img, int padding, int dx, int dy) {
  check_8bit(img, "crop_with_padding");
  FERKIT_CHECK(padding >= 0, "crop_with_padding: padding must be >= 0, got " << padding);
  FERKIT_CHECK(dx >= 0 && dx <= 2 * padding && dy >= 0 && dy <= 2 * padding,
               "crop_with_padding: offset (" << dx << ", " << dy << ") outside [0, " << 2 * padding << "]");
  cv::Mat padded;
  cv::copyMakeBorder(img, padded, padding, padding, padding, padding, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return padded(cv::Rect(dx, dy, img.cols, img.rows)).clone();
}

cv::Mat random_crop_with_padding(const cv::Mat& img, int padding, AugmentRng& rng) {
  if (padding <= 0) return img;
  std::uniform_int_distribution<int> offset(0, 2 * padding);
  const int dx = offset(rng);
  const int dy = offset(rng);
  return crop_with_padding(img, padding, dx, dy);
}

cv::Mat flip_horizontal(const cv::Mat& img) {
  check_8bit(img, "flip_horizontal");
  cv::Mat out;
  cv::flip(img, out, 1);
  return out;
}

cv::Mat random_flip(const cv::Mat& img, double p, AugmentRng& rng) {
  if (p <= 0) return img;
  return uniform(rng, 0.0, 1.0) < p ? flip_horizontal(img) : img;
}

cv::Mat adjust_brightness_contrast(const cv::Mat& img, double brightness_factor, double contrast_factor) {
  check_8bit(img, "adjust_brightness_contrast");
  FERKIT_CHECK(brightness_factor >= 0 && contrast_factor >= 0,
               "adjust_brightness_contrast: factors must be >= 0, got " << brightness_factor << ", " << contrast_factor);
  cv::Mat bright;
  img.convertTo(bright, -1, brightness_factor, 0.0);
  const cv::Scalar channel_means = cv::mean(bright);
  double m = 0;
  for (int c = 0; c < bright.channels(); ++c) m += channel_means[c];
  m /= bright.channels();
  cv::Mat out;
  bright.convertTo(out, -1, contrast_factor, m * (1.0 - contrast_factor));
  return out;
}

cv::Mat random_brightness_contrast(const cv::Mat& img, double brightness, double contrast, AugmentRng& rng) {
  if (brightness <= 0 && contrast <= 0) return img;
  const double b = uniform(rng, 1.0 - brightness, 1.0 + brightness);
  const double c = uniform(rng, 1.0 - contrast, 1.0 + contrast);
  return adjust_brightness_contrast(img, b, c);
}

cv::Mat add_gaussian_noise(const cv::Mat& img, double sigma, AugmentRng& rng) {
  check_8bit(img, "add_gaussian_noise");
  FERKIT_CHECK(sigma >= 0, "add_gaussian_noise: sigma must be >= 0, got " << sigma);
  cv::Mat out(img.size(), img.type());
  std::normal_distribution<double> noise(0.0, sigma);
  const int values_per_row = img.cols * img.channels();
  for (int y = 0; y < img.rows; ++y) {
    const uint8_t* src = img.ptr<uint8_t>(y);
    uint8_t* dst = out.ptr<uint8_t>(y);
    for (int i = 0; i < values_per_row; ++i) dst[i] = cv::saturate_cast<uint8_t>(src[i] + noise(rng));
  }
  return out;
}

cv::Mat random_webcam_corruption(const cv::Mat& face, const AugmentOptions& o, AugmentRng& rng) {
  if (o.corruption_p <= 0 && o.grey_colour_mix_p <= 0) return face;
  AugmentRng own(derive_seed(rng(), 0, 0, kTrainingCorruptionStream));
  cv::Mat out = face;
  if (uniform(own, 0.0, 1.0) < o.corruption_p) {
    std::vector<std::string> family = o.corruption_names;
    if (family.empty())
      for (const auto& c : corruptions())
        if (c.training_default) family.push_back(c.name);
    const auto pick = std::min(family.size() - 1, static_cast<size_t>(uniform(own, 0.0, static_cast<double>(family.size()))));
    const int severity = std::min(o.corruption_max_severity, 1 + static_cast<int>(uniform(own, 0.0, o.corruption_max_severity)));
    out = apply_corruption(family[pick], out, severity, own);
  }
  if (uniform(own, 0.0, 1.0) < o.grey_colour_mix_p) {
    const int severity = std::min(kMaxSeverity, 1 + static_cast<int>(uniform(own, 0.0, kMaxSeverity)));
    out = apply_corruption("colour_grey", out, severity, own);
  }
  return out;
}

cv::Mat apply_clahe(const cv::Mat& img, double clip_limit, int tile) {
  check_8bit(img, "apply_clahe");
  FERKIT_CHECK(img.channels() == 1 || img.channels() == 3,
               "apply_clahe: expected a gray or BGR image, got " << img.channels() << " channels");
  // A CLAHE object holds scratch buffers: one per call keeps worker threads independent.
  cv::Ptr<cv::CLAHE> clahe = cv::createCLAHE(clip_limit, cv::Size(tile, tile));
  cv::Mat out;
  if (img.channels() == 1) {
    clahe->apply(img, out);
    return out;
  }
  cv::Mat lab;
  cv::cvtColor(img, lab, cv::COLOR_BGR2Lab);
  std::vector<cv::Mat> planes;
  cv::split(lab, planes);
  cv::Mat l;
  clahe->apply(planes[0], l);
  planes[0] = l;
  cv::merge(planes, lab);
  cv::cvtColor(lab, out, cv::COLOR_Lab2BGR);
  return out;
}

cv::Mat augment_face(const cv::Mat& face, const InputSpec& input, const AugmentOptions& o, AugmentRng& rng) {
  // The camera's damage first, on the decoded crop, as the robustness benchmark applies it.
  const cv::Mat captured = random_webcam_corruption(face, o, rng);
  // resize_for_model holds the interpolation rule shared with evaluation; it returns RGB for
  // 3 channels, so turn it back to BGR for preprocess_face_into to convert once, as in evaluation.
  cv::Mat m = resize_for_model(captured, input);
  if (input.channels == 3) {
    cv::Mat bgr;
    cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
    m = bgr;
  }
  m = random_affine(m, o, rng);
  m = random_crop_with_padding(m, o.crop_padding, rng);
  m = random_flip(m, o.flip_p, rng);
  m = random_brightness_contrast(m, o.brightness, o.contrast, rng);
  if (o.noise_sigma > 0) m = add_gaussian_noise(m, o.noise_sigma, rng);
  return m;
}

}  // namespace ferkit
