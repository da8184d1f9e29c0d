// Box stabilisation alone: per-track median and the square crop region, against hand computation.
#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/live/box_stabilizer.h"

namespace ferkit {
namespace {

TEST(BoxStabilizer, MedianOfTheLastFiveBoxesRejectsAnOutlier) {
  BoxStabilizer s(BoxStabilizerOptions{});
  // Centres x: 50, 52, 54, 200 (outlier), 56 -> median 54; widths 20, 20, 22, 80, 22 -> 22.
  s.update(1, {40, 40, 20, 20});
  s.update(1, {42, 40, 20, 20});
  s.update(1, {43, 40, 22, 20});
  s.update(1, {160, 40, 80, 20});
  cv::Rect2f b = s.update(1, {45, 40, 22, 20});
  EXPECT_FLOAT_EQ(b.width, 22.f);
  EXPECT_FLOAT_EQ(b.x + b.width / 2, 54.f);
  EXPECT_FLOAT_EQ(b.height, 20.f);
  // A sixth box pushes the first out: centres 52, 54, 200, 56, 58 -> 56.
  b = s.update(1, {47, 40, 22, 20});
  EXPECT_FLOAT_EQ(b.x + b.width / 2, 56.f);
}

TEST(BoxStabilizer, TracksAreIndependentAndForgotten) {
  BoxStabilizer s(BoxStabilizerOptions{});
  s.update(1, {0, 0, 10, 10});
  cv::Rect2f b = s.update(2, {100, 100, 30, 30});
  EXPECT_FLOAT_EQ(b.x, 100.f);  // first box of track 2: itself
  EXPECT_EQ(s.tracks(), 2u);
  s.forget(1);
  EXPECT_EQ(s.tracks(), 1u);
  // An even count (2 boxes) takes the mean of the middle two.
  b = s.update(2, {110, 100, 30, 30});
  EXPECT_FLOAT_EQ(b.x, 105.f);
  EXPECT_THROW(BoxStabilizer(BoxStabilizerOptions{0, 0.3}), Error);
}

TEST(SquareRoi, MarginSquaresAndClips) {
  // 40x60 box at (100, 100): centre (120, 130); side = 1.3 * 60 = 78 -> x 81, y 91.
  cv::Rect r = square_roi({100, 100, 40, 60}, 0.30, cv::Size(640, 480));
  EXPECT_EQ(r, cv::Rect(81, 91, 78, 78));
  // Margin 0: the square of the longer side.
  EXPECT_EQ(square_roi({10, 10, 20, 10}, 0.0, cv::Size(640, 480)), cv::Rect(10, 5, 20, 20));
  // Near the corner: clipped to the frame, no longer square.
  r = square_roi({0, 0, 40, 40}, 0.5, cv::Size(640, 480));  // side 60 at (-10, -10)
  EXPECT_EQ(r, cv::Rect(0, 0, 50, 50));
  EXPECT_TRUE(square_roi({700, 500, 20, 20}, 0.3, cv::Size(640, 480)).empty());
}

}  // namespace
}  // namespace ferkit
