// Training-time augmentation of face crops: small functions on cv::Mat, each taking an explicit
// random generator so that it can be tested alone and reproduced from a seed.
//
//   ferkit::AugmentOptions aug;                      // defaults: a mild FER recipe
//   aug.rotation_degrees = 15; aug.noise_sigma = 3;  // TOML [augment] keys are the field names
//   ferkit::InputSpec in{48, 1, {0.5}, {0.5}};       // size, channels, mean, std of the model
//   ferkit::AugmentRng rng = ferkit::augment_rng(seed, epoch, dataset_index);
//   cv::Mat face = ferkit::load_image(d, d.samples[i], /*grayscale=*/true);
//   cv::Mat out = ferkit::augment_face(face, in, aug, rng);     // 8-bit, in.size x in.size
//   ferkit::preprocess_face_into(out, in, dst);                  // the shared normalisation
//
// Contract:
// - Every function takes 8-bit images (gray or BGR), returns a new image and never writes into its
//   input (the loader's image cache hands out shared pixels).
// - Given the same input, options and generator state the result is bit-identical; a generator is
//   built from (seed, epoch, dataset index), never from the thread that runs it.
// - augment_face keeps the colour order of its input (BGR stays BGR) so that preprocess_face_into
//   converts it exactly as in evaluation; it returns in.size x in.size with in.channels channels.
// - Pipeline order in augment_face: webcam corruption and colour/grey mismatch (on the decoded
//   crop, as `ferkit robust` applies them; only when corruption_p / grey_colour_mix_p > 0) -> resize
//   to the model (resize_for_model's rule) -> affine (rotation, scale, translation in one warp) ->
//   random crop after padding -> horizontal flip -> brightness/contrast -> Gaussian noise. The
//   corruptions draw from their own generator, derived from the sample's (stream
//   kTrainingCorruptionStream); with both probabilities 0 nothing is drawn for them and the
//   other augmentations are exactly as before. CLAHE is not part of it: when on it is applied to the
//   decoded crop in training and evaluation alike (apply_clahe), before augment_face/preprocess.
// - Mixup and cutmix act on whole batches of tensors (ferkit/mixing.h); their switches live here.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ferkit/preprocess.h"

namespace cv { class Mat; }

namespace ferkit {

struct AugmentOptions {
  int crop_padding = 4;            // random crop after padding each side by this many px (0 = off)
  double flip_p = 0.5;             // probability of a horizontal flip
  double rotation_degrees = 10.0;  // rotation drawn uniformly from [-r, r] degrees
  double scale_jitter = 0.1;       // zoom factor drawn from [1 - s, 1 + s]
  double translate_jitter = 0.1;   // shift drawn from [-t, t] x side, in x and y separately
  double brightness = 0.2;         // intensity factor drawn from [1 - b, 1 + b]
  double contrast = 0.2;           // contrast factor about the image mean, from [1 - c, 1 + c]
  double noise_sigma = 0.0;        // Gaussian noise std in 8-bit intensity units (0 = off)
  bool clahe = false;              // CLAHE on every crop, training and evaluation alike
  double clahe_clip_limit = 2.0;   // CLAHE clip limit (OpenCV's clipLimit)
  int clahe_tile = 8;              // CLAHE grid: clahe_tile x clahe_tile tiles
  double mixup_alpha = 0.2;        // Beta(alpha, alpha) for the mixup weight
  double mixup_p = 0.0;            // probability that a training batch is mixed up (0 = off)
  double cutmix_alpha = 1.0;       // Beta(alpha, alpha) for the cutmix area
  double cutmix_p = 0.0;           // probability that a training batch is cut-mixed (0 = off)
  // Webcam corruptions (ferkit/corruptions.h), drawn from a stream distinct from the benchmark's.
  double corruption_p = 0.0;       // probability that an image gets one corruption (0 = off)
  int corruption_max_severity = 3;  // its severity is drawn uniformly from 1..this (at most 5)
  // corruptions drawn from, uniformly (empty = every corruption except box_jitter, which is
  // translate_jitter / scale_jitter, and colour_grey, which is grey_colour_mix_p)
  std::vector<std::string> corruption_names;
  double grey_colour_mix_p = 0.0;  // probability of colour_grey at a severity drawn from 1..5 (0 = off)
  template <class V>
  void visit(V& v) {
    v("crop_padding", crop_padding, "random crop after padding each side by this many px (0 = off)");
    v("flip_p", flip_p, "probability of a horizontal flip");
    v("rotation_degrees", rotation_degrees, "rotation drawn uniformly from [-r, r] degrees");
    v("scale_jitter", scale_jitter, "zoom factor drawn from [1 - s, 1 + s]");
    v("translate_jitter", translate_jitter, "shift drawn from [-t, t] x side in x and y");
    v("brightness", brightness, "intensity factor drawn from [1 - b, 1 + b]");
    v("contrast", contrast, "contrast factor about the mean drawn from [1 - c, 1 + c]");
    v("noise_sigma", noise_sigma, "Gaussian noise std in 8-bit units (0 = off)");
    v("clahe", clahe, "CLAHE on every crop, training and evaluation alike");
    v("clahe_clip_limit", clahe_clip_limit, "CLAHE clip limit");
    v("clahe_tile", clahe_tile, "CLAHE grid of clahe_tile x clahe_tile tiles");
    v("mixup_alpha", mixup_alpha, "Beta(alpha, alpha) for the mixup weight");
    v("mixup_p", mixup_p, "probability that a training batch is mixed up (0 = off)");
    v("cutmix_alpha", cutmix_alpha, "Beta(alpha, alpha) for the cutmix area");
    v("cutmix_p", cutmix_p, "probability that a training batch is cut-mixed (0 = off)");
    v("corruption_p", corruption_p, "probability that an image gets one webcam corruption (0 = off)");
    v("corruption_max_severity", corruption_max_severity, "corruption severity drawn from 1..this (<= 5)");
    v("corruption_names", corruption_names, "corruptions drawn from (empty = all but box_jitter and colour_grey)");
    v("grey_colour_mix_p", grey_colour_mix_p, "probability of the colour/grey mismatch (colour_grey, severity 1..5)");
  }
};

// Throws ferkit::Error naming the field when a value is out of range (negative jitter, p outside
// [0, 1], mixup_p + cutmix_p > 1, brightness or scale >= 1, ...).
void validate(const AugmentOptions& o);

// The generator every augmentation draws from. std::mt19937_64's output sequence is fixed by the
// C++ standard, so a seed means the same stream everywhere.
using AugmentRng = std::mt19937_64;

// A well-mixed 64-bit seed from (seed, a, b, stream): distinct inputs give unrelated streams.
// Streams used by the loader: 0 per-sample augmentation, 1 epoch order, 2 batch mixing, 3 repeated
// draws of one sample within an epoch.
uint64_t derive_seed(uint64_t seed, uint64_t a, uint64_t b, uint64_t stream);
// The generator for one sample of one epoch (stream 0). repeat: how often this index was already
// drawn earlier in the epoch (class-balanced sampling draws with replacement), so that repeated
// draws get different augmentations; 0 gives exactly the (seed, epoch, index) stream.
AugmentRng augment_rng(uint64_t seed, int64_t epoch, int64_t dataset_index, int64_t repeat = 0);

// --- single augmentations (each returns a new image of the same size and type) ---

// Rotation by angle_degrees (counter-clockwise, about the image centre), zoom by scale and shift
// by (tx, ty) pixels, bilinear, borders reflected. angle 0, scale 1, shift 0 returns the input.
cv::Mat affine_transform(const cv::Mat& img, double angle_degrees, double scale, double tx, double ty);
// Draws angle, scale and shift from the options' ranges and applies affine_transform.
cv::Mat random_affine(const cv::Mat& img, const AugmentOptions& o, AugmentRng& rng);

// Pads each side by `padding` px with zeros and cuts the original size back out at offset
// (dx, dy) in [0, 2 * padding]; (padding, padding) returns the input.
cv::Mat crop_with_padding(const cv::Mat& img, int padding, int dx, int dy);
cv::Mat random_crop_with_padding(const cv::Mat& img, int padding, AugmentRng& rng);

// Mirror image (left <-> right).
cv::Mat flip_horizontal(const cv::Mat& img);
cv::Mat random_flip(const cv::Mat& img, double p, AugmentRng& rng);

// saturate(x * brightness_factor), then contrast about the mean: saturate(m + (y - m) * contrast_factor).
cv::Mat adjust_brightness_contrast(const cv::Mat& img, double brightness_factor, double contrast_factor);
cv::Mat random_brightness_contrast(const cv::Mat& img, double brightness, double contrast, AugmentRng& rng);

// saturate(round(x + N(0, sigma^2))) independently per pixel and channel.
cv::Mat add_gaussian_noise(const cv::Mat& img, double sigma, AugmentRng& rng);

// The webcam step of augment_face (ferkit/corruptions.h): with probability corruption_p one
// corruption drawn uniformly from corruption_names (empty: those marked training_default) at a
// severity drawn from 1..corruption_max_severity; then, with probability grey_colour_mix_p,
// colour_grey at a severity drawn from 1..5. Takes one number from rng when either probability is
// > 0 and nothing otherwise; every other draw comes from a generator derived from it (stream
// kTrainingCorruptionStream), never shared with the benchmark's corruption_rng.
cv::Mat random_webcam_corruption(const cv::Mat& face, const AugmentOptions& o, AugmentRng& rng);

// Contrast-limited adaptive histogram equalisation (cv::createCLAHE). Gray images directly; BGR
// images on the L channel of Lab, so that colours keep their hue.
cv::Mat apply_clahe(const cv::Mat& img, double clip_limit = 2.0, int tile = 8);

// The whole per-sample training pipeline (see the contract above). The result has the model's
// size and channel count, BGR order for 3 channels (preprocess_face_into then converts to RGB).
cv::Mat augment_face(const cv::Mat& face, const InputSpec& input, const AugmentOptions& o, AugmentRng& rng);

}  // namespace ferkit
