// The capture stage alone: image folders (order, timestamps, mirror, bad files), a video written
// here with cv::VideoWriter, and sources that do not open.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "ferkit/error.h"
#include "ferkit/live/frame_source.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

// A 64x48 image whose left half has gray level `value` and right half 255 - value.
cv::Mat half_image(int value) {
  cv::Mat m(48, 64, CV_8UC3, cv::Scalar(255 - value, 255 - value, 255 - value));
  m(cv::Rect(0, 0, 32, 48)).setTo(cv::Scalar(value, value, value));
  return m;
}

TEST(FrameSource, ImageFolderInNameOrderWithFolderFps) {
  test::TempDir dir("frames");
  // Written out of order; names sort 000, 001, 010.
  cv::imwrite((dir / "010.png").string(), half_image(30));
  cv::imwrite((dir / "000.png").string(), half_image(10));
  cv::imwrite((dir / "001.jpg").string(), half_image(20));
  test::write_text(dir / "notes.txt", "ignored: not an image\n");
  FrameSourceOptions o;
  o.source = dir.path().string();
  o.folder_fps = 4.0;
  FrameSource src(o);
  EXPECT_EQ(src.kind(), SourceKind::kImageFolder);
  Frame f;
  std::vector<int> lefts;
  std::vector<double> times;
  while (src.read(f)) {
    ASSERT_EQ(f.image.type(), CV_8UC3);
    lefts.push_back(f.image.at<cv::Vec3b>(10, 5)[0]);
    times.push_back(f.timestamp_s);
  }
  ASSERT_EQ(lefts.size(), 3u);
  EXPECT_NEAR(lefts[0], 10, 3);  // jpg is lossy
  EXPECT_NEAR(lefts[1], 20, 3);
  EXPECT_NEAR(lefts[2], 30, 3);
  EXPECT_EQ(times, (std::vector<double>{0.0, 0.25, 0.5}));
}

TEST(FrameSource, MirrorMaxFramesAndUndecodableImagesCounted) {
  test::TempDir dir("frames2");
  cv::imwrite((dir / "a.png").string(), half_image(10));
  test::write_text(dir / "b.png", "not a png");
  cv::imwrite((dir / "c.png").string(), half_image(40));
  cv::imwrite((dir / "d.png").string(), half_image(50));
  FrameSourceOptions o;
  o.source = dir.path().string();
  o.mirror = true;
  o.max_frames = 2;
  FrameSource src(o);
  Frame f;
  std::vector<int> lefts;
  while (src.read(f)) lefts.push_back(f.image.at<cv::Vec3b>(10, 5)[0]);
  // Mirrored: the left side shows 255 - value. b.png skipped; stops after 2 frames.
  EXPECT_EQ(lefts, (std::vector<int>{245, 215}));
  EXPECT_EQ(src.skipped(), 1);
}

TEST(FrameSource, VideoTimestampsComeFromItsFps) {
  test::TempDir dir("video");
  const auto file = dir / "clip.mp4";
  {
    cv::VideoWriter w(file.string(), cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 12.5, cv::Size(64, 48));
    ASSERT_TRUE(w.isOpened()) << "OpenCV cannot write mp4v here";
    for (int i = 0; i < 5; ++i) w.write(half_image(40 * i));
  }
  FrameSourceOptions o;
  o.source = file.string();
  FrameSource src(o);
  EXPECT_EQ(src.kind(), SourceKind::kVideo);
  EXPECT_NEAR(src.fps(), 12.5, 1e-6);
  Frame f;
  int n = 0;
  while (src.read(f)) {
    EXPECT_NEAR(f.timestamp_s, n / 12.5, 1e-9);
    EXPECT_EQ(f.index, n);
    EXPECT_NEAR(f.image.at<cv::Vec3b>(10, 5)[1], 40 * n, 12);
    ++n;
  }
  EXPECT_EQ(n, 5);
  EXPECT_NE(src.describe().find("64x48"), std::string::npos) << src.describe();
}

TEST(FrameSource, SourcesThatDoNotOpenSayWhy) {
  test::TempDir dir("badsrc");
  auto message = [](const std::string& source) {
    FrameSourceOptions o;
    o.source = source;
    try {
      FrameSource src(o);
      Frame f;
      src.read(f);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(message("97").find("camera 97"), std::string::npos) << message("97");
  EXPECT_NE(message((dir / "missing.mp4").string()).find("no such file"), std::string::npos);
  test::write_text(dir / "text.mp4", "this is not a video\n");
  const std::string m = message((dir / "text.mp4").string());
  EXPECT_NE(m.find("text.mp4"), std::string::npos) << m;
  EXPECT_EQ(m.find("(no error)"), std::string::npos) << m;
  std::filesystem::create_directories(dir / "empty");
  EXPECT_NE(message((dir / "empty").string()).find("no image files"), std::string::npos);
}

}  // namespace
}  // namespace ferkit
