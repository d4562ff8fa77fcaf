#include "cli/progress_line.h"

#include <gtest/gtest.h>

namespace bg::cli {
namespace {

ProgressSnapshot swap_two() { return {"swap", 2, 3, 1234, 5, 12.34}; }

// Goal: the line says the time, which swap of how many, the phase, requests and lost requests.
TEST(ProgressLine, SaysPhaseSwapRequestsAndLost) {
  EXPECT_EQ(progress_text(swap_two(), 200, false), "  12.3s  swap 2/3 (swap)  1234 requests  5 lost");
}

// Goal: before the run knows how many swaps it has, the line shows the phase alone, not "swap 0/0".
TEST(ProgressLine, StartingShowsNoSwapCount) {
  EXPECT_EQ(progress_text({"starting", 0, 0, 0, 0, 0.04}, 200, false), "   0.0s  starting  0 requests  0 lost");
}

// Goal: a narrow terminal gets the line cut short of its last column, so it never wraps.
TEST(ProgressLine, FitsTheTerminalWidth) {
  const auto text = progress_text(swap_two(), 20, false);
  EXPECT_EQ(text, "  12.3s  swap 2/3 (");
  EXPECT_EQ(text.size(), 19u);
  EXPECT_EQ(progress_text(swap_two(), 47, false).size(), 46u);  // the whole line is 47 columns
  EXPECT_EQ(progress_text(swap_two(), 48, false).size(), 47u);  // one to spare: not cut
  EXPECT_EQ(progress_text(swap_two(), 1, false), "");
  EXPECT_EQ(progress_text(swap_two(), 0, false).size(), 47u);  // 0: width unknown, nothing cut
}

// Goal: with colour, lost requests above zero stand out, without counting the escapes in the width;
// none is coloured when nothing was lost, and NO_COLOR turns colour off.
TEST(ProgressLine, ColoursLostRequestsUnlessNoColor) {
  EXPECT_EQ(progress_text(swap_two(), 200, true), "  12.3s  swap 2/3 (swap)  1234 requests  \x1b[1;31m5 lost\x1b[0m");
  auto none = swap_two();
  none.lost = 0;
  EXPECT_EQ(progress_text(none, 200, true).find('\x1b'), std::string::npos);
  EXPECT_EQ(progress_text(swap_two(), 20, true).find('\x1b'), std::string::npos);  // cut off: nothing to colour
  EXPECT_TRUE(color_wanted(nullptr));
  EXPECT_TRUE(color_wanted(""));
  EXPECT_FALSE(color_wanted("1"));
}

// Goal: the line shows only when stdout and stderr are a terminal that can redraw, never with --quiet.
TEST(ProgressLine, ShowsOnlyOnATerminal) {
  EXPECT_TRUE(progress_wanted(true, true, false, "xterm-256color"));
  EXPECT_TRUE(progress_wanted(true, true, false, nullptr));
  EXPECT_FALSE(progress_wanted(true, false, false, "xterm"));  // stderr redirected, CI logs
  EXPECT_FALSE(progress_wanted(false, true, false, "xterm"));  // stdout piped (`| cat`, `| tee`)
  EXPECT_FALSE(progress_wanted(false, false, false, "xterm"));
  EXPECT_FALSE(progress_wanted(true, true, true, "xterm"));  // --quiet
  EXPECT_FALSE(progress_wanted(true, true, false, "dumb"));
}

}  // namespace
}  // namespace bg::cli
