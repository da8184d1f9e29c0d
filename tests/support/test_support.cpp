#include "support/test_support.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "commands.h"

namespace ferkit::test {

TempDir::TempDir(const std::string& name) {
  static int counter = 0;
  path_ = std::filesystem::path(FERKIT_BINARY_DIR) / "test-tmp" /
          (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_png(const std::filesystem::path& file, int seed, int size) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  cv::Mat img(size, size, CV_8UC1);
  std::mt19937 rng(static_cast<unsigned>(seed) * 2654435761u + 17u);
  // Smooth random blobs: distinct difference hashes for distinct seeds.
  cv::Mat small(6, 6, CV_8UC1);
  for (int i = 0; i < 36; ++i) small.data[i] = static_cast<uint8_t>(rng() % 256);
  cv::resize(small, img, img.size(), 0, 0, cv::INTER_CUBIC);
  cv::imwrite(file.string(), img);
}

std::filesystem::path shared_dir() {
  auto p = std::filesystem::path(FERKIT_SOURCE_DIR).parent_path() / "shared";
  return std::filesystem::is_directory(p) ? p : std::filesystem::path();
}

std::filesystem::path ferplus_dir() {
  auto s = shared_dir();
  if (s.empty()) return {};
  auto p = s / "data" / "ferplus";
  return std::filesystem::exists(p / "FER2013Train" / "label.csv") ? p : std::filesystem::path();
}

std::filesystem::path npm_cache_dir() {
  const char* env = std::getenv("FERKIT_CACHE");
  return std::filesystem::path(env ? env : FERKIT_SOURCE_DIR "/.cache") / "npm";
}

bool python_has(const std::string& modules) {
  if (!std::filesystem::exists("/usr/bin/python3")) return false;
  std::string cmd = "/usr/bin/python3 -c 'import " + modules + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

std::string run_python(const std::string& script) {
  TempDir dir("py");
  auto file = dir / "script.py";
  write_text(file, script);
  std::string cmd = "OMP_NUM_THREADS=1 /usr/bin/python3 " + file.string() + " 2>" + (dir / "err.txt").string();
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  EXPECT_EQ(status, 0) << "python failed:\n" << read_text(dir / "err.txt");
  return out;
}

bool node_available() { return std::system("node --version >/dev/null 2>&1") == 0; }

CliResult run_cli(const std::vector<std::string>& args) {
  CliResult r;
  std::stringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  r.status = ferkit::cli::run(args);
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace ferkit::test
