#pragma once
// ProgressDisplay: the thin shell that shows progress_text (progress_line.h) on a terminal while a
// run goes. A thread of its own reads the run's LiveProgress and redraws one line of stderr five
// times a second; log lines go to stdout above it; stop() (or the destructor) joins the thread and
// erases the line, so what the command prints afterwards is what it printed without a terminal.
// One at a time in a process: there is one terminal, and whether a line is on it is process-wide.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "core/stopwatch.h"
#include "sim/live_progress.h"

namespace bg::cli {

class ProgressDisplay {
 public:
  // Shows nothing at all, and starts no thread, unless `enabled`.
  ProgressDisplay(const sim::LiveProgress& live, bool enabled, bool color);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // Prints one log line on stdout without tearing the progress line: clears it, prints, redraws.
  void print(const std::string& line);
  // Removes the line for good and joins the thread (the destructor does it too).
  void stop();

  // The terminal's width from stderr, 80 when it cannot be had.
  static size_t terminal_width();

 private:
  void draw_locked();

  const sim::LiveProgress& live_;
  const bool color_;
  const core::Stopwatch began_;  // the elapsed time the line shows is the user's, real
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

// progress_wanted and color_wanted for this process's own streams and environment (isatty, TERM,
// NO_COLOR) and --quiet.
bool terminal_progress_wanted(bool quiet);
bool terminal_color_wanted();

// For the signal watcher (signal_watcher.h), which writes its messages to fd 2 from its own thread
// with write(2) and takes no lock (the main thread may hold stdio's, or the display's, mid-write).
// Erases a progress line on screen, if any, so that the message written next starts on a clean
// line; the display draws the line again below the message at its next redraw.
void erase_progress_line_for_message();
// The same, and no progress line is drawn again: before _exit, which runs no destructor to erase it.
// A redraw already past its check may still land (a window of one write), never a thread of ours.
void silence_progress_lines();

}  // namespace bg::cli
