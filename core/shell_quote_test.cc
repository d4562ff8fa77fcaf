#include "core/shell_quote.h"

#include <gtest/gtest.h>

namespace bg::core {

// Goal: plain words stay as typed; anything the shell would split or expand is single-quoted.
TEST(ShellQuote, QuotesOnlyWhatTheShellWouldChange) {
  EXPECT_EQ(shell_quote("scenarios/data/seed"), "scenarios/data/seed");
  EXPECT_EQ(shell_quote("app.listen_delay=11s"), "app.listen_delay=11s");
  EXPECT_EQ(shell_quote("/tmp/my deploy"), "'/tmp/my deploy'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("$HOME"), "'$HOME'");
  EXPECT_EQ(shell_quote("a*"), "'a*'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("~user"), "'~user'");
}

}  // namespace bg::core
