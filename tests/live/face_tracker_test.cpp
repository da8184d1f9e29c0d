// Tracking alone: IoU association and track life on constructed detections; optical-flow box
// carrying on a constructed textured image moved by a known shift and zoom.
#include <gtest/gtest.h>

#include <random>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/live/face_tracker.h"

namespace ferkit {
namespace {

std::vector<Detection> dets(std::initializer_list<cv::Rect2f> boxes) {
  std::vector<Detection> d;
  for (const auto& b : boxes) d.push_back({b, 1.f});
  return d;
}

TrackerOptions no_flow(int detect_every = 1, int max_missed = 2) {
  TrackerOptions o;
  o.optical_flow = false;
  o.detect_every = detect_every;
  o.max_missed = max_missed;
  return o;
}

TEST(FaceTracker, StableIdsForTwoMovingFacesAndNewIdsForNewFaces) {
  FaceTracker t(no_flow());
  cv::Mat none;
  auto d0 = dets({{10, 10, 50, 50}, {200, 20, 60, 60}});
  t.update(none, &d0);
  ASSERT_EQ(t.tracks().size(), 2u);
  EXPECT_EQ(t.started(), (std::vector<int>{1, 2}));
  // Each face moves 5 px; the detector returns them in the opposite order.
  for (int step = 1; step <= 5; ++step) {
    float s = 5.f * step;
    auto d = dets({{200 + s, 20, 60, 60}, {10 + s, 10, 50, 50}});
    const auto& tr = t.update(none, &d);
    ASSERT_EQ(tr.size(), 2u);
    EXPECT_EQ(tr[0].id, 1);
    EXPECT_FLOAT_EQ(tr[0].box.x, 10 + s);
    EXPECT_EQ(tr[1].id, 2);
    EXPECT_FLOAT_EQ(tr[1].box.x, 200 + s);
    EXPECT_TRUE(t.started().empty());
  }
  // A third face far away gets ID 3.
  auto d = dets({{35, 10, 50, 50}, {225, 20, 60, 60}, {400, 300, 40, 40}});
  t.update(none, &d);
  EXPECT_EQ(t.started(), (std::vector<int>{3}));
  EXPECT_EQ(t.tracks().size(), 3u);
}

TEST(FaceTracker, TrackEndsAfterKMissedDetectionFramesAndIdsAreNotReused) {
  FaceTracker t(no_flow(1, 3));
  cv::Mat none;
  auto both = dets({{10, 10, 50, 50}, {200, 20, 60, 60}});
  auto one = dets({{10, 10, 50, 50}});
  t.update(none, &both);
  t.update(none, &one);  // track 2 missed 1
  EXPECT_EQ(t.tracks().size(), 2u);
  EXPECT_EQ(t.tracks()[1].missed, 1);
  t.update(none, &one);  // missed 2
  EXPECT_TRUE(t.ended().empty());
  t.update(none, &one);  // missed 3 = max_missed -> ends
  EXPECT_EQ(t.ended(), (std::vector<int>{2}));
  ASSERT_EQ(t.tracks().size(), 1u);
  EXPECT_EQ(t.tracks()[0].id, 1);
  // The face comes back: a new ID, not 2.
  t.update(none, &both);
  EXPECT_EQ(t.started(), (std::vector<int>{3}));
  // A re-detection resets the miss count.
  t.update(none, &one);
  t.update(none, &both);
  EXPECT_EQ(t.tracks()[1].missed, 0);
}

TEST(FaceTracker, DetectEveryNFramesAndNoDetectionKeepsTracks) {
  FaceTracker t(no_flow(3, 1));
  EXPECT_TRUE(t.wants_detection(0));
  EXPECT_FALSE(t.wants_detection(1));
  EXPECT_FALSE(t.wants_detection(2));
  EXPECT_TRUE(t.wants_detection(3));
  cv::Mat none;
  auto d = dets({{10, 10, 50, 50}});
  t.update(none, &d);
  t.update(none, nullptr);  // tracking-only frames never count a miss
  t.update(none, nullptr);
  EXPECT_EQ(t.tracks().size(), 1u);
  EXPECT_EQ(t.tracks()[0].missed, 0);
  EXPECT_FALSE(t.tracks()[0].detected);
  EXPECT_THROW(FaceTracker(no_flow(0)), Error);
}

TEST(FaceTracker, LowOverlapIsANewTrack) {
  FaceTracker t(no_flow());
  cv::Mat none;
  auto a = dets({{0, 0, 10, 10}});
  auto b = dets({{6, 0, 10, 10}});  // IoU 40 / 160 = 0.25 < 0.3
  t.update(none, &a);
  t.update(none, &b);
  EXPECT_EQ(t.started(), (std::vector<int>{2}));
}

// A smooth random texture, so that corners exist everywhere.
cv::Mat texture(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  cv::Mat small(h / 8, w / 8, CV_8UC1);
  for (int i = 0; i < small.rows * small.cols; ++i) small.data[i] = static_cast<uint8_t>(rng() % 256);
  cv::Mat big;
  cv::resize(small, big, cv::Size(w, h), 0, 0, cv::INTER_CUBIC);
  return big;
}

TEST(BoxFlow, FollowsAKnownShift) {
  cv::Mat a = texture(320, 240, 7);
  const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, 6, 0, 1, -4);  // +6 px right, 4 px up
  cv::Mat b;
  cv::warpAffine(a, b, shift, a.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  cv::Rect2f box(100, 80, 80, 80);
  ASSERT_TRUE(carry_box_by_flow(a, b, box, TrackerOptions{}));
  EXPECT_NEAR(box.x, 106, 0.5);
  EXPECT_NEAR(box.y, 76, 0.5);
  EXPECT_NEAR(box.width, 80, 1.0);
}

TEST(BoxFlow, FollowsAZoomAboutTheBoxCentre) {
  cv::Mat a = texture(320, 240, 11);
  // 8% zoom about (140, 120), the box centre.
  const cv::Mat zoom = cv::getRotationMatrix2D(cv::Point2f(140, 120), 0.0, 1.08);
  cv::Mat b;
  cv::warpAffine(a, b, zoom, a.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  cv::Rect2f box(100, 80, 80, 80);
  ASSERT_TRUE(carry_box_by_flow(a, b, box, TrackerOptions{}));
  EXPECT_NEAR(box.width, 80 * 1.08, 1.5);
  EXPECT_NEAR(box.x + box.width / 2, 140, 0.5);
  EXPECT_NEAR(box.y + box.height / 2, 120, 0.5);
}

TEST(BoxFlow, AFlatRegionHasNothingToFollow) {
  cv::Mat a(240, 320, CV_8UC1, cv::Scalar(128));
  cv::Rect2f box(100, 80, 80, 80);
  EXPECT_FALSE(carry_box_by_flow(a, a, box, TrackerOptions{}));
  EXPECT_FLOAT_EQ(box.x, 100);
}

TEST(FaceTracker, FlowCarriesABoxBetweenDetections) {
  TrackerOptions o;
  o.detect_every = 4;
  FaceTracker t(o);
  cv::Mat a = texture(320, 240, 3);
  auto d = dets({{100, 80, 80, 80}});
  t.update(a, &d);
  // Three tracking-only frames, each shifted 3 px further right.
  for (int k = 1; k <= 3; ++k) {
    const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, 3.0 * k, 0, 1, 0);
    cv::Mat b;
    cv::warpAffine(a, b, m, a.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
    t.update(b, nullptr);
  }
  ASSERT_EQ(t.tracks().size(), 1u);
  EXPECT_NEAR(t.tracks()[0].box.x, 109, 1.0);
  EXPECT_EQ(t.flow_failures(), 0);
}

}  // namespace
}  // namespace ferkit
