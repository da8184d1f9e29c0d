#include <gtest/gtest.h>

#include <algorithm>

#include "data_fixtures.h"
#include "ferkit/manifest.h"
#include "ferkit/readers.h"
#include "ferkit/side_file.h"

namespace ferkit {
namespace {

using test::FerplusRow;

const std::vector<FerplusRow> kRows = {{"a.png", {10, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                                       {"b.png", {0, 10, 0, 0, 0, 0, 0, 0, 0, 0}},
                                       {"c.png", {0, 0, 10, 0, 0, 0, 0, 0, 0, 0}}};

Dataset read_at(const std::filesystem::path& root) {
  ReadOptions o;
  o.format = "ferplus";
  o.path = root;
  return read_dataset(o);
}

SideFile logits_for(const DatasetIdentity& id) {
  SideFile s;
  s.kind = "teacher_logits";
  s.identity = id;
  s.cols = 8;
  for (int64_t i = 0; i < id.count * 8; ++i) s.values.push_back(0.5f * static_cast<float>(i) - 3.0f);
  return s;
}

TEST(SideFile, RoundTripAgainstTheSameDataset) {
  test::TempDir dir("side");
  test::write_ferplus_folder(dir.path(), "FER2013Train", kRows);
  const DatasetIdentity id = build_manifest(read_at(dir.path()), 1).identity();
  write_side_file(dir / "runs/t.npz", logits_for(id));
  // Reading the dataset again gives the same identity, so the side file loads.
  const DatasetIdentity again = build_manifest(read_at(dir.path()), 1).identity();
  SideFile s = read_side_file(dir / "runs/t.npz", again, "teacher_logits");
  EXPECT_EQ(s.rows(), 3);
  EXPECT_EQ(s.cols, 8);
  EXPECT_FLOAT_EQ(s.row(2)[1], 0.5f * 17 - 3.0f);
  EXPECT_EQ(s.identity.fingerprint, id.fingerprint);
  test::expect_error([&] { s.row(3); }, {"teacher_logits", "0..2", "3"});
  test::expect_error([&] { read_side_file(dir / "runs/t.npz", again, "soft_labels"); },
                     {"t.npz", "kind 'soft_labels'", "kind 'teacher_logits'"});
}

TEST(SideFile, CountContentAndOrderMismatchesEachSayWhat) {
  test::TempDir dir("side");
  test::write_ferplus_folder(dir.path(), "FER2013Train", kRows);
  Dataset d = read_at(dir.path());
  const DatasetIdentity id = build_manifest(d, 1).identity();
  write_side_file(dir / "t.npz", logits_for(id));

  // Count: one more row in the label file.
  test::TempDir more("side");
  std::vector<FerplusRow> rows = kRows;
  rows.push_back({"d.png", {0, 0, 0, 10, 0, 0, 0, 0, 0, 0}});
  test::write_ferplus_folder(more.path(), "FER2013Train", rows);
  const DatasetIdentity four = build_manifest(read_at(more.path()), 1).identity();
  test::expect_error([&] { read_side_file(dir / "t.npz", four); },
                     {"t.npz", "a dataset of 4 samples", "data for 3 samples"});

  // Content: the same three images, one label changed.
  test::TempDir relabelled("side");
  rows = kRows;
  rows[1].votes = {0, 0, 0, 0, 10, 0, 0, 0, 0, 0};
  test::write_ferplus_folder(relabelled.path(), "FER2013Train", rows);
  const DatasetIdentity other = build_manifest(read_at(relabelled.path()), 1).identity();
  test::expect_error([&] { read_side_file(dir / "t.npz", other); },
                     {"t.npz", "fingerprint", "same size, different content"});

  // Order: the same samples reversed.
  Dataset reversed = d;
  std::reverse(reversed.samples.begin(), reversed.samples.end());
  const DatasetIdentity rev = build_manifest(reversed, 1).identity();
  EXPECT_EQ(rev.fingerprint, id.fingerprint);
  test::expect_error([&] { read_side_file(dir / "t.npz", rev); }, {"t.npz", "order", "another order"});
}

TEST(SideFile, WriteRefusesValuesThatDoNotFit) {
  test::TempDir dir("side");
  DatasetIdentity id;
  id.fingerprint = std::string(64, 'a');
  id.order_digest = std::string(64, 'b');
  id.count = 4;
  SideFile s = logits_for(id);
  s.values.pop_back();
  test::expect_error([&] { write_side_file(dir / "t.npz", s); }, {"t.npz", "4 rows", "31 values"});
  s = logits_for(id);
  s.kind.clear();
  test::expect_error([&] { write_side_file(dir / "t.npz", s); }, {"t.npz", "kind"});
}

TEST(SideFile, NumpyReadsIt) {
  FERKIT_REQUIRE_PYTHON("numpy");
  test::TempDir dir("side");
  DatasetIdentity id;
  id.fingerprint = std::string(64, 'f');
  id.order_digest = std::string(64, '0');
  id.count = 2;
  write_side_file(dir / "t.npz", logits_for(id));
  const std::string out = test::run_python(
      "import numpy as np\n"
      "z = np.load('" + (dir / "t.npz").string() + "')\n"
      "print(bytes(z['kind']).decode(), bytes(z['fingerprint']).decode()[:4], int(z['count'][0]), z['values'].shape, float(z['values'][1, 7]))\n");
  EXPECT_EQ(out, "teacher_logits ffff 2 (2, 8) 4.5\n");
}

}  // namespace
}  // namespace ferkit
