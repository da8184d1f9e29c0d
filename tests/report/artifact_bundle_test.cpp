// Artifact bundles: pack (zip and directory), verify OK, a corrupted byte / a deleted file / an
// added file each reported by name with exit 1, and coreutils' sha256sum -c accepting SHA256SUMS.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "ferkit/error.h"
#include "ferkit/report/artifact_bundle.h"
#include "ferkit/report/sha256sums.h"
#include "ferkit/sha256.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

// A run directory with what a bundle takes and something it leaves out.
void write_run(const fs::path& run) {
  test::write_text(run / "best.pt", std::string("weights\0\1\2", 10));
  test::write_text(run / "best.json", "{\"model\": {}}\n");
  test::write_text(run / "metrics.json", "{\"n\": 3}\n");
  test::write_text(run / "predictions.csv", "path,true_label\n");
  test::write_text(run / "config.json", "{}\n");
  test::write_text(run / "prototypes/bank.npz", "bank");
  test::write_text(run / "tables/ablation.tex", "\\toprule\n");
  test::write_text(run / "cross.md", "| a |\n");
  test::write_text(run / "last.pt", "not bundled");
  test::write_text(run / "curves_loss.png", "not bundled");
}

void flip_byte(const fs::path& file) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  char c;
  f.seekg(2);
  f.get(c);
  f.seekp(2);
  f.put(static_cast<char>(c ^ 0x20));
}

TEST(ArtifactBundle, DirectoryPackVerifyAndTamper) {
  test::TempDir dir("bundle");
  write_run(dir / "run");
  const PackResult p = pack_artifacts(dir / "run", dir / "out");
  const std::vector<std::string> expected{"best.json", "best.pt", "config.json", "cross.md", "metrics.json",
                                          "predictions.csv", "prototypes/bank.npz", "tables/ablation.tex"};
  EXPECT_EQ(p.files, expected);
  EXPECT_FALSE(fs::exists(dir / "out/last.pt"));
  // SHA256SUMS lists each file with the digest of the run's copy.
  const auto entries = parse_sha256sums(test::read_text(dir / "out/SHA256SUMS"), "SHA256SUMS");
  ASSERT_EQ(entries.size(), expected.size());
  for (const auto& e : entries) EXPECT_EQ(e.digest, sha256_file(dir / "run" / e.path)) << e.path;

  VerifyResult v = verify_artifacts(dir / "out");
  EXPECT_TRUE(v.ok()) << v.text();
  EXPECT_EQ(v.verified.size(), expected.size());

  // coreutils agrees with the file format.
  if (std::system("command -v sha256sum >/dev/null 2>&1") == 0) {
    const std::string cmd = "cd '" + (dir / "out").string() + "' && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }

  flip_byte(dir / "out/best.pt");
  fs::remove(dir / "out/tables/ablation.tex");
  test::write_text(dir / "out/notes.txt", "added later");
  v = verify_artifacts(dir / "out");
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.mismatched, std::vector<std::string>{"best.pt"});
  EXPECT_EQ(v.missing, std::vector<std::string>{"tables/ablation.tex"});
  EXPECT_EQ(v.extra, std::vector<std::string>{"notes.txt"});
  EXPECT_NE(v.text().find("MISMATCH best.pt"), std::string::npos);

  auto r = test::run_cli({"artifacts", "verify", (dir / "out").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("MISMATCH best.pt"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MISSING  tables/ablation.tex"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("EXTRA    notes.txt"), std::string::npos) << r.out;
  if (std::system("command -v sha256sum >/dev/null 2>&1") == 0) {
    const std::string cmd = "cd '" + (dir / "out").string() + "' && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1";
    EXPECT_NE(std::system(cmd.c_str()), 0);
  }
}

TEST(ArtifactBundle, ZipPackVerifyAndCorruption) {
  test::TempDir dir("bundle-zip");
  write_run(dir / "run");
  auto r = test::run_cli({"artifacts", "pack", (dir / "run").string(), "--out", (dir / "b.zip").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  r = test::run_cli({"artifacts", "verify", (dir / "b.zip").string()});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("8 verified, 0 mismatched, 0 missing, 0 extra: OK"), std::string::npos) << r.out;

  // Python's zipfile unpacks it and sha256sum -c accepts the unpacked bundle.
  if (test::python_has("zipfile") && std::system("command -v sha256sum >/dev/null 2>&1") == 0) {
    test::run_python("import zipfile\nzipfile.ZipFile('" + (dir / "b.zip").string() + "').extractall('" +
                     (dir / "unzipped").string() + "')\n");
    const std::string cmd = "cd '" + (dir / "unzipped").string() + "' && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }

  // Corrupting a byte of the archive file breaks an entry: libzip's CRC check or our digest fails.
  std::string bytes = test::read_text(dir / "b.zip");
  const auto at = bytes.find("weights");
  ASSERT_NE(at, std::string::npos) << "best.pt is stored uncompressed in the archive";
  bytes[at] = 'W';
  test::write_text(dir / "b.zip", bytes);
  r = test::run_cli({"artifacts", "verify", (dir / "b.zip").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE((r.out + r.err).find("best.pt"), std::string::npos) << r.out << r.err;
}

TEST(ArtifactBundle, Errors) {
  test::TempDir dir("bundle-err");
  test::write_text(dir / "run/metrics.json", "{}");
  try {
    pack_artifacts(dir / "run", dir / "out");
    FAIL() << "no error without a checkpoint";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("best.pt"), std::string::npos) << e.what();
  }
  write_run(dir / "run2");
  test::write_text(dir / "occupied/x", "x");
  EXPECT_THROW(pack_artifacts(dir / "run2", dir / "occupied"), Error);
  EXPECT_THROW(verify_artifacts(dir / "run2"), Error);  // no SHA256SUMS
  try {
    parse_sha256sums("0123  best.pt\n", "B/SHA256SUMS");
    FAIL() << "no error for a short digest";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("B/SHA256SUMS:1"), std::string::npos) << e.what();
  }
  const std::string d(64, 'a');
  EXPECT_THROW(parse_sha256sums(d + "  ../escape\n", "S"), Error);
  EXPECT_THROW(parse_sha256sums(d + "  a\n" + d + "  a\n", "S"), Error);
  EXPECT_EQ(parse_sha256sums(std::string(64, 'A') + " *bin.pt\n", "S")[0].digest, d);
}

}  // namespace
}  // namespace ferkit
