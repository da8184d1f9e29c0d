// Transition-fair scoring on constructed logs whose answers are computed by hand in the comments.
#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/live/frame_log.h"
#include "ferkit/live/transition_scorer.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

FrameLogRow row(int64_t frame, double t, int track, int final_label, bool classified = true) {
  FrameLogRow r;
  r.frame = frame;
  r.timestamp_s = t;
  r.track = track;
  r.has_box = track >= 0;
  r.has_probs = classified && track >= 0;
  r.final_label = final_label;
  r.smoothed_label = final_label;
  r.unknown = final_label < 0;
  return r;
}

// 40 frames at 10 fps, one track. Truth: neutral from 0.0 s, happiness from 2.0 s.
// Display: unknown f0-3, neutral f4-24 (late switch), happiness f25-39 except a surprise blip at f30.
std::vector<FrameLogRow> two_segment_log() {
  std::vector<FrameLogRow> rows;
  for (int f = 0; f < 40; ++f) {
    int shown = f < 4 ? -1 : f < 25 ? kNeutral : f == 30 ? kSurprise : kHappiness;
    rows.push_back(row(f, 0.1 * f, 1, shown));
  }
  return rows;
}

const std::vector<OperatorLabel> kTwoLabels = {{0.0, kNeutral}, {2.0, kHappiness}};

TEST(TransitionScorer, HandComputedTwoSegments) {
  ScoreReport r = score_live_log(two_segment_log(), kTwoLabels, ScoreOptions{});
  // Scored from start + 0.25 + 0.5: segment 1 frames 8-19 (12), segment 2 frames 28-39 (12).
  EXPECT_EQ(r.frames, 40);
  EXPECT_EQ(r.track, 1);
  EXPECT_EQ(r.segments, 2);
  EXPECT_EQ(r.segments_dropped_short, 0);
  EXPECT_EQ(r.frames_in_segments, 40);
  EXPECT_EQ(r.frames_excluded_settling, 16);
  EXPECT_EQ(r.frames_scored, 24);
  // 12 neutral right + 11 happiness right (f30 is surprise).
  EXPECT_EQ(r.correct, 23);
  EXPECT_DOUBLE_EQ(r.accuracy, 23.0 / 24.0);
  EXPECT_DOUBLE_EQ(r.unknown_rate, 0.0);
  // F1 neutral = 1; happiness: TP 11, FN 1, FP 0 -> 22/23; surprise is not a true label: not averaged.
  ASSERT_TRUE(r.f1[kNeutral] && r.f1[kHappiness]);
  EXPECT_DOUBLE_EQ(*r.f1[kNeutral], 1.0);
  EXPECT_NEAR(*r.f1[kHappiness], 22.0 / 23.0, 1e-12);
  EXPECT_FALSE(r.f1[kSurprise]);
  EXPECT_NEAR(r.macro_f1, (1.0 + 22.0 / 23.0) / 2.0, 1e-12);
  // Jitter: 2 changes (f29->f30->f31) over (1.9 - 0.8) + (3.9 - 2.8) = 2.2 s.
  EXPECT_EQ(r.label_changes, 2);
  EXPECT_NEAR(r.scored_minutes, 2.2 / 60.0, 1e-9);
  EXPECT_NEAR(r.jitter_per_min, 2.0 / (2.2 / 60.0), 1e-6);
  // Lock: segment 1 from f4 (0.4 s, holds to f19); segment 2: f25-29 holds only 0.4 s, f31-39
  // holds 0.8 s -> 3.1 - 2.0 = 1.1 s. Median of {0.4, 1.1} = 0.75.
  ASSERT_EQ(r.time_to_lock_s.size(), 2u);
  EXPECT_NEAR(*r.time_to_lock_s[0], 0.4, 1e-9);
  EXPECT_NEAR(*r.time_to_lock_s[1], 1.1, 1e-9);
  ASSERT_TRUE(r.median_time_to_lock_s);
  EXPECT_NEAR(*r.median_time_to_lock_s, 0.75, 1e-9);
  EXPECT_EQ(r.segments_never_locked, 0);
}

TEST(TransitionScorer, ParametersChangeTheAnswerAsDefined) {
  ScoreOptions o;
  o.settle_s = 0.0;
  o.grace_s = 0.0;
  o.lock_s = 0.3;
  ScoreReport r = score_live_log(two_segment_log(), kTwoLabels, o);
  // Everything scored: wrong are f0-3 (unknown), f20-24 (neutral for happiness), f30.
  EXPECT_EQ(r.frames_scored, 40);
  EXPECT_EQ(r.correct, 40 - 4 - 5 - 1);
  EXPECT_EQ(r.unknown, 4);
  EXPECT_DOUBLE_EQ(r.unknown_rate, 0.1);
  // lock 0.3: segment 2 locks at f25 (f25-29 spans 0.4 s) -> 0.5 s.
  EXPECT_NEAR(*r.time_to_lock_s[1], 0.5, 1e-9);
  // Changes between consecutive frames of one segment: f3->f4 (unknown->neutral), f24->f25
  // (neutral->happiness, inside the happiness segment), f29->f30, f30->f31 = 4.
  EXPECT_EQ(r.label_changes, 4);
}

TEST(TransitionScorer, ShortSegmentsMissingFacesAndNeverLocked) {
  // 20 frames at 10 fps. Track 2: anger f0-4, then gated (unknown, still classified) f5-9, then gone.
  // Track 3: only f0-2. Frames 10-19: no face (track -1 rows).
  std::vector<FrameLogRow> rows;
  for (int f = 0; f < 20; ++f) {
    if (f < 10) rows.push_back(row(f, 0.1 * f, 2, f < 5 ? kAnger : -1));
    else rows.push_back(row(f, 0.1 * f, -1, -1, false));
    if (f < 3) rows.push_back(row(f, 0.1 * f, 3, kHappiness));
  }
  // Segments: anger [0, 0.3) 0.3 s and fear [0.3, 0.7) 0.4 s are dropped (< 0.6 s);
  // anger [0.7, 1.9] (last, 1.2 s) is kept.
  std::vector<OperatorLabel> labels = {{0.0, kAnger}, {0.3, kFear}, {0.7, kAnger}};
  ScoreOptions o;
  o.grace_s = 0.0;
  ScoreReport r = score_live_log(rows, labels, o);
  EXPECT_EQ(r.track, 2);  // 10 classified rows vs 3
  EXPECT_EQ(r.segments, 1);
  EXPECT_EQ(r.segments_dropped_short, 2);
  EXPECT_EQ(r.frames_in_segments, 13);        // f7-19
  EXPECT_EQ(r.frames_excluded_settling, 3);   // f7-9 (< 0.95 s)
  EXPECT_EQ(r.frames_scored, 10);             // f10-19, all without the track -> unknown
  EXPECT_EQ(r.correct, 0);
  EXPECT_DOUBLE_EQ(r.unknown_rate, 1.0);
  EXPECT_DOUBLE_EQ(r.macro_f1, 0.0);
  EXPECT_EQ(r.segments_never_locked, 1);
  EXPECT_FALSE(r.median_time_to_lock_s);
  EXPECT_EQ(r.label_changes, 0);
  // Choosing track 3 explicitly: it has no row in the kept segment either.
  o.track = 3;
  EXPECT_EQ(score_live_log(rows, labels, o).correct, 0);
}

TEST(TransitionScorer, ClearedLabelEndsASegmentAndNoneIsNotScored) {
  std::vector<OperatorLabel> labels = {{0.0, kNeutral}, {1.0, -1}, {3.0, kHappiness}};
  ScoreReport r = score_live_log(two_segment_log(), labels, ScoreOptions{});
  // neutral [0, 1.0): frames 0-9, scored 8-9 (2, both neutral). "none" [1.0, 3.0) is not a segment.
  // happiness [3.0, 3.9]: 0.9 s kept, scored from 3.75: f38-39 (2, happiness).
  EXPECT_EQ(r.segments, 2);
  EXPECT_EQ(r.frames_scored, 4);
  EXPECT_EQ(r.correct, 4);
  EXPECT_EQ(r.frames_in_segments, 10 + 10);
}

TEST(TransitionScorer, ErrorsNameTheProblem) {
  EXPECT_THROW(score_live_log({}, kTwoLabels, ScoreOptions{}), Error);
  auto rows = two_segment_log();
  rows[5].timestamp_s = 0.05;  // earlier than frame 4
  try {
    score_live_log(rows, kTwoLabels, ScoreOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("frame 5"), std::string::npos) << e.what();
  }
  ScoreOptions bad;
  bad.lock_s = -1;
  EXPECT_THROW(score_live_log(two_segment_log(), kTwoLabels, bad), Error);
}

TEST(ScoreCommand, WritesTheSameNumbersAsJson) {
  test::TempDir dir("score");
  {
    FrameLogWriter w(dir / "frames.csv");
    for (const auto& r : two_segment_log()) w.write(r);
  }
  test::write_text(dir / "events.csv",
                   "timestamp,frame,track,event,label,previous\n"
                   "0.0,0,,true_label,neutral,\n"
                   "1.0,10,1,label_change,neutral,unknown\n"
                   "2.0,20,,true_label,happy,\n");
  auto res = test::run_cli({"score", "--log", (dir / "frames.csv").string(), "--labels", (dir / "events.csv").string(),
                            "--out", (dir / "score.json").string()});
  ASSERT_EQ(res.status, 0) << res.err;
  auto j = nlohmann::json::parse(res.out);
  EXPECT_EQ(j["frames_scored"], 24);
  EXPECT_NEAR(j["accuracy"].get<double>(), 23.0 / 24.0, 1e-12);
  EXPECT_NEAR(j["median_time_to_lock_s"].get<double>(), 0.75, 1e-6);
  EXPECT_EQ(nlohmann::json::parse(test::read_text(dir / "score.json")), j);
  // A flag and --set change the definition: no settling, no grace -> 40 scored frames.
  res = test::run_cli({"score", "--log", (dir / "frames.csv").string(), "--labels", (dir / "events.csv").string(),
                       "--settle-s", "0", "--set", "grace_s=0"});
  ASSERT_EQ(res.status, 0) << res.err;
  EXPECT_EQ(nlohmann::json::parse(res.out)["frames_scored"], 40);
}

TEST(ScoreCommand, BadLabelNamesFileAndLine) {
  test::TempDir dir("score-bad");
  {
    FrameLogWriter w(dir / "frames.csv");
    for (const auto& r : two_segment_log()) w.write(r);
  }
  test::write_text(dir / "events.csv", "timestamp,event,label\n0.0,true_label,neutral\n2.0,true_label,joyful\n");
  auto res = test::run_cli({"score", "--log", (dir / "frames.csv").string(), "--labels", (dir / "events.csv").string()});
  EXPECT_EQ(res.status, 1);
  EXPECT_NE(res.err.find("events.csv:3"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("joyful"), std::string::npos) << res.err;
  res = test::run_cli({"score", "--help"});
  EXPECT_NE(res.out.find("Examples:"), std::string::npos) << res.out;
}

}  // namespace
}  // namespace ferkit
