// Output drawing alone: the box colour says whether a label is shown, bars appear under the box.
#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/live/overlay.h"

namespace ferkit {
namespace {

FrameResult one_face(int final_label) {
  FrameResult r;
  FaceResult f;
  f.track_id = 7;
  f.box = cv::Rect2f(60, 60, 80, 80);
  f.classified = true;
  f.smoothed.fill(0.0f);
  f.smoothed[kHappiness] = 1.0f;
  f.final_label = final_label;
  r.faces.push_back(f);
  return r;
}

TEST(Overlay, GreenBoxForALabelGreyForUnknownAndBars) {
  cv::Mat img(240, 240, CV_8UC3, cv::Scalar(0, 0, 0));
  draw_overlay(img, one_face(kHappiness), OverlayOptions{});
  cv::Vec3b edge = img.at<cv::Vec3b>(100, 60);  // left edge of the box
  EXPECT_GT(edge[1], 200);
  EXPECT_LT(edge[0], 100);
  // Happiness bar (second bar, full length) under the box; the neutral bar (first) stays short.
  const int bar_y = 60 + 80 + 3 + 1 * 6 + 2;
  EXPECT_GT(img.at<cv::Vec3b>(bar_y, 130)[1], 150);
  EXPECT_LT(img.at<cv::Vec3b>(60 + 80 + 3 + 2, 130)[1], 100);
  cv::Mat grey(240, 240, CV_8UC3, cv::Scalar(0, 0, 0));
  draw_overlay(grey, one_face(-1), OverlayOptions{}, "status line");
  cv::Vec3b g = grey.at<cv::Vec3b>(100, 60);
  EXPECT_EQ(g[0], g[1]);
  EXPECT_GT(g[0], 100);
  EXPECT_THROW(draw_overlay(grey = cv::Mat(10, 10, CV_8UC1), one_face(1), OverlayOptions{}), Error);
}

}  // namespace
}  // namespace ferkit
