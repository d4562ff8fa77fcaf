#include "cli/progress_line.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace bg::cli {
namespace {

// Redraws per second: enough to look alive, few enough to cost nothing.
constexpr auto kRedrawEvery = std::chrono::milliseconds(200);
constexpr const char* kClearLine = "\r\x1b[K";

}  // namespace

std::string progress_text(const ProgressSnapshot& s, size_t width, bool color) {
  const std::string lost = fmt::format("{} lost", s.lost);
  std::string text = fmt::format("{:6.1f}s  swap {}/{} ({})  {} requests  {}", s.elapsed_s, s.swap, s.swaps, s.phase,
                                 s.requests, lost);
  if (width > 0 && text.size() >= width) text.resize(width - 1);   // the last column would wrap on some terminals
  if (color && s.lost > 0)
    if (auto at = text.rfind(lost); at != std::string::npos && at + lost.size() == text.size())
      text.replace(at, lost.size(), "\x1b[1;31m" + lost + "\x1b[0m");
  return text;
}

bool progress_wanted(bool stderr_is_terminal, bool quiet, const char* term) {
  return stderr_is_terminal && !quiet && !(term && std::strcmp(term, "dumb") == 0);
}

bool color_wanted(const char* no_color) { return !(no_color && *no_color); }

bool stderr_progress_wanted(bool quiet) { return progress_wanted(::isatty(STDERR_FILENO) == 1, quiet, std::getenv("TERM")); }

size_t ProgressLine::terminal_width() {
  winsize w{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  return 80;
}

ProgressLine::ProgressLine(const sim::LiveProgress& live, bool enabled, bool color)
    : live_(live), enabled_(enabled), color_(color) {
  if (!enabled_) return;
  thread_ = std::jthread([this](std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      draw_locked();
      wake_.wait_for(lock, stop, kRedrawEvery, [] { return false; });
    }
  });
}

ProgressLine::~ProgressLine() { stop(); }

void ProgressLine::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
  std::lock_guard lock(mutex_);
  if (drawn_) std::fputs(kClearLine, stderr), std::fflush(stderr);
  drawn_ = false;
}

void ProgressLine::print(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (drawn_) std::fputs(kClearLine, stderr), std::fflush(stderr);
  std::cout << line << std::endl;
  if (thread_.joinable()) draw_locked();
}

void ProgressLine::draw_locked() {
  const ProgressSnapshot s{sim::run_phase_name(live_.phase), live_.swap, live_.swaps, live_.requests, live_.lost,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count()};
  std::fputs((std::string("\r") + progress_text(s, terminal_width(), color_) + "\x1b[K").c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace bg::cli
