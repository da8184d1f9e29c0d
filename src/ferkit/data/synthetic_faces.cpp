// Cartoon faces per expression, drawn at 4x (192 px) for smooth edges and reduced to 48x48.
#include "ferkit/synthetic_faces.h"

#include <cmath>
#include <fstream>
#include <random>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

// mt19937's sequence is fixed by the standard; the mapping to numbers is ours so that every
// platform draws the same faces.
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(static_cast<std::mt19937::result_type>(seed ^ (seed >> 32))) {}
  double uniform(double a, double b) { return a + (b - a) * (static_cast<double>(g_()) / 4294967296.0); }
  int below(int n) { return static_cast<int>(g_() % static_cast<uint32_t>(n)); }
  double gaussian() {  // Box-Muller
    const double u = (static_cast<double>(g_()) + 1.0) / 4294967297.0, v = uniform(0, 1);
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2 * M_PI * v);
  }

 private:
  std::mt19937 g_;
};

constexpr int kScale = 4, kSide = 48, kBig = kSide * kScale;

struct Shape {
  double eye_open;                  // eye half-height (in 48-px units)
  double brow_inner, brow_outer;    // brow end heights relative to neutral (negative: raised)
  double brow_right_extra;          // contempt: one brow higher
};

Shape shape_of(int e) {
  switch (e) {
    case kHappiness: return {1.0, -0.5, -0.5, 0};
    case kSurprise: return {2.6, -2.6, -2.0, 0};
    case kSadness: return {1.3, -2.2, 0.6, 0};
    case kAnger: return {1.1, 2.0, -0.9, 0};
    case kDisgust: return {0.8, 1.2, 0.3, 0};
    case kFear: return {2.4, -2.6, -0.8, 0};
    case kContempt: return {1.3, 0, 0, -1.2};
    default: return {1.6, 0, 0, 0};
  }
}

cv::Point P(double x, double y) { return cv::Point(static_cast<int>(std::lround(x * kScale)), static_cast<int>(std::lround(y * kScale))); }
int T(double t) { return std::max(1, static_cast<int>(std::lround(t * kScale))); }

void draw_mouth(cv::Mat& img, int e, double cx, double my, double s, const cv::Scalar& ink, Rng& rng) {
  const double w = (7.5 + rng.uniform(-0.8, 0.8)) * s;
  switch (e) {
    case kHappiness:
      cv::ellipse(img, P(cx, my - 1.5 * s), cv::Size(T(w), T(3.5 * s)), 0, 10, 170, ink, T(1.3), cv::LINE_AA);
      break;
    case kSurprise:
      cv::ellipse(img, P(cx, my), cv::Size(T(3.2 * s), T(4.5 * s)), 0, 0, 360, ink, cv::FILLED, cv::LINE_AA);
      break;
    case kSadness:
      cv::ellipse(img, P(cx, my + 2.5 * s), cv::Size(T(w * 0.9), T(3.0 * s)), 0, 195, 345, ink, T(1.2), cv::LINE_AA);
      break;
    case kAnger:
      cv::rectangle(img, P(cx - w * 0.75, my - 1.0 * s), P(cx + w * 0.75, my + 1.2 * s), ink, cv::FILLED, cv::LINE_AA);
      break;
    case kDisgust: {
      std::vector<cv::Point> pts = {P(cx - w, my + 1.0 * s), P(cx - w * 0.4, my - 1.2 * s), P(cx, my + 0.6 * s),
                                    P(cx + w * 0.5, my - 1.6 * s), P(cx + w, my - 0.4 * s)};
      cv::polylines(img, pts, false, ink, T(1.2), cv::LINE_AA);
      break;
    }
    case kFear:
      cv::ellipse(img, P(cx, my), cv::Size(T(w * 0.95), T(2.6 * s)), 0, 0, 360, ink, cv::FILLED, cv::LINE_AA);
      break;
    case kContempt:
      cv::line(img, P(cx - w * 0.8, my + 0.4 * s), P(cx + w * 0.3, my + 0.4 * s), ink, T(1.1), cv::LINE_AA);
      cv::line(img, P(cx + w * 0.3, my + 0.4 * s), P(cx + w * 0.95, my - 2.2 * s), ink, T(1.1), cv::LINE_AA);
      break;
    default:
      cv::line(img, P(cx - w * 0.85, my), P(cx + w * 0.85, my), ink, T(1.1), cv::LINE_AA);
  }
}

cv::Mat draw_face(int e, Rng& rng) {
  // Background: a ramp in a random direction, so that faces differ in the coarse structure that
  // the near-duplicate hash sees, not only in their features.
  const double bg = rng.uniform(20, 200), ramp = rng.uniform(20, 80), dir = rng.uniform(0, 2 * M_PI);
  cv::Mat img(kBig, kBig, CV_8UC1);
  for (int y = 0; y < kBig; ++y)
    for (int x = 0; x < kBig; ++x) {
      const double t = ((x - kBig / 2.0) * std::cos(dir) + (y - kBig / 2.0) * std::sin(dir)) / kBig;
      img.at<uint8_t>(y, x) = static_cast<uint8_t>(std::clamp(std::lround(bg + ramp * t), 0L, 255L));
    }
  const double s = rng.uniform(0.85, 1.12);
  const double cx = 24 + rng.uniform(-4, 4), cy = 25 + rng.uniform(-3, 3);
  // Skin lighter or darker than the background, at least 40 levels apart.
  double skin = rng.uniform(100, 230);
  if (std::fabs(skin - bg) < 40) skin = bg < 130 ? bg + 60 : bg - 60;
  const cv::Scalar face(skin), ink(rng.uniform(15, 55));
  const double half_width = rng.uniform(13.5, 17.0) * s;
  const int hair = rng.below(3);  // 0 none, 1 cap, 2 long
  const cv::Scalar hair_tone(rng.uniform(10, 90));
  if (hair == 2)
    cv::ellipse(img, P(cx, cy + 2 * s), cv::Size(T(half_width + 3.5 * s), T(21 * s)), 0, 0, 360, hair_tone, cv::FILLED, cv::LINE_AA);
  cv::ellipse(img, P(cx, cy), cv::Size(T(half_width), T(19.5 * s)), 0, 0, 360, face, cv::FILLED, cv::LINE_AA);
  if (hair >= 1) {  // a darker cap over the top of the oval
    cv::ellipse(img, P(cx, cy - 6 * s), cv::Size(T(half_width + 0.5 * s), T(15 * s)), 0, 180, 360, hair_tone, cv::FILLED, cv::LINE_AA);
    cv::ellipse(img, P(cx, cy - 1 * s), cv::Size(T(half_width - 1.0 * s), T(10 * s)), 0, 180, 360, face, cv::FILLED, cv::LINE_AA);
  }

  const Shape sh = shape_of(e);
  const double eye_dx = (6.0 + rng.uniform(-0.5, 0.5)) * s, eye_y = cy - 3.0 * s + rng.uniform(-0.6, 0.6);
  const double open = sh.eye_open * s * rng.uniform(0.85, 1.15);
  for (int side : {-1, 1}) {
    const double ex = cx + side * eye_dx;
    cv::ellipse(img, P(ex, eye_y), cv::Size(T(2.6 * s), T(open)), 0, 0, 360, ink, cv::FILLED, cv::LINE_AA);
    // Brows: inner end near the nose, outer end away from it.
    const double by = eye_y - 4.2 * s - (sh.eye_open > 2 ? 0.8 * s : 0);
    const double extra = side > 0 ? sh.brow_right_extra * s : 0;
    const double inner = by + sh.brow_inner * s + extra + rng.uniform(-0.3, 0.3);
    const double outer = by + sh.brow_outer * s + extra + rng.uniform(-0.3, 0.3);
    cv::line(img, P(ex - side * 3.2 * s, inner), P(ex + side * 3.4 * s, outer), ink, T(1.1), cv::LINE_AA);
  }
  // Nose, with wrinkles for disgust.
  cv::line(img, P(cx, cy + 0.5 * s), P(cx - 1.2 * s, cy + 5.5 * s), ink, T(0.7), cv::LINE_AA);
  if (e == kDisgust) {
    cv::line(img, P(cx - 3.0 * s, cy + 4.5 * s), P(cx - 1.5 * s, cy + 3.0 * s), ink, T(0.6), cv::LINE_AA);
    cv::line(img, P(cx + 3.0 * s, cy + 4.5 * s), P(cx + 1.5 * s, cy + 3.0 * s), ink, T(0.6), cv::LINE_AA);
  }
  draw_mouth(img, e, cx + rng.uniform(-0.5, 0.5), cy + 10.5 * s + rng.uniform(-0.6, 0.6), s, ink, rng);

  const double angle = rng.uniform(-12, 12);
  cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(kBig / 2.0f, kBig / 2.0f), angle, 1.0);
  cv::warpAffine(img, img, rot, img.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  cv::Mat small;
  cv::resize(img, small, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
  // Brightness, contrast and sensor noise.
  const double gain = rng.uniform(0.8, 1.15), offset = rng.uniform(-20, 20), sigma = rng.uniform(1.5, 4.5);
  for (int i = 0; i < kSide * kSide; ++i) {
    const double v = small.data[i] * gain + offset + sigma * rng.gaussian();
    small.data[i] = static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L));
  }
  return small;
}

// 10 votes (8 emotions, unknown, not-a-face) around the intended class, which keeps the most.
std::array<int, 10> draw_votes(int e, Rng& rng) {
  std::array<int, 10> v{};
  const double p = rng.uniform(0.45, 0.95);
  for (int k = 0; k < 10; ++k) {
    if (rng.uniform(0, 1) < p) {
      ++v[e];
    } else {
      const double r = rng.uniform(0, 1);
      if (r < 0.25) ++v[8];
      else if (r < 0.32) ++v[9];
      else ++v[(e + 1 + rng.below(kNumClasses - 1)) % kNumClasses];
    }
  }
  for (int k = 0; k < 10; ++k)
    if (k != e && v[k] > v[e]) std::swap(v[k], v[e]);
  return v;
}

}  // namespace

SyntheticFacesSummary write_synthetic_faces(const SyntheticFacesOptions& o) {
  if (o.out.empty()) throw Error("synth-faces", "an output directory (--out)", "none");
  FERKIT_CHECK(o.per_class > 0, "synth-faces: per_class must be > 0, got " << o.per_class);
  const int valid = o.valid_per_class >= 0 ? o.valid_per_class : std::max(1, o.per_class / 3);
  Rng rng(static_cast<uint64_t>(o.seed));
  SyntheticFacesSummary summary;
  int64_t index = 0;
  const std::vector<int> png_params = {cv::IMWRITE_PNG_COMPRESSION, 9};
  for (const auto& [folder, per] : {std::pair<const char*, int>{"FER2013Train", o.per_class}, {"FER2013Valid", valid}}) {
    const fs::path dir = fs::path(o.out) / folder;
    fs::create_directories(dir);
    std::ofstream csv(dir / "label.csv", std::ios::binary);
    if (!csv) throw Error((dir / "label.csv").string(), "a writable file", "cannot create it");
    for (int i = 0; i < per * kNumClasses; ++i, ++index) {
      const int e = i % kNumClasses;
      char name[32];
      std::snprintf(name, sizeof name, "face%04lld.png", static_cast<long long>(index));
      const cv::Mat img = draw_face(e, rng);
      if (!cv::imwrite((dir / name).string(), img, png_params))
        throw Error((dir / name).string(), "a writable PNG", "OpenCV could not write it");
      const auto v = draw_votes(e, rng);
      csv << name << ",\"(0, 0, 48, 48)\"";
      for (int k : v) csv << "," << k;
      csv << "\n";
      ++summary.drawn[e];
      ++(folder == std::string("FER2013Train") ? summary.train_rows : summary.valid_rows);
    }
    if (!csv) throw Error((dir / "label.csv").string(), "to write every row", "a write error");
  }
  return summary;
}

}  // namespace ferkit
