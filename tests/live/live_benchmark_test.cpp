// `ferkit bench live` (ferkit/live/live_benchmark.h): the clip it writes, the rows it reports with a
// real (random-weight) checkpoint on both backends, and its errors. Timings themselves are not
// asserted (they belong to the benchmark), only the invariants that tie the columns together.
#include <gtest/gtest.h>

#include <opencv2/videoio.hpp>

#include "export/export_fixtures.h"
#include "ferkit/error.h"
#include "ferkit/live/face_detector.h"
#include "ferkit/live/frame_source.h"
#include "ferkit/live/live_benchmark.h"
#include "live/face_video.h"

namespace ferkit {
namespace {

class LiveBenchmark : public ::testing::Test {
 protected:
  void SetUp() override {
    ModelSpec spec;
    spec.architecture = "mobilenetv3_small_48";
    ckpt_ = test::random_checkpoint(dir_, "m", spec);
  }
  // A short run on the clip written from face-api's sample1.jpg, dlib without upsampling.
  LiveBenchmarkOptions short_run(int frames, int repeats) const {
    LiveBenchmarkOptions o;
    o.model = ckpt_;
    o.photo = test::face_api_photo(1);
    o.work_dir = dir_ / "work";
    o.clip_frames = frames;
    o.repeats = repeats;
    o.upsample = {0};
    return o;
  }
  test::TempDir dir_{"live-bench"};
  std::filesystem::path ckpt_;
};

TEST_F(LiveBenchmark, ClipIsWebcamSizedWithOneLargeFace) {
  FERKIT_REQUIRE_FACE_API();
  const auto clip = dir_ / "clip.mp4";
  write_webcam_bench_clip(test::face_api_photo(1), clip, 12);
  FrameSourceOptions o;
  o.source = clip.string();
  FrameSource src(o);
  Frame f;
  std::vector<cv::Mat> frames;
  while (src.read(f)) frames.push_back(f.image.clone());
  ASSERT_EQ(frames.size(), 12u);
  EXPECT_EQ(frames[0].cols, 640);
  EXPECT_EQ(frames[0].rows, 480);
  for (size_t i : {size_t(0), size_t(11)}) {
    auto faces = make_face_detector(FaceDetectorOptions{})->detect(frames[i]);
    ASSERT_EQ(faces.size(), 1u) << "frame " << i;
    EXPECT_GT(faces[0].box.width, 150) << "a webcam-distance face, frame " << i;
    EXPECT_LT(faces[0].box.width, 320) << "frame " << i;
  }
}

TEST_F(LiveBenchmark, RowsPerBackendAndUpsampleWithConsistentColumns) {
  FERKIT_REQUIRE_FACE_API();
  LiveBenchmarkOptions o = short_run(6, 3);
  o.threads = 1;
  o.backends = {"libtorch", "opencv"};
  const auto rows = run_live_benchmark(o);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].backend, "libtorch");
  EXPECT_EQ(rows[1].backend, "opencv");
  EXPECT_TRUE(std::filesystem::exists(dir_ / "work" / "m.onnx")) << "the checkpoint is exported for the opencv backend";
  for (const auto& r : rows) {
    EXPECT_EQ(r.frames, 6) << r.backend;
    EXPECT_EQ(r.faces, 6) << r.backend << ": one face classified per frame";
    EXPECT_EQ(r.upsample, 0);
    EXPECT_EQ(r.detect_every, 3);
    EXPECT_GT(r.fps, 0.0);
    EXPECT_LE(r.fps_min, r.fps);
    EXPECT_GE(r.fps_max, r.fps);
    EXPECT_GT(r.classify_ms, 0.0);
    EXPECT_NEAR(r.classify_ms_per_face * r.faces, r.classify_ms * r.frames, 1e-9 * (1 + r.classify_ms * r.frames));
    // The stages run inside a pass, so their sum cannot exceed the pass's wall time per frame.
    const double stages = r.detect_ms + r.track_ms + r.stabilize_ms + r.align_ms + r.enhance_ms + r.classify_ms + r.smooth_ms;
    EXPECT_LE(stages, 1000.0 / r.fps * 1.001) << r.backend;
    EXPECT_EQ(r.to_json()["ms_per_frame"]["classify"].get<double>(), r.classify_ms);
  }
  const std::string md = live_benchmark_markdown(rows);
  EXPECT_NE(md.find("| libtorch | 0 | 3 | no |"), std::string::npos) << md;
  EXPECT_NE(md.find("| opencv | 0 | 3 | no |"), std::string::npos) << md;
}

TEST_F(LiveBenchmark, BadInputIsAnErrorNamingIt) {
  LiveBenchmarkOptions o;
  o.model = ckpt_;
  o.source = dir_ / "missing.mp4";
  try {
    run_live_benchmark(o);
    FAIL() << "a missing video must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.mp4"), std::string::npos) << e.what();
  }
  o.source.clear();
  o.model = dir_ / "nothing.pt";
  EXPECT_THROW(run_live_benchmark(o), Error);
  o.model = ckpt_;
  o.repeats = 0;
  EXPECT_THROW(run_live_benchmark(o), Error);
  o.repeats = 1;
  o.upsample = {5};
  EXPECT_THROW(run_live_benchmark(o), Error);
  o.upsample = {0};
  o.photo = dir_ / "no-photo.jpg";
  try {
    run_live_benchmark(o);
    FAIL() << "a missing photo must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no-photo.jpg"), std::string::npos) << e.what();
  }
}

TEST_F(LiveBenchmark, UnknownBackendIsRefused) {
  FERKIT_REQUIRE_FACE_API();
  LiveBenchmarkOptions o = short_run(2, 1);
  o.backends = {"tensorrt"};
  try {
    run_live_benchmark(o);
    FAIL() << "an unknown backend must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("libtorch or opencv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tensorrt"), std::string::npos) << e.what();
  }
}

TEST_F(LiveBenchmark, CliPrintsTheTableAndWritesJson) {
  FERKIT_REQUIRE_FACE_API();
  auto r = test::run_cli({"bench", "live", "--model", ckpt_.string(), "--photo", test::face_api_photo(1).string(), "--frames", "4",
                          "--repeats", "1", "--threads", "1", "--upsample", "0", "--backends", "libtorch", "--tta", "--work-dir",
                          (dir_ / "w").string(), "--json", (dir_ / "rows.json").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("| libtorch | 0 | 3 | no |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| libtorch | 0 | 3 | flip |"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(test::read_text(dir_ / "rows.json"));
  ASSERT_EQ(j.size(), 2u) << "one row without and one with TTA";
  EXPECT_EQ(j[0]["frames"], 4);
  EXPECT_EQ(j[0]["tta"], false);
  EXPECT_EQ(j[1]["tta"], true);
  auto bad = test::run_cli({"bench", "live", "--model", (dir_ / "none.pt").string()});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("none.pt"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ferkit
