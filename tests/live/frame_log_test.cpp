// Frame and event logs: round trips, and errors that name the file and line.
#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/live/frame_log.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

TEST(FrameLog, RoundTripKeepsEveryField) {
  test::TempDir dir("framelog");
  FrameLogRow a;
  a.timestamp_s = 1.2345;
  a.frame = 37;
  a.track = 4;
  a.has_box = true;
  a.x = 10.5f;
  a.y = 20.f;
  a.w = 64.f;
  a.h = 66.5f;
  a.has_probs = true;
  for (int k = 0; k < kNumClasses; ++k) a.probs[k] = 0.125f;
  a.smoothed_label = kSadness;
  a.final_label = kSadness;
  a.unknown = false;
  a.true_label = kFear;
  FrameLogRow none;  // a frame without a face
  none.frame = 38;
  none.timestamp_s = 1.27;
  {
    FrameLogWriter w(dir / "f.csv");
    w.write(a);
    w.write(none);
    EXPECT_EQ(w.rows(), 2);
  }
  const std::string text = test::read_text(dir / "f.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "timestamp,frame,track,x,y,w,h,p_neutral,p_happiness,p_surprise,p_sadness,p_anger,p_disgust,p_fear,p_contempt,"
            "smoothed_label,final_label,unknown,true_label");
  auto rows = read_frame_log(dir / "f.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].timestamp_s, 1.2345);
  EXPECT_EQ(rows[0].frame, 37);
  EXPECT_EQ(rows[0].track, 4);
  EXPECT_FLOAT_EQ(rows[0].x, 10.5f);
  EXPECT_FLOAT_EQ(rows[0].h, 66.5f);
  EXPECT_FLOAT_EQ(rows[0].probs[kContempt], 0.125f);
  EXPECT_EQ(rows[0].final_label, kSadness);
  EXPECT_FALSE(rows[0].unknown);
  EXPECT_EQ(rows[0].true_label, kFear);
  EXPECT_EQ(rows[1].track, -1);
  EXPECT_FALSE(rows[1].has_box);
  EXPECT_FALSE(rows[1].has_probs);
  EXPECT_TRUE(rows[1].unknown);
  EXPECT_EQ(rows[1].final_label, -1);
}

TEST(FrameLog, MalformedRowsNameTheLine) {
  test::TempDir dir("framelog-bad");
  {
    FrameLogWriter w(dir / "f.csv");
    FrameLogRow r;
    w.write(r);
  }
  std::string text = test::read_text(dir / "f.csv");
  // time, frame, track, 4 empty box fields, 8 empty probabilities, empty smoothed label, ...
  const std::string empties = std::string(4 + 8 + 1, ',');
  test::write_text(dir / "bad.csv", text + "0.1,1,2" + empties + "unknown,1\n");  // 17 fields, 19 expected
  try {
    read_frame_log(dir / "bad.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3"), std::string::npos) << e.what();
  }
  test::write_text(dir / "bad2.csv", text + "0.1,1,2" + empties + ",grumpy,1,\n");
  try {
    read_frame_log(dir / "bad2.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad2.csv:3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("grumpy"), std::string::npos) << e.what();
  }
  test::write_text(dir / "other.csv", "a,b,c\n1,2,3\n");
  EXPECT_THROW(read_frame_log(dir / "other.csv"), Error);
}

TEST(EventLog, WritesReadsAndFiltersOperatorLabels) {
  test::TempDir dir("events");
  {
    EventLogWriter w(dir / "e.csv");
    w.write({0.5, 15, -1, "true_label", "happiness", ""});
    w.write({0.9, 27, 3, "label_change", "happiness", "unknown"});
    w.write({1.5, 45, -1, "true_label", "none", ""});
    w.write({2.0, 60, -1, "parameter", "alpha=0.50", ""});
  }
  auto ev = read_events(dir / "e.csv");
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[1].track, 3);
  EXPECT_EQ(ev[1].previous, "unknown");
  EXPECT_EQ(ev[0].track, -1);
  auto labels = read_operator_labels(dir / "e.csv");
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_DOUBLE_EQ(labels[0].timestamp_s, 0.5);
  EXPECT_EQ(labels[0].label, kHappiness);
  EXPECT_EQ(labels[1].label, -1);
  // Minimal hand-written file: only the three needed columns, out of order -> error with line.
  test::write_text(dir / "m.csv", "event,label,timestamp\ntrue_label,sad,1.0\ntrue_label,angry,0.5\n");
  try {
    read_operator_labels(dir / "m.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("m.csv:3"), std::string::npos) << e.what();
  }
  test::write_text(dir / "n.csv", "when,what\n1,2\n");
  try {
    read_events(dir / "n.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("timestamp"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
