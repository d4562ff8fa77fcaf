#include "cli/progress_display.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/progress_line.h"

namespace bg::cli {
namespace {

// Redraws per second: enough to look alive, few enough to cost nothing.
constexpr auto kRedrawEvery = std::chrono::milliseconds(200);
constexpr const char* kClearLine = "\r\x1b[K";

// Whether a progress line is on the terminal now, and whether drawing was given up for good (a
// second signal): process-wide atomics, because the signal watcher's thread reads and sets them
// without taking the display's lock.
std::atomic<bool> on_screen{false};
std::atomic<bool> silenced{false};

// Erases the line, if one is on screen, through stdio (under the display's lock).
void clear_line() {
  if (on_screen.exchange(false)) std::fputs(kClearLine, stderr), std::fflush(stderr);
}

// stderr without stdio's locks, as the signal watcher writes.
void write_stderr(const char* text) {
  for (size_t left = std::strlen(text); left > 0;) {
    const ssize_t n = ::write(STDERR_FILENO, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

size_t ProgressDisplay::terminal_width() {
  winsize w{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  return 80;
}

ProgressDisplay::ProgressDisplay(const sim::LiveProgress& live, bool enabled, bool color) : live_(live), color_(color) {
  if (!enabled) return;
  draw_locked();  // here rather than on the thread: the line is on screen before the first log line
  thread_ = std::jthread([this](std::stop_token stop) {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait_for(lock, stop, kRedrawEvery, [] { return false; });  // woken early only by stop()
      if (stop.stop_requested()) return;
      draw_locked();
    }
  });
}

ProgressDisplay::~ProgressDisplay() { stop(); }

void ProgressDisplay::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
  std::lock_guard lock(mutex_);
  clear_line();
}

void ProgressDisplay::print(const std::string& line) {
  std::lock_guard lock(mutex_);
  clear_line();
  std::cout << line << std::endl;
  if (thread_.joinable()) draw_locked();
}

void ProgressDisplay::draw_locked() {
  if (silenced) return;
  // `lost` before `requests`: the traffic counts a request before its loss, so read in this order
  // the line never shows more lost than requests.
  const int64_t lost = live_.lost;
  const int64_t requests = live_.requests;
  const ProgressSnapshot s{sim::run_phase_name(live_.phase), live_.swap, live_.swaps, requests, lost, began_.seconds()};
  std::fputs((std::string("\r") + progress_text(s, terminal_width(), color_) + "\x1b[K").c_str(), stderr);
  std::fflush(stderr);
  on_screen = true;
}

bool terminal_progress_wanted(bool quiet) {
  return progress_wanted(::isatty(STDOUT_FILENO) == 1, ::isatty(STDERR_FILENO) == 1, quiet, std::getenv("TERM"));
}

bool terminal_color_wanted() { return color_wanted(std::getenv("NO_COLOR")); }

void erase_progress_line_for_message() {
  if (on_screen.exchange(false)) write_stderr(kClearLine);
}

void silence_progress_lines() {
  silenced = true;
  erase_progress_line_for_message();
}

}  // namespace bg::cli
