#include "ferkit/console.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <mutex>

namespace ferkit {
namespace {
std::atomic<int> g_verbosity{static_cast<int>(Verbosity::kNormal)};
std::mutex g_out;

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 360000) return "--:--";
  int s = static_cast<int>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%02d:%02d", s / 60, s % 60);
  return buf;
}
}  // namespace

void set_verbosity(Verbosity v) { g_verbosity = static_cast<int>(v); }
Verbosity verbosity() { return static_cast<Verbosity>(g_verbosity.load()); }

void info(const std::string& message) {
  if (verbosity() == Verbosity::kQuiet) return;
  std::lock_guard<std::mutex> lock(g_out);
  std::cerr << message << '\n';
}
void warn(const std::string& message) {
  std::lock_guard<std::mutex> lock(g_out);
  std::cerr << "warning: " << message << '\n';
}
void debug(const std::string& message) {
  if (verbosity() != Verbosity::kVerbose) return;
  std::lock_guard<std::mutex> lock(g_out);
  std::cerr << "debug: " << message << '\n';
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total),
      start_(std::chrono::steady_clock::now()), last_draw_(start_),
      enabled_(stderr_is_terminal() && verbosity() != Verbosity::kQuiet) {}

ProgressBar::~ProgressBar() {
  if (!finished_) finish();
}

double ProgressBar::rate() const {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return secs > 0 ? static_cast<double>(done_) / secs : 0.0;
}

void ProgressBar::advance(int64_t n) {
  done_ += n;
  auto now = std::chrono::steady_clock::now();
  if (enabled_ && now - last_draw_ > std::chrono::milliseconds(100)) {
    last_draw_ = now;
    draw(false);
  }
}

void ProgressBar::set_postfix(const std::string& text) { postfix_ = text; }

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) draw(true);
}

void ProgressBar::draw(bool final_line) {
  const int width = 28;
  double frac = total_ > 0 ? std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_)) : 0.0;
  int filled = static_cast<int>(frac * width);
  std::string bar(filled, '#');
  bar += std::string(width - filled, '.');
  double r = rate();
  double eta = (r > 0 && total_ > 0) ? static_cast<double>(total_ - done_) / r : -1;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char buf[256];
  std::snprintf(buf, sizeof buf, "\r%s [%s] %lld/%lld %.1f %s/s %s%s", label_.c_str(), bar.c_str(),
                static_cast<long long>(done_), static_cast<long long>(total_), r, unit_.c_str(),
                final_line ? ("in " + format_duration(elapsed)).c_str() : ("ETA " + format_duration(eta)).c_str(),
                postfix_.empty() ? "" : ("  " + postfix_).c_str());
  std::lock_guard<std::mutex> lock(g_out);
  std::cerr << buf << "\033[K" << (final_line ? "\n" : "") << std::flush;
}

}  // namespace ferkit
