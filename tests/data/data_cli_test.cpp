// `ferkit data ...` run in-process.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data_fixtures.h"
#include "ferkit/manifest.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

void write_fixture(const std::filesystem::path& root) {
  test::write_ferplus_folder(root, "FER2013Train",
                             {{"a.png", {10, 0, 0, 0, 0, 0, 0, 0, 0, 0}}, {"b.png", {0, 9, 0, 0, 0, 0, 0, 0, 1, 0}},
                              {"c.png", {3, 3, 4, 0, 0, 0, 0, 0, 0, 0}}});
  test::write_ferplus_folder(root, "FER2013Valid", {{"d.png", {0, 0, 0, 10, 0, 0, 0, 0, 0, 0}}}, 10);
}

TEST(DataCli, IndexPrintsTheClassTableAndTheFingerprint) {
  test::TempDir dir("cli");
  write_fixture(dir.path());
  auto r = test::run_cli({"data", "index", "--data", dir.path().string(), "--out", (dir / "m.csv").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  ReadOptions o;
  o.format = "ferplus";
  o.path = dir.path();
  const std::string fp = build_manifest(read_dataset(o), 1).fingerprint();
  EXPECT_NE(r.out.find("fingerprint " + fp), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dropped 1: ferplus train"), std::string::npos) << r.out;
  EXPECT_EQ(Manifest::read_csv(dir / "m.csv").fingerprint(), fp);
}

TEST(DataCli, CheckExitsZeroOnWarningsAndOneOnErrors) {
  test::TempDir dir("cli");
  write_fixture(dir.path());
  auto ok = test::run_cli({"data", "check", "--data", dir.path().string(), "--expected-size", "48"});
  EXPECT_EQ(ok.status, 0) << ok.err << ok.out;
  EXPECT_NE(ok.out.find("warning  empty_class"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("passed: 0 errors"), std::string::npos) << ok.out;

  std::filesystem::remove(dir / "FER2013Train/b.png");
  auto bad = test::run_cli({"data", "check", "--data", dir.path().string(), "--split", "train"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.out.find("FER2013Train/label.csv:2: FER2013Train/b.png: no such file"), std::string::npos) << bad.out;
  EXPECT_NE(bad.err.find("1 errors"), std::string::npos) << bad.err;

  auto json = test::run_cli({"data", "check", "--data", dir.path().string(), "--json"});
  EXPECT_EQ(json.status, 1);
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["errors"], 1);
  EXPECT_EQ(j["samples"], 3);
}

TEST(DataCli, CheckStrictLeakageTurnsLeakageIntoAnError) {
  test::TempDir dir("cli");
  write_fixture(dir.path());
  test::write_text(dir / "FER2013Valid/d.png", test::read_text(dir / "FER2013Train/a.png"));
  EXPECT_EQ(test::run_cli({"data", "check", "--data", dir.path().string()}).status, 0);
  auto strict = test::run_cli({"data", "check", "--data", dir.path().string(), "--strict-leakage"});
  EXPECT_EQ(strict.status, 1);
  EXPECT_NE(strict.out.find("error    leakage_across_splits"), std::string::npos) << strict.out;
}

TEST(DataCli, CheckSeveralSourcesFindsLeakageAcrossThem) {
  test::TempDir dir("cli");
  write_fixture(dir / "fp");
  test::write_text(dir / "ck/train/neutral/x.png", test::read_text(dir / "fp/FER2013Train/a.png"));
  auto r = test::run_cli({"data", "check", "--source", "ferplus:" + (dir / "fp").string() + ":train", "--source",
                          "folder:" + (dir / "ck").string(), "--strict-leakage"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("fp/FER2013Train/label.csv:1: identical pixels to ck/train/neutral/x.png (ferplus vs folder)"),
            std::string::npos)
      << r.out;
  auto both = test::run_cli({"data", "check", "--data", dir.path().string(), "--source", "folder:x"});
  EXPECT_EQ(both.status, 1);
  EXPECT_NE(both.err.find("either --data"), std::string::npos) << both.err;
}

TEST(DataCli, MergeWritesOneManifestWithSources) {
  test::TempDir dir("cli");
  write_fixture(dir / "fp");
  test::write_png(dir / "ck/contempt/x.png", 40);
  auto r = test::run_cli({"data", "merge", "--source", "ferplus:" + (dir / "fp").string() + ":train", "--source",
                          "folder:" + (dir / "ck").string(), "--out", (dir / "merged.csv").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  Manifest m = Manifest::read_csv(dir / "merged.csv");
  ASSERT_EQ(m.rows.size(), 3u);
  EXPECT_EQ(m.rows[0].path, "fp/FER2013Train/a.png");
  EXPECT_EQ(m.rows[2].source, "folder");
  EXPECT_EQ(m.rows[2].label, kContempt);
  EXPECT_NE(r.out.find("fingerprint " + m.fingerprint()), std::string::npos) << r.out;
  // The per-source table: ferplus has neutral 1, happiness 1; folder has contempt 1.
  EXPECT_NE(r.out.find("ferplus                  1         1         0"), std::string::npos) << r.out;
  auto bad = test::run_cli({"data", "merge", "--source", "ferplus", "--out", (dir / "x.csv").string()});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("format:path[:split]"), std::string::npos) << bad.err;
}

TEST(DataCli, SynthFacesThenIndex) {
  test::TempDir dir("cli");
  auto r = test::run_cli({"data", "synth-faces", "--out", dir.path().string(), "--per-class", "3", "--seed", "5"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("wrote 24 training and 8 validation faces"), std::string::npos) << r.out;
  EXPECT_EQ(test::run_cli({"data", "index", "--data", dir.path().string()}).status, 0);
}

TEST(DataCli, HelpTextsCarryExamples) {
  for (const char* sub : {"index", "check", "merge", "synth-faces"}) {
    auto r = test::run_cli({"data", sub, "--help"});
    EXPECT_EQ(r.status, 0) << sub;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << sub << ":\n" << r.out;
    EXPECT_NE(r.out.find(std::string("ferkit data ") + sub), std::string::npos) << sub;
  }
}

TEST(DataCli, ReaderErrorsArePrintedWithTheirPlace) {
  test::TempDir dir("cli");
  test::write_text(dir / "EmoLabel/list_patition_label.txt", "train_1.jpg 9\n");
  auto r = test::run_cli({"data", "index", "--format", "rafdb", "--data", dir.path().string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("list_patition_label.txt:1"), std::string::npos) << r.err;
  auto f = test::run_cli({"data", "index", "--format", "ferplsu", "--data", dir.path().string()});
  EXPECT_EQ(f.status, 1);
  EXPECT_NE(f.err.find("did you mean ferplus"), std::string::npos) << f.err;
}

}  // namespace
}  // namespace ferkit
