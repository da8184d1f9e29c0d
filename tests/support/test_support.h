// Shared test fixtures: temporary directories, fixture writers, and peers (Python, node) that
// reference tests compare against. A test that needs a peer or ../shared data calls the matching
// FERKIT_REQUIRE_* macro, which skips with a message when it is absent.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "ferkit/build_paths.h"  // FERKIT_SOURCE_DIR, FERKIT_BINARY_DIR

namespace ferkit::test {

// A fresh directory under the build tree, removed at destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& name = "t");
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

void write_text(const std::filesystem::path& file, const std::string& text);
std::string read_text(const std::filesystem::path& file);

// Writes a size x size grayscale PNG whose pixels depend on seed (distinct images per seed).
void write_png(const std::filesystem::path& file, int seed, int size = 48);

// ../shared relative to the source tree ("" when it is absent).
std::filesystem::path shared_dir();
std::filesystem::path ferplus_dir();  // ../shared/data/ferplus or ""
// The npm cache written by scripts/setup.sh (FERKIT_CACHE or <source>/.cache).
std::filesystem::path npm_cache_dir();

// /usr/bin/python3 with every module in `modules` importable?
bool python_has(const std::string& modules);
// Runs /usr/bin/python3 with the script text, returns its stdout; fails the test on non-zero exit.
std::string run_python(const std::string& script);
bool node_available();

// Runs the ferkit CLI in-process and captures stderr/stdout.
struct CliResult {
  int status = 0;
  std::string out, err;
};
CliResult run_cli(const std::vector<std::string>& args);

}  // namespace ferkit::test

#define FERKIT_REQUIRE_PYTHON(modules)                                              \
  do {                                                                              \
    if (!::ferkit::test::python_has(modules))                                       \
      GTEST_SKIP() << "/usr/bin/python3 with " << (modules) << " is not installed"; \
  } while (0)

#define FERKIT_REQUIRE_FERPLUS()                                                       \
  do {                                                                                 \
    if (::ferkit::test::ferplus_dir().empty())                                         \
      GTEST_SKIP() << "../shared/data/ferplus is absent; real-data test skipped";      \
  } while (0)
