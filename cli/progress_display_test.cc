#include "cli/progress_display.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iterator>
#include <string>
#include <thread>

#include "test_support/wait.h"

namespace bg::cli {
namespace {

// The threads of this process, as the kernel lists them.
size_t thread_count() {
  const std::filesystem::directory_iterator tasks("/proc/self/task");
  return static_cast<size_t>(std::distance(begin(tasks), end(tasks)));
}

// How many times the line was drawn: every draw and every erase starts with "\r", and an erase is
// "\r\x1b[K" alone.
size_t draws(const std::string& err) {
  size_t n = 0;
  for (size_t at = err.find('\r'); at != std::string::npos; at = err.find('\r', at + 1))
    if (err.compare(at, 4, "\r\x1b[K") != 0) ++n;
  return n;
}

// Swap 1 of 3 under way, 40 requests ended (LiveProgress holds atomics: filled in place).
void swap_one_of_three(sim::LiveProgress& live) {
  live.phase = sim::RunPhase::swap;
  live.swap = 1;
  live.swaps = 3;
  live.requests = 40;
}

// Goal: off (not a terminal, --quiet), the display writes nothing to stderr, starts no thread, and
// log lines still reach stdout as they did before it existed.
TEST(ProgressDisplay, OffWritesNothingAndStartsNoThread) {
  sim::LiveProgress live;
  swap_one_of_three(live);
  const size_t threads = thread_count();
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  {
    ProgressDisplay display(live, false, true);
    EXPECT_EQ(thread_count(), threads);
    display.print("traffic on");
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "traffic on\n");
}

// Goal: on, the line is redrawn at most five times a second (never a busy loop), says what the run
// is doing, and stop() erases it last and leaves no thread behind.
TEST(ProgressDisplay, RedrawsBoundedThenErasesAndJoins) {
  sim::LiveProgress live;
  swap_one_of_three(live);
  const size_t threads = thread_count();
  testing::internal::CaptureStderr();
  ProgressDisplay display(live, true, false);
  EXPECT_EQ(thread_count(), threads + 1);
  // A second of drawing, the span the rate below is counted over: throughout, the display keeps its
  // one thread (a draw never starts another).
  EXPECT_TRUE(test_support::holds_for([&] { return thread_count() == threads + 1; }, std::chrono::seconds(1),
                                      "the display's one thread, drawing"));
  display.stop();
  EXPECT_EQ(thread_count(), threads);
  const auto err = testing::internal::GetCapturedStderr();
  EXPECT_GE(draws(err), 1u);
  EXPECT_LE(draws(err), 7u) << "one at start, five in a second, one of slack";
  EXPECT_NE(err.find("swap 1/3 (swap)  40 requests  0 lost"), std::string::npos);
  ASSERT_GE(err.size(), 4u);
  EXPECT_EQ(err.substr(err.size() - 4), "\r\x1b[K");
  display.stop();  // a second stop (the destructor's) writes nothing more
  EXPECT_EQ(thread_count(), threads);
}

// Goal: a log line printed while the line shows lands on a clean line of its own: the progress line
// is erased before it and drawn again after it.
TEST(ProgressDisplay, LogLineGoesAboveTheProgressLine) {
  sim::LiveProgress live;
  swap_one_of_three(live);
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  {
    ProgressDisplay display(live, true, false);
    display.print("swap 2 of 3");
  }
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "swap 2 of 3\n");
  const auto err = testing::internal::GetCapturedStderr();
  const auto first_draw = err.find("swap 1/3");
  const auto erase = err.find("\r\x1b[K", first_draw);
  ASSERT_NE(first_draw, std::string::npos);
  ASSERT_NE(erase, std::string::npos);
  EXPECT_NE(err.find("swap 1/3", erase), std::string::npos) << "drawn again after the log line";
}

// Goal: the signal watcher's message starts on a clean line: a drawn progress line is erased for
// it, once; with nothing on screen nothing is written. (silence_progress_lines is left untested
// here: it holds for the rest of the process, which would silence the tests after it.)
TEST(ProgressDisplay, SignalMessageErasesTheLineOnce) {
  sim::LiveProgress live;
  swap_one_of_three(live);
  testing::internal::CaptureStderr();
  erase_progress_line_for_message();  // no display: nothing to erase
  ProgressDisplay display(live, true, false);
  erase_progress_line_for_message();
  erase_progress_line_for_message();  // erased already: nothing more
  display.stop();                     // nothing on screen: nothing more either
  const auto err = testing::internal::GetCapturedStderr();
  const auto first_draw_end = err.find("\x1b[K");
  ASSERT_NE(first_draw_end, std::string::npos);
  EXPECT_EQ(err.substr(0, 8), "\r   0.0s") << "the display's draw comes first";
  EXPECT_EQ(err.substr(first_draw_end + 3), "\r\x1b[K") << "then one erase, and nothing after it";
}

}  // namespace
}  // namespace bg::cli
