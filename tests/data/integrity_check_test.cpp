#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "data_fixtures.h"
#include "ferkit/dataset_merge.h"
#include "ferkit/integrity.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;
using test::FerplusRow;

// One row per class (10 votes for it), names t0.png .. t7.png, distinct images.
std::vector<FerplusRow> one_per_class(const std::string& prefix) {
  std::vector<FerplusRow> rows;
  for (int k = 0; k < kNumClasses; ++k) {
    std::array<int, 10> v{};
    v[k] = 10;
    rows.push_back({prefix + std::to_string(k) + ".png", v});
  }
  return rows;
}

void write_clean(const fs::path& root) {
  test::write_ferplus_folder(root, "FER2013Train", one_per_class("t"), 100);
  test::write_ferplus_folder(root, "FER2013Valid", one_per_class("v"), 200);
}

Dataset read_ferplus_at(const fs::path& root) {
  ReadOptions o;
  o.format = "ferplus";
  o.path = root;
  return read_dataset(o);
}

CheckOptions options() {
  CheckOptions o;
  o.threads = 2;
  o.expected_size = 48;
  return o;
}

void expect_only(const CheckReport& r, const std::map<std::string, int64_t>& expected) {
  for (const auto& reason : r.reasons) {
    auto it = expected.find(reason.id);
    EXPECT_EQ(reason.count, it == expected.end() ? 0 : it->second) << reason.id << "\n" << r.text();
  }
}

void copy_bytes(const fs::path& from, const fs::path& to) { test::write_text(to, test::read_text(from)); }

TEST(IntegrityCheck, CleanDatasetHasNoFindings) {
  test::TempDir dir("check");
  write_clean(dir.path());
  CheckReport r = check_dataset(read_ferplus_at(dir.path()), options());
  expect_only(r, {});
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.balance.size(), 2u);
  EXPECT_EQ(r.balance[0].split, Split::kTrain);
  EXPECT_EQ(r.balance[0].counts[kContempt], 1);
  EXPECT_EQ(r.balance[1].total, 8);
  EXPECT_NE(r.text().find("passed: 0 errors, 0 warnings"), std::string::npos) << r.text();
}

TEST(IntegrityCheck, MissingTruncatedUndecodableAndWrongSize) {
  test::TempDir dir("check");
  write_clean(dir.path());
  fs::remove(dir / "FER2013Train/t2.png");  // label row 3 loses its image
  const std::string png = test::read_text(dir / "FER2013Train/t3.png");
  test::write_text(dir / "FER2013Train/t3.png", png.substr(0, png.size() / 2));
  test::write_text(dir / "FER2013Train/t4.png", "this is not an image");
  test::write_png(dir / "FER2013Valid/v5.png", 205, 40);
  CheckReport r = check_dataset(read_ferplus_at(dir.path()), options());
  expect_only(r, {{"missing_file", 1}, {"unreadable_file", 2}, {"wrong_size", 1}});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.errors(), 4);
  const auto& missing = r.reason("missing_file").first;
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].where, "FER2013Train/label.csv:3");
  EXPECT_NE(missing[0].detail.find("FER2013Train/t2.png"), std::string::npos);
  const auto& unreadable = r.reason("unreadable_file").first;
  EXPECT_EQ(unreadable[0].where, "FER2013Train/label.csv:4");
  EXPECT_NE(unreadable[0].detail.find("IEND"), std::string::npos) << unreadable[0].detail;
  EXPECT_EQ(unreadable[1].where, "FER2013Train/label.csv:5");
  EXPECT_NE(r.reason("wrong_size").first[0].detail.find("40x40"), std::string::npos);
  // Without an expected size, any size passes.
  CheckOptions any = options();
  any.expected_size = 0;
  EXPECT_EQ(check_dataset(read_ferplus_at(dir.path()), any).count("wrong_size"), 0);
}

TEST(IntegrityCheck, TruncatedJpegIsUnreadable) {
  test::TempDir dir("check");
  test::write_png(dir / "happy/a.jpg", 1);
  test::write_png(dir / "happy/b.jpg", 2);
  const std::string jpg = test::read_text(dir / "happy/b.jpg");
  test::write_text(dir / "happy/b.jpg", jpg.substr(0, jpg.size() * 2 / 3));
  ReadOptions o;
  o.format = "folder";
  o.path = dir.path();
  CheckReport r = check_dataset(read_dataset(o), options());
  EXPECT_EQ(r.count("unreadable_file"), 1) << r.text();
  EXPECT_EQ(r.reason("unreadable_file").first.at(0).where, "happy/b.jpg");
}

TEST(IntegrityCheck, DuplicatePathsAndImagesWithoutLabels) {
  test::TempDir dir("check");
  write_clean(dir.path());
  // t0.png listed twice; an unlabelled image; the image of a row the majority rule drops.
  std::string csv = test::read_text(dir / "FER2013Train/label.csv");
  csv += "t0.png,\"(0, 0, 48, 48)\",0,10,0,0,0,0,0,0,0,0\n";
  csv += "u.png,\"(0, 0, 48, 48)\",5,5,0,0,0,0,0,0,0,0\n";
  test::write_text(dir / "FER2013Train/label.csv", csv);
  test::write_png(dir / "FER2013Train/u.png", 301);
  test::write_png(dir / "FER2013Train/orphan.png", 302);
  test::write_text(dir / "FER2013Train/notes.txt", "not an image, not reported");
  Dataset d = read_ferplus_at(dir.path());
  EXPECT_EQ(d.total_dropped(), 1);
  CheckReport r = check_dataset(d, options());
  expect_only(r, {{"duplicate_path", 1}, {"image_without_label", 1}, {"exact_duplicate_within_split", 0}});
  EXPECT_EQ(r.reason("duplicate_path").first[0].where, "FER2013Train/label.csv:9");
  EXPECT_NE(r.reason("duplicate_path").first[0].detail.find("FER2013Train/label.csv:1"), std::string::npos);
  EXPECT_EQ(r.reason("image_without_label").first[0].where, "FER2013Train/orphan.png");
}

Sample manual(const std::string& path, int label) {
  Sample s;
  s.image.path = path;
  s.label = label;
  s.target = one_hot(label);
  s.split = Split::kTrain;
  s.source = "manual";
  s.provenance = "list.csv:" + path;
  return s;
}

TEST(IntegrityCheck, PathsOutsideRootCropsAndTargets) {
  test::TempDir dir("check");
  test::write_png(dir / "root/a.png", 1);
  test::write_png(dir / "root/b.png", 2);
  test::write_png(dir / "root/c.png", 3);
  test::write_png(dir / "root/d.png", 4);
  test::write_png(dir / "outside.png", 5);
  Dataset d;
  d.format = "manual";
  d.root = dir / "root";
  d.samples.push_back(manual("a.png", kNeutral));
  d.samples.push_back(manual("../outside.png", kHappiness));
  d.samples.push_back(manual((dir / "outside.png").string(), kHappiness));
  d.samples.push_back(manual("sub/../../elsewhere.png", kHappiness));
  Sample crop_out = manual("b.png", kSurprise);
  crop_out.image.crop = Box{50, 50, 10, 10};
  d.samples.push_back(crop_out);
  Sample crop_clip = manual("c.png", kSurprise);
  crop_clip.image.crop = Box{40, 0, 20, 20};
  d.samples.push_back(crop_clip);
  Sample bad_sum = manual("d.png", kAnger);
  bad_sum.target[kAnger] = 0.9f;
  d.samples.push_back(bad_sum);
  Sample negative = manual("a.png", kFear);
  negative.image.crop = Box{0, 0, 10, 10};  // another box of a.png: not a duplicate path
  negative.target = {0, 0, 0, 0, 0, 0, 1.5f, -0.5f};
  d.samples.push_back(negative);
  CheckOptions o = options();
  o.expected_size = 0;
  CheckReport r = check_dataset(d, o);
  EXPECT_EQ(r.count("path_outside_root"), 3) << r.text();
  EXPECT_EQ(r.reason("path_outside_root").first[0].where, "list.csv:../outside.png");
  EXPECT_EQ(r.count("bad_crop"), 1);
  EXPECT_EQ(r.count("crop_clipped"), 1);
  EXPECT_NE(r.reason("crop_clipped").first[0].detail.find("clipped to 8x20"), std::string::npos);
  EXPECT_EQ(r.count("target_out_of_range"), 2);
  EXPECT_NE(r.reason("target_out_of_range").first[0].detail.find("sum to 0.9"), std::string::npos);
  EXPECT_NE(r.reason("target_out_of_range").first[1].detail.find("fear = 1.5"), std::string::npos);
  EXPECT_EQ(r.count("duplicate_path"), 0);
  EXPECT_EQ(r.count("missing_file"), 0);  // outside paths are not opened
}

TEST(IntegrityCheck, ClassBalanceWarnings) {
  test::TempDir dir("check");
  test::write_ferplus_folder(dir.path(), "FER2013Train",
                             {{"a.png", {10, 0, 0, 0, 0, 0, 0, 0, 0, 0}}, {"b.png", {10, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                              {"c.png", {0, 10, 0, 0, 0, 0, 0, 0, 0, 0}}});
  CheckOptions o = options();
  o.min_class_share = 0.5;  // happiness holds 1 of 3
  CheckReport r = check_dataset(read_ferplus_at(dir.path()), o);
  EXPECT_EQ(r.count("empty_class"), 6);
  EXPECT_EQ(r.count("tiny_class"), 1);
  EXPECT_NE(r.reason("tiny_class").first[0].detail.find("happiness has 1 samples (33.33%"), std::string::npos)
      << r.reason("tiny_class").first[0].detail;
  EXPECT_TRUE(r.ok());  // warnings only
}

TEST(IntegrityCheck, ExactAndNearDuplicatesAndLeakageAcrossSplits) {
  test::TempDir dir("check");
  write_clean(dir.path());
  // t1 = exact copy of t0 (another file name); t2 = t0 a little brighter; v3 = copy of t4.
  copy_bytes(dir / "FER2013Train/t0.png", dir / "FER2013Train/t1.png");
  cv::Mat img = cv::imread((dir / "FER2013Train/t0.png").string(), cv::IMREAD_GRAYSCALE);
  img.convertTo(img, -1, 1.0, 10.0);
  cv::imwrite((dir / "FER2013Train/t2.png").string(), img);
  copy_bytes(dir / "FER2013Train/t4.png", dir / "FER2013Valid/v3.png");
  CheckReport r = check_dataset(read_ferplus_at(dir.path()), options());
  // t0-t1 exact; t0-t2 and t1-t2 near (t2 is near both); t4-v3 across splits.
  expect_only(r, {{"exact_duplicate_within_split", 1}, {"near_duplicate_within_split", 2}, {"leakage_across_splits", 1}});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.reason("exact_duplicate_within_split").first[0].where, "FER2013Train/label.csv:1");
  EXPECT_NE(r.reason("exact_duplicate_within_split").first[0].detail.find("identical pixels to FER2013Train/label.csv:2"),
            std::string::npos);
  EXPECT_NE(r.reason("leakage_across_splits").first[0].detail.find("FER2013Valid/label.csv:4 (train vs valid)"),
            std::string::npos);
  CheckOptions strict = options();
  strict.strict_leakage = true;
  CheckReport s = check_dataset(read_ferplus_at(dir.path()), strict);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.errors(), 1);
  EXPECT_EQ(s.reason("leakage_across_splits").severity, Severity::kError);
  CheckOptions off = options();
  off.dhash_threshold = 0;  // exact duplicates are still found
  CheckReport n = check_dataset(read_ferplus_at(dir.path()), off);
  EXPECT_EQ(n.count("near_duplicate_within_split"), 0);
  EXPECT_EQ(n.count("exact_duplicate_within_split"), 1);
}

TEST(IntegrityCheck, LeakageAcrossSourcesAndTheSameImageInMemoryAndOnDisk) {
  test::TempDir dir("check");
  write_clean(dir / "ferplus");
  // A folder dataset holding a PNG copy of FERPlus' t5.png in its train split, and a
  // fer2013.csv whose pixels equal the decoded t6.png.
  copy_bytes(dir / "ferplus/FER2013Train/t5.png", dir / "ck/train/fear/x.png");
  cv::Mat t6 = cv::imread((dir / "ferplus/FER2013Train/t6.png").string(), cv::IMREAD_GRAYSCALE);
  std::string pixels;
  for (int i = 0; i < 48 * 48; ++i) pixels += (i ? " " : "") + std::to_string(t6.data[i]);
  test::write_text(dir / "fer/fer2013.csv", "emotion,pixels,Usage\n2," + pixels + ",Training\n");
  Dataset d = merge_datasets({parse_source_spec("ferplus:" + (dir / "ferplus").string() + ":train"),
                              parse_source_spec("folder:" + (dir / "ck").string()),
                              parse_source_spec("fer2013:" + (dir / "fer").string())});
  CheckReport r = check_dataset(d, options());
  EXPECT_EQ(r.count("leakage_across_sources"), 2) << r.text();
  EXPECT_NE(r.reason("leakage_across_sources").first[0].detail.find("(ferplus vs folder)"), std::string::npos);
  EXPECT_NE(r.reason("leakage_across_sources").first[1].detail.find("identical pixels"), std::string::npos);
  EXPECT_EQ(r.count("missing_file"), 0);
  EXPECT_EQ(r.count("image_without_label"), 0);
}

TEST(IntegrityCheck, ListsOnlyTheFirstRowsAndWritesJson) {
  test::TempDir dir("check");
  write_clean(dir.path());
  for (int k = 0; k < 3; ++k) fs::remove(dir / ("FER2013Valid/v" + std::to_string(k) + ".png"));
  CheckOptions o = options();
  o.max_listed = 2;
  CheckReport r = check_dataset(read_ferplus_at(dir.path()), o);
  EXPECT_EQ(r.count("missing_file"), 3);
  EXPECT_EQ(r.reason("missing_file").first.size(), 2u);
  EXPECT_NE(r.text().find("... and 1 more"), std::string::npos);
  const nlohmann::json j = r.to_json();
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["errors"], 3);
  bool found = false;
  for (const auto& x : j["reasons"])
    if (x["id"] == "missing_file") {
      found = true;
      EXPECT_EQ(x["count"], 3);
      EXPECT_EQ(x["severity"], "error");
      EXPECT_EQ(x["first"][0]["where"], "FER2013Valid/label.csv:1");
    }
  EXPECT_TRUE(found);
  test::expect_error([&] { r.reason("no_such_reason"); }, {"no_such_reason", "missing_file"});
}

}  // namespace
}  // namespace ferkit
