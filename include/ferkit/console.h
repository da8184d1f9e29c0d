// Console output shared by the library and the CLI: verbosity, and a progress bar that draws only
// on a terminal.
//
//   ferkit::ProgressBar bar("train epoch 3", n_images, "img");
//   for (...) bar.advance(batch_size);      // redraws at most ~10 times per second
//   bar.finish();                           // prints the final line with the mean rate
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ferkit {

enum class Verbosity { kQuiet = 0, kNormal = 1, kVerbose = 2 };
void set_verbosity(Verbosity v);
Verbosity verbosity();

// Messages on stderr: info() is hidden by --quiet, debug() shown only with --verbose, warn() always.
void info(const std::string& message);
void warn(const std::string& message);
void debug(const std::string& message);

// True when stderr is a terminal (progress bars draw only then).
bool stderr_is_terminal();

class ProgressBar {
 public:
  // total: the number of units expected (0 = unknown); unit: "img", "batch", "frame"...
  ProgressBar(std::string label, int64_t total, std::string unit);
  ~ProgressBar();
  void advance(int64_t n = 1);
  // Extra text shown after the rate, e.g. "loss 0.83".
  void set_postfix(const std::string& text);
  void finish();

  double rate() const;  // units per second so far

 private:
  void draw(bool final_line);
  std::string label_, unit_, postfix_;
  int64_t total_, done_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool enabled_, finished_ = false;
};

}  // namespace ferkit
