// The chain end to end: a pan-and-zoom clip of real faces through the headless live run, and the
// pipeline's behaviour when faces vanish.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>

#include "face_video.h"
#include "fake_classifier.h"
#include "ferkit/error.h"
#include "ferkit/live/frame_log.h"
#include "ferkit/live/live_session.h"
#include "ferkit/live/scripted_classifier.h"
#include "ferkit/options.h"

namespace ferkit {
namespace {

ScriptedClassifier happy_classifier() {
  return ScriptedClassifier({{0.1f, 0.7f, 0.05f, 0.05f, 0.04f, 0.03f, 0.02f, 0.01f}});
}

TEST(LivePipeline, EveryFaceOfAPanZoomClipKeepsOneTrackId) {
  FERKIT_REQUIRE_FACE_API();
  test::TempDir dir("panzoom");
  auto clip = test::write_pan_zoom_clip(dir / "clip.mp4");
  ASSERT_EQ(clip.faces.size(), 30u) << "OpenCV could not write " << clip.file;
  LiveOptions o;
  o.capture.source = clip.file.string();
  o.output.headless = true;
  o.output.frame_log = (dir / "frames.csv").string();
  o.output.events = (dir / "events.csv").string();
  auto clf = happy_classifier();
  LiveSummary s = run_live(o, clf);
  EXPECT_EQ(s.frames, 30);
  EXPECT_EQ(s.detection_frames, 10);  // every 3rd frame
  EXPECT_FALSE(s.interrupted);

  auto rows = read_frame_log(dir / "frames.csv");
  std::map<int, std::set<int>> ids_of_face;  // face -> track IDs whose box matches it
  std::map<int, int> frames_matched;
  std::set<int> all_ids;
  for (const auto& r : rows) {
    if (r.track < 0) continue;
    all_ids.insert(r.track);
    const cv::Rect2f box(r.x, r.y, r.w, r.h);
    for (size_t f = 0; f < clip.faces[r.frame].size(); ++f)
      if (box_iou(box, clip.faces[r.frame][f]) >= 0.3) {
        ids_of_face[static_cast<int>(f)].insert(r.track);
        ++frames_matched[static_cast<int>(f)];
      }
  }
  for (int f = 0; f < 3; ++f) {
    EXPECT_EQ(ids_of_face[f].size(), 1u) << "face " << f << " changed track ID";
    EXPECT_GE(frames_matched[f], 27) << "face " << f << " tracked in too few of 30 frames";
  }
  EXPECT_EQ(all_ids.size(), 3u) << "one track per face, no spurious tracks";
  // Three faces, three different IDs.
  std::set<int> distinct;
  for (auto& [f, ids] : ids_of_face) distinct.insert(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), 3u);
  // The scripted probabilities (happiness 0.7) come through smoothing and the gate.
  int happy = 0;
  for (const auto& r : rows)
    if (r.track >= 0 && r.has_probs) {
      EXPECT_NEAR(r.probs[kHappiness], 0.7, 1e-5);
      happy += r.final_label == kHappiness;
    }
  EXPECT_GT(happy, 0);
  // Classification was batched: one call per frame with faces.
  EXPECT_EQ(clf.calls(), s.frames_with_face);
  auto events = read_events(dir / "events.csv");
  int starts = 0;
  for (const auto& e : events) starts += e.event == "track_start";
  EXPECT_EQ(starts, 3);
}

TEST(LivePipeline, AFaceThatVanishesGoesUnknownThenItsTrackEnds) {
  FERKIT_REQUIRE_FACE_API();
  cv::Mat photo = cv::imread(test::face_api_photo(3).string());
  cv::resize(photo, photo, cv::Size(640, photo.rows * 640 / photo.cols), 0, 0, cv::INTER_AREA);
  cv::Mat face_frame = photo(cv::Rect(120, 40, 240, 180)).clone();  // the left woman only
  cv::Mat blank(face_frame.size(), CV_8UC3, cv::Scalar(90, 90, 90));
  LivePipelineOptions o;
  o.track.detect_every = 2;
  o.track.max_missed = 2;
  test::MeanIntensityClassifier clf;
  LivePipeline pipe(o, clf);
  Frame f;
  f.image = face_frame;
  FrameResult r = pipe.process(f);  // frame 0: detection
  ASSERT_EQ(r.faces.size(), 1u);
  EXPECT_EQ(r.started, (std::vector<int>{1}));
  EXPECT_TRUE(r.faces[0].classified);
  // Frames 1-5 blank: frame 2 is the first miss (unknown, not classified), frame 4 the second:
  // the track ends there.
  std::vector<size_t> faces;
  std::vector<int> ended_at;
  for (int i = 1; i <= 5; ++i) {
    f.index = i;
    f.timestamp_s = i / 10.0;
    f.image = blank;
    r = pipe.process(f);
    faces.push_back(r.faces.size());
    if (!r.ended.empty()) ended_at.push_back(i);
    for (const auto& face : r.faces) {
      if (i >= 2) {
        EXPECT_FALSE(face.classified) << "frame " << i;
        EXPECT_EQ(face.final_label, kNoLabel) << "frame " << i;
      }
    }
  }
  EXPECT_EQ(faces, (std::vector<size_t>{1, 1, 1, 0, 0}));
  EXPECT_EQ(ended_at, (std::vector<int>{4}));
  EXPECT_EQ(clf.batch_sizes, (std::vector<int>{1, 1}));  // frames 0 and 1 (flow-carried, not yet missed)
}

TEST(LivePipeline, EnhancementFollowsHowTheModelWasTrained) {
  // CLAHE on faces the model never saw with CLAHE is a train/serve skew: by default the stage runs
  // only for a model trained with it; follow_model = false or enabled = false override that.
  LivePipelineOptions o;
  o.align.enabled = false;
  test::MeanIntensityClassifier plain;
  EXPECT_FALSE(LivePipeline(o, plain).options().enhance.enabled);
  test::MeanIntensityClassifier with_clahe;
  with_clahe.info_.trained_with_clahe = true;
  EXPECT_TRUE(LivePipeline(o, with_clahe).options().enhance.enabled);
  o.enhance.follow_model = false;
  EXPECT_TRUE(LivePipeline(o, plain).options().enhance.enabled);
  o.enhance.enabled = false;
  EXPECT_FALSE(LivePipeline(o, with_clahe).options().enhance.enabled);
}

TEST(LivePipeline, NoFaceAtAllIsNotAnError) {
  LivePipelineOptions o;
  o.align.enabled = false;
  auto clf = happy_classifier();
  LivePipeline pipe(o, clf);
  Frame f;
  f.image = cv::Mat(120, 160, CV_8UC3, cv::Scalar(10, 200, 30));
  for (int i = 0; i < 4; ++i) {
    f.index = i;
    FrameResult r = pipe.process(f);
    EXPECT_TRUE(r.faces.empty());
  }
  EXPECT_EQ(clf.calls(), 0);
  EXPECT_EQ(pipe.times().frames, 4);
  EXPECT_THROW(pipe.process(Frame{}), Error);  // an empty image is a caller error, named
}

TEST(LivePipeline, LiveAdjustmentsReachTracksInFlight) {
  FERKIT_REQUIRE_FACE_API();
  cv::Mat photo = cv::imread(test::face_api_photo(3).string());
  cv::resize(photo, photo, cv::Size(640, photo.rows * 640 / photo.cols), 0, 0, cv::INTER_AREA);
  LivePipelineOptions o;
  o.align.enabled = false;
  o.vote.window_s = 0;  // no vote: the label shows from the first frame
  auto clf = happy_classifier();
  LivePipeline pipe(o, clf);
  Frame f;
  f.image = photo(cv::Rect(120, 40, 240, 180)).clone();
  FrameResult r = pipe.process(f);
  ASSERT_EQ(r.faces.size(), 1u);
  EXPECT_EQ(r.faces[0].final_label, kHappiness);  // 0.7 >= 0.40
  pipe.set_min_probability(0.9);                  // the hotkey path: the same track is now gated
  f.index = 1;
  r = pipe.process(f);
  ASSERT_EQ(r.faces.size(), 1u);
  EXPECT_EQ(r.faces[0].smoothed_label, kHappiness);
  EXPECT_EQ(r.faces[0].final_label, kNoLabel);
  pipe.set_alpha(0.3);
  pipe.set_delta(0.05);
  EXPECT_DOUBLE_EQ(pipe.alpha(), 0.3);
  EXPECT_DOUBLE_EQ(pipe.delta(), 0.05);
  EXPECT_THROW(pipe.set_alpha(0.0), Error);
  EXPECT_THROW(pipe.set_min_probability(1.5), Error);
  EXPECT_DOUBLE_EQ(pipe.alpha(), 0.3);  // a rejected value changes nothing
}

// Raises SIGINT from inside the run (as Ctrl-C would) on its Nth call.
class InterruptingClassifier : public ScriptedClassifier {
 public:
  explicit InterruptingClassifier(int at) : ScriptedClassifier({{0.1f, 0.7f, 0.05f, 0.05f, 0.04f, 0.03f, 0.02f, 0.01f}}), at_(at) {}
  std::vector<ClassLogits> logits(const std::vector<cv::Mat>& faces) override {
    if (++n_ == at_) std::raise(SIGINT);
    return ScriptedClassifier::logits(faces);
  }

 private:
  int at_, n_ = 0;
};

TEST(LiveSession, CtrlCEndsTheRunCleanlyWithLogsFlushed) {
  FERKIT_REQUIRE_FACE_API();
  test::TempDir dir("sigint");
  auto clip = test::write_pan_zoom_clip(dir / "clip.mp4", 12);
  ASSERT_EQ(clip.faces.size(), 12u);
  LiveOptions o;
  o.capture.source = clip.file.string();
  o.output.headless = true;
  o.output.frame_log = (dir / "frames.csv").string();
  o.output.events = (dir / "events.csv").string();
  o.pipeline.align.enabled = false;
  InterruptingClassifier clf(5);
  auto before = std::signal(SIGINT, SIG_IGN);
  LiveSummary s = run_live(o, clf);
  auto after = std::signal(SIGINT, before);
  EXPECT_EQ(after, SIG_IGN) << "run_live must restore the previous SIGINT handler";
  EXPECT_TRUE(s.interrupted);
  EXPECT_EQ(s.frames, 5);  // the frame in progress finishes, then the loop ends
  auto rows = read_frame_log(dir / "frames.csv");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().frame, 4);
  EXPECT_FALSE(read_events(dir / "events.csv").empty());
}

TEST(LiveSession, OperatorKeysMapToTheTaxonomy) {
  EXPECT_EQ(operator_label_for_key('1'), kNeutral);
  EXPECT_EQ(operator_label_for_key('2'), kHappiness);
  EXPECT_EQ(operator_label_for_key('3'), kSurprise);
  EXPECT_EQ(operator_label_for_key('4'), kSadness);
  EXPECT_EQ(operator_label_for_key('5'), kAnger);
  EXPECT_EQ(operator_label_for_key('6'), kDisgust);
  EXPECT_EQ(operator_label_for_key('7'), kFear);
  EXPECT_EQ(operator_label_for_key('8'), kContempt);
  EXPECT_EQ(operator_label_for_key('0'), -1);
  EXPECT_EQ(operator_label_for_key('9'), kNoKey);
  EXPECT_EQ(operator_label_for_key('q'), kNoKey);
}

TEST(LiveSession, ShippedConfigListsTheDefaults) {
  // configs/live.toml documents every option at its default: it must load and agree with the code.
  LiveOptions o = load_live_options(std::filesystem::path(FERKIT_SOURCE_DIR) / "configs" / "live.toml", {});
  EXPECT_EQ(to_json(o), to_json(LiveOptions{}));
}

TEST(LiveSession, OptionsFromTomlAndOverridesWithUnknownKeysNamed) {
  test::TempDir dir("liveopts");
  test::write_text(dir / "live.toml",
                   "backend = \"scripted\"\n[ema]\nalpha = 0.5\n[track]\ndetect_every = 5\n[gate]\nmin_probability = 0.3\n");
  LiveOptions o = load_live_options(dir / "live.toml", {"ema.alpha=0.8", "vote.window_s=1.0"});
  EXPECT_EQ(o.backend, "scripted");
  EXPECT_DOUBLE_EQ(o.pipeline.ema.alpha, 0.8);  // override wins over the file
  EXPECT_EQ(o.pipeline.track.detect_every, 5);
  EXPECT_DOUBLE_EQ(o.pipeline.gate.min_probability, 0.3);
  EXPECT_DOUBLE_EQ(o.pipeline.vote.window_s, 1.0);
  EXPECT_DOUBLE_EQ(o.pipeline.hysteresis.delta, 0.20);  // default kept
  try {
    load_live_options("", {"hysteresis.detla=0.1"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'live.hysteresis.delta'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
