// MAHNOB-HCI reader on fixture sessions written here: session.xml parsing, the Status trigger rule,
// resampling to a common rate, skipped sessions, and errors naming the file.
#include <gtest/gtest.h>

#include <cmath>

#include "eeg_test_fixtures.h"
#include "ferkit/eeg_mahnob.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

using test::MahnobFixture;
using test::TempDir;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Mahnob, StatusOnsetsUseTheLow16BitsAndCodeChanges) {
  const int32_t flag = 0x3F0000;  // CMS/battery bits above the triggers
  std::vector<int32_t> status = {flag, flag, flag | 1, flag | 1, flag, flag | 2, flag | 3, flag | 3, flag, flag | 2};
  EXPECT_EQ(status_onsets(status), (std::vector<int64_t>{2, 5, 6, 9}));
  EXPECT_EQ(status_onsets({5, 5, 0}), (std::vector<int64_t>{0}));
  EXPECT_TRUE(status_onsets({flag, flag}).empty());
}

TEST(Mahnob, SessionXmlAttributesEntitiesAndSubject) {
  TempDir dir("mahnob");
  MahnobFixture f;
  f.bdf = false;
  test::write_mahnob_session(dir.path(), 4, f);
  MahnobSession s = read_mahnob_session_xml(dir / "Sessions/4/session.xml");
  EXPECT_EQ(s.attributes.at("feltVlnc"), "7");
  EXPECT_EQ(s.attributes.at("feltArsl"), "3");
  EXPECT_EQ(s.attributes.at("mediaFile"), "clip & more.avi");
  EXPECT_EQ(s.subject_id, "2");
  test::write_text(dir / "bad.xml", "<?xml version=\"1.0\"?><sessions a=\"1\"/>");
  EXPECT_NE(error_of([&] { read_mahnob_session_xml(dir / "bad.xml"); }).find("bad.xml"), std::string::npos);
  test::write_text(dir / "bad2.xml", "<session feltVlnc=\"4 />");
  EXPECT_NE(error_of([&] { read_mahnob_session_xml(dir / "bad2.xml"); }).find("closing quote"), std::string::npos);
}

TEST(Mahnob, ReadsStimulusBaselineRatingsAndSkipsNonEmotionSessions) {
  TempDir dir("mahnob");
  MahnobFixture f;  // triggers at 3 s and 13 s of 16 s, 256 Hz
  test::write_mahnob_session(dir.path(), 10, f);
  MahnobFixture implicit;
  implicit.ratings = false;
  test::write_mahnob_session(dir.path(), 11, implicit);
  MahnobFixture no_bdf;
  no_bdf.bdf = false;
  test::write_mahnob_session(dir.path(), 12, no_bdf);
  MahnobFixture other = f;
  other.subject = "5";
  other.valence = "1";
  other.arousal = "9";
  test::write_mahnob_session(dir.path(), 2, other);

  MahnobOptions o;
  o.path = dir.path().string();
  o.sampling_rate = 128;
  EegDataset d = read_mahnob(o);
  ASSERT_EQ(d.trials.size(), 2u);
  EXPECT_EQ(d.dropped.at("sessions without feltVlnc/feltArsl (not an emotion-elicitation trial)"), 1);
  EXPECT_EQ(d.dropped.at("sessions without a .bdf file"), 1);
  // Sessions in numeric order: 2 before 10.
  const EegTrial &a = d.trials[0], &b = d.trials[1];
  EXPECT_EQ(a.trial, 2);
  EXPECT_EQ(a.subject, 5);
  EXPECT_DOUBLE_EQ(a.valence_norm, -1.0);
  EXPECT_DOUBLE_EQ(a.arousal_norm, 1.0);
  EXPECT_EQ(b.trial, 10);
  EXPECT_EQ(b.subject, 2);
  EXPECT_DOUBLE_EQ(b.valence, 7);
  EXPECT_DOUBLE_EQ(b.valence_norm, 0.5);
  EXPECT_DOUBLE_EQ(b.arousal_norm, -0.5);
  // Stimulus from the first onset (3 s) to the second (13 s), at 128 Hz; baseline before it.
  EXPECT_DOUBLE_EQ(b.stimulus.sampling_rate, 128);
  EXPECT_EQ(b.stimulus.samples(), 10 * 128);
  EXPECT_EQ(b.baseline.samples(), 3 * 128);
  EXPECT_EQ(b.stimulus.channels, mahnob_channels());
  // Channel k carries 10 (k + 1) uV plus a 2-uV 10-Hz wave: its mean survives resampling.
  for (size_t k = 0; k < 32; ++k) {
    double mean = 0;
    for (double v : b.stimulus.data[k]) mean += v;
    mean /= static_cast<double>(b.stimulus.samples());
    EXPECT_NEAR(mean, 10.0 * static_cast<double>(k + 1), 0.05) << mahnob_channels()[k];
  }
}

TEST(Mahnob, ErrorsNameTheSessionFile) {
  TempDir dir("mahnob");
  MahnobFixture f;
  f.valence = "10";
  test::write_mahnob_session(dir.path(), 1, f);
  MahnobOptions o;
  o.path = (dir / "Sessions").string();
  std::string msg = error_of([&] { read_mahnob(o); });
  EXPECT_NE(msg.find("Sessions/1/session.xml: feltVlnc"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a rating in [1, 9], got 10"), std::string::npos) << msg;

  TempDir dir2("mahnob");
  MahnobFixture one;
  one.triggers = {256 * 3};
  test::write_mahnob_session(dir2.path(), 1, one);
  o.path = (dir2 / "Sessions" / "1").string();  // one session folder
  msg = error_of([&] { read_mahnob(o); });
  EXPECT_NE(msg.find(".bdf: Status"), std::string::npos) << msg;
  EXPECT_NE(msg.find("two trigger onsets"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1 onset(s) at sample 768"), std::string::npos) << msg;

  TempDir dir3("mahnob");
  test::write_mahnob_session(dir3.path(), 1, MahnobFixture{});
  o.path = dir3.path().string();
  o.channels = {"Fp1", "Iz"};
  msg = error_of([&] { read_mahnob(o); });
  EXPECT_NE(msg.find("channels Iz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Part_2_S_Trial1_emotion.bdf"), std::string::npos) << msg;
}

}  // namespace
}  // namespace ferkit
