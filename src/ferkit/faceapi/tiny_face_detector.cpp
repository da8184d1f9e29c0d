// face-api's TinyFaceDetector (ferkit/faceapi/tiny_face_detector.h): input, forward, box decoding
// and non-maximum suppression, mirroring TinyYolov2Base.extractBoxes and ops/nonMaxSuppression.
#include "ferkit/faceapi/tiny_face_detector.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/core.hpp>

#include "ferkit/error.h"
#include "ferkit/faceapi/faceapi_checkpoint.h"
#include "ferkit/faceapi/net_input.h"

namespace ferkit::faceapi {
namespace {

constexpr int kAnchors = 5;
constexpr double kAnchorW[kAnchors] = {1.603231, 6.041143, 2.882459, 4.266906, 9.041765};
constexpr double kAnchorH[kAnchors] = {2.094468, 7.080126, 3.518061, 5.178857, 10.66308};

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double iou(const cv::Rect2d& a, const cv::Rect2d& b) {
  const double w = std::max(0.0, std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x));
  const double h = std::max(0.0, std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y));
  const double inter = w * h;
  return inter / (a.area() + b.area() - inter);
}

}  // namespace

struct TinyFaceDetector::Impl {
  FaceapiModel model;
  NetInputSpec spec;
};

TinyFaceDetector::TinyFaceDetector(const TinyFaceDetectorOptions& o) : opt_(o), impl_(std::make_unique<Impl>()) {
  FERKIT_CHECK(o.input_size > 0 && o.input_size % 32 == 0, "tinyface: input_size must be a positive multiple of 32, got " << o.input_size);
  FERKIT_CHECK(o.score_threshold > 0 && o.score_threshold < 1, "tinyface: score_threshold must be in (0, 1), got " << o.score_threshold);
  FERKIT_CHECK(o.iou_threshold >= 0 && o.iou_threshold <= 1, "tinyface: iou_threshold must be in [0, 1], got " << o.iou_threshold);
  if (!std::filesystem::exists(o.model))
    throw Error(o.model, "face-api's tiny face detector (run `ferkit import faceapi`, or give tiny_face_detector_model-weights_manifest.json)",
                "no such file");
  impl_->model = load_faceapi_model(o.model, "tiny_face_detector");
  const auto& s = impl_->model.sidecar;
  impl_->spec.size = o.input_size;
  impl_->spec.centred = s.square_padding == "centred";
  for (int c = 0; c < 3; ++c) impl_->spec.mean_rgb[c] = static_cast<float>(s.mean_rgb[c]);
}

TinyFaceDetector::~TinyFaceDetector() = default;

RawDetectorOutput TinyFaceDetector::raw_output(const cv::Mat& image) {
  const int64_t s = impl_->spec.size;
  torch::Tensor x = torch::empty({1, 3, s, s});
  net_input_into(image, impl_->spec, x.data_ptr<float>());
  torch::NoGradGuard no_grad;
  torch::Tensor y = impl_->model.net->forward(x)[0].permute({1, 2, 0}).contiguous();  // [grid, grid, 25]
  RawDetectorOutput out;
  out.grid = static_cast<int>(y.size(0));
  out.values.assign(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
  return out;
}

std::vector<FaceBox> TinyFaceDetector::detect(const cv::Mat& image) {
  return decode(raw_output(image), image.rows, image.cols, opt_.input_size, opt_.score_threshold, opt_.iou_threshold);
}

std::vector<FaceBox> TinyFaceDetector::decode(const RawDetectorOutput& raw, int image_h, int image_w, int input_size,
                                              double score_threshold, double iou_threshold) {
  FERKIT_CHECK(raw.grid > 0 && raw.values.size() == static_cast<size_t>(raw.grid) * raw.grid * 25,
               "tinyface: expected a [grid, grid, 25] output, got grid " << raw.grid << " with " << raw.values.size() << " values");
  const Extent e = reshaped_extent(image_h, image_w, input_size);
  const double side = std::max(e.width, e.height);
  const double cx = side / e.width, cy = side / e.height;
  const double g = raw.grid;
  std::vector<FaceBox> boxes;  // relative to the image
  for (int row = 0; row < raw.grid; ++row)
    for (int col = 0; col < raw.grid; ++col)
      for (int a = 0; a < kAnchors; ++a) {
        const double score = sigmoid(raw.at(row, col, a * 5 + 4));
        if (!(score > score_threshold)) continue;
        const double ctx = ((col + sigmoid(raw.at(row, col, a * 5 + 0))) / g) * cx;
        const double cty = ((row + sigmoid(raw.at(row, col, a * 5 + 1))) / g) * cy;
        const double w = ((std::exp(raw.at(row, col, a * 5 + 2)) * kAnchorW[a]) / g) * cx;
        const double h = ((std::exp(raw.at(row, col, a * 5 + 3)) * kAnchorH[a]) / g) * cy;
        boxes.push_back({cv::Rect2d(ctx - w / 2, cty - h / 2, w, h), score});
      }
  // Greedy NMS as face-api: stable ascending sort by score, repeatedly take the last.
  std::vector<size_t> order(boxes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return boxes[i].score < boxes[j].score; });
  auto in_input = [&](size_t i) {
    const cv::Rect2d& b = boxes[i].box;
    return cv::Rect2d(b.x * input_size, b.y * input_size, b.width * input_size, b.height * input_size);
  };
  std::vector<FaceBox> out;
  while (!order.empty()) {
    const size_t best = order.back();
    order.pop_back();
    out.push_back({cv::Rect2d(boxes[best].box.x * image_w, boxes[best].box.y * image_h, boxes[best].box.width * image_w,
                              boxes[best].box.height * image_h),
                   boxes[best].score});
    const cv::Rect2d bb = in_input(best);
    std::vector<size_t> keep;
    for (size_t i : order)
      if (iou(bb, in_input(i)) <= iou_threshold) keep.push_back(i);
    order.swap(keep);
  }
  return out;
}

}  // namespace ferkit::faceapi
