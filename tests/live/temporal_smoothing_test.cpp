// EMA, window vote, hysteresis and the unknown gate, each alone, on hand-computed sequences.
#include <algorithm>

#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/live/ema_smoother.h"
#include "ferkit/live/label_hysteresis.h"
#include "ferkit/live/label_vote.h"
#include "ferkit/live/unknown_gate.h"

namespace ferkit {
namespace {

ClassProbs one_hot(int k) {
  ClassProbs p{};
  p[k] = 1.f;
  return p;
}

TEST(EmaSmoother, AlphaWeighsTheNewFrame) {
  EmaSmoother ema(EmaOptions{0.65});
  EXPECT_FLOAT_EQ(ema.update(one_hot(kNeutral))[kNeutral], 1.0f);  // first frame: raw
  // p1 = 0.65 * happy + 0.35 * neutral
  ClassProbs p = ema.update(one_hot(kHappiness));
  EXPECT_NEAR(p[kHappiness], 0.65, 1e-6);
  EXPECT_NEAR(p[kNeutral], 0.35, 1e-6);
  // p2 = 0.65 * happy + 0.35 * p1 -> happy 0.65 + 0.2275 = 0.8775, neutral 0.1225
  p = ema.update(one_hot(kHappiness));
  EXPECT_NEAR(p[kHappiness], 0.8775, 1e-6);
  EXPECT_NEAR(p[kNeutral], 0.1225, 1e-6);
  float sum = 0;
  for (float v : p) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-6);
}

TEST(EmaSmoother, AlphaOneIsTheRawSignalAndBadAlphaIsAnError) {
  EmaSmoother ema(EmaOptions{1.0});
  ema.update(one_hot(kFear));
  EXPECT_FLOAT_EQ(ema.update(one_hot(kAnger))[kAnger], 1.0f);
  EXPECT_THROW(EmaSmoother(EmaOptions{0.0}), Error);
  EXPECT_THROW(EmaSmoother(EmaOptions{1.5}), Error);
}

TEST(LabelVote, MajorityInWindowWithMinimumCount) {
  LabelVote v(VoteOptions{0.5, 3});
  EXPECT_EQ(v.update(0.0, kHappiness), kNoLabel);  // 1 vote < 3
  EXPECT_EQ(v.update(0.1, kHappiness), kNoLabel);
  EXPECT_EQ(v.update(0.2, kHappiness), kHappiness);  // 3 votes
  EXPECT_EQ(v.update(0.3, kSadness), kHappiness);     // 3 vs 1
  EXPECT_EQ(v.update(0.4, kSadness), kHappiness);     // 3 vs 2
  // t = 0.5: window (0.0, 0.5] drops t = 0.0 -> happy 2 (0.1, 0.2), sad 3 (0.3, 0.4, 0.5)
  EXPECT_EQ(v.update(0.5, kSadness), kSadness);
  EXPECT_EQ(v.size(), 5u);
  // t = 2.0: everything older than 1.5 is gone -> 1 vote only
  EXPECT_EQ(v.update(2.0, kFear), kNoLabel);
  EXPECT_EQ(v.size(), 1u);
}

TEST(LabelVote, TieGoesToTheMostRecentAndZeroWindowPassesThrough) {
  LabelVote v(VoteOptions{1.0, 1});
  v.update(0.0, kAnger);
  EXPECT_EQ(v.update(0.1, kFear), kFear);  // 1 : 1, fear voted last
  EXPECT_EQ(v.update(0.2, kAnger), kAnger);
  LabelVote off(VoteOptions{0.0, 3});
  EXPECT_EQ(off.update(0.0, kContempt), kContempt);
  EXPECT_THROW(v.update(0.1, kFear), Error);  // time went backwards
}

TEST(LabelHysteresis, SwitchesOnlyWhenTheMarginExceedsDelta) {
  LabelHysteresis h(HysteresisOptions{0.20});
  ClassProbs p{};
  p[kNeutral] = 0.6f;
  p[kHappiness] = 0.3f;
  EXPECT_EQ(h.update(kNeutral, p), kNeutral);  // first label is taken
  p[kNeutral] = 0.40f;
  p[kHappiness] = 0.55f;                       // 0.55 - 0.40 = 0.15 <= 0.20: stay
  EXPECT_EQ(h.update(kHappiness, p), kNeutral);
  p[kNeutral] = 0.30f;
  p[kHappiness] = 0.55f;                       // 0.25 > 0.20: switch
  EXPECT_EQ(h.update(kHappiness, p), kHappiness);
  EXPECT_EQ(h.update(kNoLabel, p), kHappiness);  // no candidate: keep
  LabelHysteresis none(HysteresisOptions{0.0});
  none.update(kNeutral, p);
  EXPECT_EQ(none.update(kHappiness, p), kHappiness);  // delta 0: any strict gain switches
}

TEST(UnknownGate, GlobalAndPerClassThresholds) {
  UnknownGateOptions o;
  o.min_probability = 0.40;
  ClassProbs p{};
  p[kHappiness] = 0.45f;
  p[kFear] = 0.45f;
  {
    UnknownGate g(o);
    EXPECT_EQ(g.apply(kHappiness, p), kHappiness);
    EXPECT_EQ(g.apply(kNoLabel, p), kNoLabel);  // no face / no label: unknown
    p[kSadness] = 0.39f;
    EXPECT_EQ(g.apply(kSadness, p), kNoLabel);
  }
  // Sidecar thresholds: fear needs 0.6 -> unknown; happiness 0.3 < global 0.4 -> global applies.
  std::vector<double> sidecar = {0.5, 0.3, 0.5, 0.5, 0.5, 0.5, 0.6, 0.5};
  UnknownGate g(o, sidecar);
  EXPECT_EQ(g.apply(kFear, p), kNoLabel);
  EXPECT_EQ(g.apply(kHappiness, p), kHappiness);
  EXPECT_DOUBLE_EQ(g.threshold(kFear), 0.6);
  EXPECT_DOUBLE_EQ(g.threshold(kHappiness), 0.4);
  // Option thresholds replace the sidecar's; use_model_thresholds=false ignores the sidecar.
  o.use_model_thresholds = false;
  EXPECT_EQ(UnknownGate(o, sidecar).apply(kFear, p), kFear);
  o.class_thresholds = {0, 0.5, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(UnknownGate(o, sidecar).apply(kHappiness, p), kNoLabel);
  o.class_thresholds = {0.5, 0.5};
  try {
    UnknownGate bad(o);
    FAIL() << "expected an error for 2 thresholds";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("gate.class_thresholds"), std::string::npos) << e.what();
  }
}

// The chain as the pipeline runs it: EMA -> vote on the EMA argmax -> hysteresis -> gate.
TEST(TemporalSmoothing, ChainDelaysASwitchAndGatesUncertainFrames) {
  EmaSmoother ema(EmaOptions{0.65});
  LabelVote vote(VoteOptions{0.35, 3});
  LabelHysteresis hyst(HysteresisOptions{0.20});
  UnknownGate gate(UnknownGateOptions{});
  auto step = [&](double t, int raw) {
    const ClassProbs& p = ema.update(one_hot(raw));
    int arg = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
    return gate.apply(hyst.update(vote.update(t, arg), p), p);
  };
  // 10 fps: neutral x5, one happy blip, neutral x2, then happy for good.
  std::vector<int> raw = {0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1};
  std::vector<int> shown;
  for (size_t i = 0; i < raw.size(); ++i) shown.push_back(step(0.1 * i, raw[i]));
  // Hand computation (EMA happy/neutral; votes over the last 4 frames; gate 0.40):
  //  f0-1: fewer than 3 votes -> no label -> unknown.  f2-4: neutral.
  //  f5 (blip): EMA H .65 / N .35, vote N 3:1 keeps neutral, but N .35 < .40 -> unknown.
  //  f6: N .7725, f7: N .9204 -> neutral.
  //  f8: H .6779 / N .3221, votes H,N,N,H = 2:2 < 3 -> keep neutral, N .32 < .40 -> unknown.
  //  f9: H .8873 / N .1127, votes N,N,H,H = 2:2 -> keep neutral -> unknown.
  //  f10: H .9605, votes N,H,H,H -> happy; .9605 > .0395 + .20 -> switch -> happiness.
  std::vector<int> expected = {-1, -1, 0, 0, 0, -1, 0, 0, -1, -1, 1, 1, 1};
  EXPECT_EQ(shown, expected);
}

}  // namespace
}  // namespace ferkit
