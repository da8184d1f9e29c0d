// Enhancement stage: optional Gaussian blur, then CLAHE, on a face crop.
//
//   ferkit::FaceEnhancer enhance(ferkit::EnhancerOptions{});   // sigma 0.5, clip 2.0, 8x8 tiles
//   cv::Mat better = enhance.apply(crop);                       // same size and type
//
// The blur (cv::GaussianBlur, kernel sized by OpenCV from sigma) removes sensor noise that CLAHE
// would otherwise amplify. CLAHE (cv::createCLAHE) equalises contrast in tiles x tiles regions with
// the given clip limit; on a BGR crop it acts on the L channel of Lab so that colours keep their hue.
// Grayscale crops stay grayscale, BGR stay BGR.
#pragma once

#include <opencv2/core/mat.hpp>
#include <opencv2/imgproc.hpp>

namespace ferkit {

struct EnhancerOptions {
  double blur_sigma = 0.5;  // Gaussian blur sigma in pixels (0 = no blur)
  bool clahe = true;        // apply CLAHE after the blur
  double clahe_clip = 2.0;  // CLAHE clip limit
  int clahe_tiles = 8;      // CLAHE grid: tiles x tiles
  template <class V> void visit(V& v) {
    v("blur_sigma", blur_sigma, "Gaussian blur sigma in pixels (0 = no blur)");
    v("clahe", clahe, "apply CLAHE after the blur");
    v("clahe_clip", clahe_clip, "CLAHE clip limit");
    v("clahe_tiles", clahe_tiles, "CLAHE grid: tiles x tiles");
  }
};

class FaceEnhancer {
 public:
  explicit FaceEnhancer(const EnhancerOptions& options);
  cv::Mat apply(const cv::Mat& crop) const;
  const EnhancerOptions& options() const { return opt_; }

 private:
  EnhancerOptions opt_;
};

}  // namespace ferkit
