// Enhancement stage (ferkit/live/face_enhancer.h).
#include "ferkit/live/face_enhancer.h"

#include <vector>

#include "ferkit/error.h"

namespace ferkit {

FaceEnhancer::FaceEnhancer(const EnhancerOptions& options) : opt_(options) {
  FERKIT_CHECK(opt_.blur_sigma >= 0, "enhance.blur_sigma must be >= 0, got " << opt_.blur_sigma);
  FERKIT_CHECK(opt_.clahe_clip > 0, "enhance.clahe_clip must be > 0, got " << opt_.clahe_clip);
  FERKIT_CHECK(opt_.clahe_tiles >= 1, "enhance.clahe_tiles must be >= 1, got " << opt_.clahe_tiles);
}

cv::Mat FaceEnhancer::apply(const cv::Mat& crop) const {
  FERKIT_CHECK(!crop.empty(), "enhance: the face crop is empty");
  FERKIT_CHECK(crop.depth() == CV_8U && (crop.channels() == 1 || crop.channels() == 3),
               "enhance: expected an 8-bit gray or BGR crop, got depth " << crop.depth() << " with " << crop.channels() << " channels");
  cv::Mat out = crop;
  if (opt_.blur_sigma > 0) {
    cv::Mat blurred;
    cv::GaussianBlur(crop, blurred, cv::Size(0, 0), opt_.blur_sigma);
    out = blurred;
  }
  if (!opt_.clahe) return out.data == crop.data ? crop.clone() : out;
  // cv::CLAHE keeps work buffers, so one shared instance is a data race when several threads enhance
  // faces at once (ferkit robust --preprocess does); a per-call instance costs microseconds.
  const cv::Ptr<cv::CLAHE> clahe = cv::createCLAHE(opt_.clahe_clip, cv::Size(opt_.clahe_tiles, opt_.clahe_tiles));
  if (out.channels() == 1) {
    cv::Mat eq;
    clahe->apply(out, eq);
    return eq;
  }
  cv::Mat lab;
  cv::cvtColor(out, lab, cv::COLOR_BGR2Lab);
  std::vector<cv::Mat> ch;
  cv::split(lab, ch);
  cv::Mat l;
  clahe->apply(ch[0], l);
  ch[0] = l;
  cv::merge(ch, lab);
  cv::Mat bgr;
  cv::cvtColor(lab, bgr, cv::COLOR_Lab2BGR);
  return bgr;
}

}  // namespace ferkit
