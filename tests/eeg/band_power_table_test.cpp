// Band-power tables joined with ratings: fixtures, every error path, and GAMEEMO's real tables.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "eeg_test_fixtures.h"
#include "ferkit/eeg_band_power_table.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

using test::TempDir;

const char* kTable =
    "SUBJECT,GAME,WINDOW_INDEX,AF3_Delta_Power,AF3_Alpha_Power,F4_Delta_Power,F4_Alpha_Power,Unnamed\n"
    "1,1,1,0.5,0.25,0.4,0.125,x\n"
    "1,1,2,0.6,0.35,0.3,0.225,x\n"
    "1,2,1,0.7,0.45,0.2,0.325,x\n"
    "2,1,1,0.8,0.55,0.1,0.425,x\n";
const char* kRatings =
    "Index,Path,Subject,Valence,Arousal,Gender\n"
    "0,G1.pdf,S01,2,9,F\n"
    "1,G2.pdf,S01,5,1,F\n"
    "2,G1.pdf,S02,9,5,M\n";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

BandPowerTableOptions options(const TempDir& dir, const std::string& table, const std::string& ratings) {
  test::write_text(dir / "table.csv", table);
  test::write_text(dir / "sam.csv", ratings);
  BandPowerTableOptions o;
  o.path = (dir / "table.csv").string();
  o.ratings = (dir / "sam.csv").string();
  return o;
}

TEST(BandPowerTable, ReadsColumnsBandsAndJoinsRatings) {
  TempDir dir("bptable");
  BandPowerSet s = read_band_power_table(options(dir, kTable, kRatings));
  EXPECT_EQ(s.channels, (std::vector<std::string>{"AF3", "F4"}));
  EXPECT_EQ(s.bands, (std::vector<std::string>{"Delta", "Alpha"}));
  ASSERT_EQ(s.rows.size(), 4u);
  EXPECT_DOUBLE_EQ(s.at(1, 1, 0), 0.35);  // row 2, Alpha, AF3
  EXPECT_DOUBLE_EQ(s.at(1, 0, 1), 0.3);   // row 2, Delta, F4
  EXPECT_EQ(s.rows[1].window, 2);
  EXPECT_DOUBLE_EQ(s.rows[0].valence, 2);
  EXPECT_DOUBLE_EQ(s.rows[0].valence_norm, -0.75);
  EXPECT_DOUBLE_EQ(s.rows[0].arousal_norm, 1.0);
  EXPECT_DOUBLE_EQ(s.rows[2].valence, 5);         // subject 1 game 2
  EXPECT_DOUBLE_EQ(s.rows[3].arousal_norm, 0.0);  // subject 2 game 1
  EXPECT_NE(s.rows[2].provenance.find("table.csv:4"), std::string::npos);
  bool bands_note = false, ignored_note = false;
  for (const auto& n : s.notes) {
    bands_note = bands_note || n.find("absent: theta beta gamma") != std::string::npos;
    ignored_note = ignored_note || n.find("Unnamed") != std::string::npos;
  }
  EXPECT_TRUE(bands_note);
  EXPECT_TRUE(ignored_note);

  auto o = options(dir, kTable, kRatings);
  o.bands = {"alpha"};
  BandPowerSet alpha = read_band_power_table(o);
  EXPECT_EQ(alpha.bands, (std::vector<std::string>{"Alpha"}));
  EXPECT_DOUBLE_EQ(alpha.at(3, 0, 1), 0.425);
}

TEST(BandPowerTable, ErrorsNameColumnRowAndLine) {
  TempDir dir("bptable");
  std::string msg = error_of([&] {
    read_band_power_table(options(dir, "SUBJECT,GAME,AF3_Alpha_Power,XX9_Alpha_Power\n1,1,1,2\n", kRatings));
  });
  EXPECT_NE(msg.find("column 'XX9_Alpha_Power'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("known 10-20/10-05 electrode position"), std::string::npos) << msg;

  msg = error_of([&] {
    read_band_power_table(
        options(dir, "SUBJECT,GAME,AF3_Alpha_Power,AF3_Beta_Power,F4_Alpha_Power\n1,1,1,2,3\n", kRatings));
  });
  EXPECT_NE(msg.find("column 'F4_Beta_Power'"), std::string::npos) << msg;

  std::string table = kTable;
  table.replace(table.find("0.45"), 4, "");
  msg = error_of([&] { read_band_power_table(options(dir, table, kRatings)); });
  EXPECT_NE(msg.find("table.csv:4: column 'AF3_Alpha_Power'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("empty cell"), std::string::npos) << msg;

  // A row without a rating (subject 2 game 1 missing), a rating without rows, out of range, twice.
  msg = error_of([&] {
    read_band_power_table(options(dir, kTable, "Path,Subject,Valence,Arousal\nG1.pdf,S01,2,9\nG2.pdf,S01,5,1\n"));
  });
  EXPECT_NE(msg.find("table.csv:5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a rating for subject 2 trial 1"), std::string::npos) << msg;
  msg = error_of([&] { read_band_power_table(options(dir, kTable, std::string(kRatings) + "3,G4.pdf,S02,5,5,M\n")); });
  EXPECT_NE(msg.find("sam.csv:5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("band-power rows for subject 2 trial 4"), std::string::npos) << msg;
  msg = error_of([&] { read_band_power_table(options(dir, kTable, std::string(kRatings) + "3,G3.pdf,S02,0,5,M\n")); });
  EXPECT_NE(msg.find("sam.csv:5: Valence"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a rating in [1, 9], got 0"), std::string::npos) << msg;
  msg = error_of([&] { read_band_power_table(options(dir, kTable, std::string(kRatings) + "3,G1.pdf,S02,4,5,M\n")); });
  EXPECT_NE(msg.find("a second rating for subject 2 trial 1"), std::string::npos) << msg;
}

// GAMEEMO: every window read, its four bands reported, a rating joined to every row, and per-game
// mean ratings equal to those Python computes from sam_scores.csv.
TEST(BandPowerTable, GameemoWindowsAndRatings) {
  auto dir = test::gameemo_dir();
  if (dir.empty()) GTEST_SKIP() << "../shared/data/eeg/gameemo-bandpower is absent; real-data test skipped";
  FERKIT_REQUIRE_PYTHON("csv");
  BandPowerTableOptions o;
  o.path = (dir / "bandpower_windows_12s.csv").string();
  o.ratings = (dir / "sam_scores.csv").string();
  BandPowerSet s = read_band_power_table(o);
  EXPECT_EQ(s.rows.size(), 2688u);
  EXPECT_EQ(s.bands, (std::vector<std::string>{"Delta", "Theta", "Alpha", "Beta"}));
  EXPECT_EQ(s.channels.size(), 14u);
  std::map<int64_t, std::pair<double, double>> sums;
  std::map<int64_t, int> counts;
  for (const auto& r : s.rows) {
    ASSERT_TRUE(std::isfinite(r.valence) && std::isfinite(r.arousal)) << r.provenance;
    sums[r.trial].first += r.valence;
    sums[r.trial].second += r.arousal;
    counts[r.trial] += 1;
  }
  auto ref = test::python_json(
      "import csv, json\n"
      "rows = list(csv.DictReader(open('" +
      (dir / "sam_scores.csv").string() +
      "')))\n"
      "out = {}\n"
      "for g in range(1, 5):\n"
      "    sel = [r for r in rows if r['Path'] == 'G%d.pdf' % g]\n"
      "    out[g] = [sum(float(r['Valence']) for r in sel) / len(sel), sum(float(r['Arousal']) for r in sel) / "
      "len(sel)]\n"
      "print(json.dumps(out))\n");
  ASSERT_EQ(counts.size(), 4u);
  for (int g = 1; g <= 4; ++g) {
    EXPECT_EQ(counts[g], 672);
    EXPECT_NEAR(sums[g].first / counts[g], ref[std::to_string(g)][0].get<double>(), 1e-12) << "game " << g;
    EXPECT_NEAR(sums[g].second / counts[g], ref[std::to_string(g)][1].get<double>(), 1e-12) << "game " << g;
  }
  o.path = (dir / "bandpower_per_game.csv").string();
  EXPECT_EQ(read_band_power_table(o).rows.size(), 112u);
}

}  // namespace
}  // namespace ferkit
