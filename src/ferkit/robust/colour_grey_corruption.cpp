// Colour/grey mismatch (ferkit/corruptions.h). What a model "expects" follows from its input spec
// (face_channels_for_model): a colour model is given BGR crops and this turns them towards grey; a
// grey model is given grey crops and this replays a colour camera's white-balance cast on a skin
// tint, with 8-bit clipping per channel, before cv::cvtColor turns it back to grey. A cast changes a
// grey crop only through the luminance weights and the clipping, so this corruption is mild on grey
// models by nature; that is the finding, not a weakness of the simulation.
#include <opencv2/imgproc.hpp>

#include "corruption_levels.h"

namespace ferkit::corruption {

using corruption_detail::level;

cv::Mat colour_grey(const cv::Mat& face, int severity, CorruptionRng& rng) {
  if (corruption_detail::is_identity("colour_grey", face, severity)) return face.clone();
  const int cast = std::min(2, static_cast<int>(corruption_detail::uniform(rng, 0.0, 3.0)));  // warm, cool, green
  if (face.channels() == 3) {
    const double a = level({0.30, 0.50, 0.70, 0.85, 1.00}, severity);  // share of saturation removed
    cv::Mat grey, grey3, out;
    cv::cvtColor(face, grey, cv::COLOR_BGR2GRAY);
    cv::cvtColor(grey, grey3, cv::COLOR_GRAY2BGR);
    cv::addWeighted(face, 1.0 - a, grey3, a, 0.0, out);
    return out;
  }
  const double k = level({0.10, 0.20, 0.30, 0.40, 0.50}, severity);
  // Skin reflects more red than blue; the tint is scaled so that its grey (BT.601 weights, as
  // cv::cvtColor) is the original grey before the cast.
  const double tint[3] = {0.78, 0.92, 1.12};  // B, G, R
  const double luminance = 0.114 * tint[0] + 0.587 * tint[1] + 0.299 * tint[2];
  const double gains[3][3] = {{1 - k, 1.0, 1 + k},          // warm (tungsten)
                              {1 + k, 1.0, 1 - k},          // cool (daylight, a blue screen)
                              {1 - k, 1 + k, 1 - k}};       // green (fluorescent)
  cv::Mat colours(1, 256, CV_8UC3);
  for (int x = 0; x < 256; ++x)
    for (int c = 0; c < 3; ++c)
      colours.at<cv::Vec3b>(0, x)[c] = cv::saturate_cast<uint8_t>(x * tint[c] / luminance * gains[cast][c]);
  cv::Mat lut, out;
  cv::cvtColor(colours, lut, cv::COLOR_BGR2GRAY);
  cv::LUT(face, lut, out);
  return out;
}

}  // namespace ferkit::corruption
