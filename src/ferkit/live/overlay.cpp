// Output stage, drawing (ferkit/live/overlay.h).
#include "ferkit/live/overlay.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"

namespace ferkit {

void draw_overlay(cv::Mat& image, const FrameResult& result, const OverlayOptions& o, const std::string& status) {
  FERKIT_CHECK(!image.empty() && image.type() == CV_8UC3, "overlay: expected an 8-bit BGR frame");
  const int font = cv::FONT_HERSHEY_SIMPLEX;
  const cv::Scalar shown(60, 220, 60), unknown(170, 170, 170), bar_bg(40, 40, 40), bar_fg(0, 200, 255);
  for (const FaceResult& f : result.faces) {
    const bool has_label = f.final_label >= 0;
    const cv::Rect box(f.box);
    cv::rectangle(image, box, has_label ? shown : unknown, 2);
    char text[96];
    if (has_label)
      std::snprintf(text, sizeof text, "#%d %s %.2f", f.track_id, class_name(f.final_label).c_str(), f.smoothed[f.final_label]);
    else
      std::snprintf(text, sizeof text, "#%d unknown", f.track_id);
    int base = 0;
    const cv::Size ts = cv::getTextSize(text, font, o.font_scale, 1, &base);
    const cv::Point org(box.x, std::max(ts.height + 2, box.y - 4));
    cv::rectangle(image, cv::Rect(org.x, org.y - ts.height - 2, ts.width + 2, ts.height + base + 2), cv::Scalar(0, 0, 0), cv::FILLED);
    cv::putText(image, text, org + cv::Point(1, 0), font, o.font_scale, has_label ? shown : unknown, 1, cv::LINE_AA);
    if (!o.bars || !f.classified) continue;
    // One bar per class under the box: the smoothed probability, the shown class highlighted.
    const int bar_h = 5, bar_w = std::max(40, box.width);
    // Under the box, or inside its lower edge when the frame ends first.
    int top = box.y + box.height + 3;
    if (top + kNumClasses * (bar_h + 1) > image.rows) top = std::max(0, box.y + box.height - 3 - kNumClasses * (bar_h + 1));
    for (int k = 0; k < kNumClasses; ++k) {
      const cv::Rect bg(box.x, top + k * (bar_h + 1), bar_w, bar_h);
      cv::rectangle(image, bg, bar_bg, cv::FILLED);
      const int len = static_cast<int>(std::lround(bar_w * std::clamp(static_cast<double>(f.smoothed[k]), 0.0, 1.0)));
      if (len > 0) cv::rectangle(image, cv::Rect(bg.x, bg.y, len, bar_h), k == f.final_label ? shown : bar_fg, cv::FILLED);
    }
  }
  if (!status.empty()) {
    int base = 0;
    const cv::Size ts = cv::getTextSize(status, font, o.font_scale, 1, &base);
    cv::rectangle(image, cv::Rect(0, 0, ts.width + 8, ts.height + base + 6), cv::Scalar(0, 0, 0), cv::FILLED);
    cv::putText(image, status, cv::Point(4, ts.height + 3), font, o.font_scale, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
  }
}

}  // namespace ferkit
