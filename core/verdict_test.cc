#include "core/verdict.h"

#include <gtest/gtest.h>

namespace bg::core {

// Goal: every verdict's name reads back as itself, so result.json and saved histories round-trip.
TEST(Verdict, NamesReadBackAsThemselves) {
  for (Verdict v : {Verdict::held, Verdict::violated, Verdict::error}) EXPECT_EQ(parse_verdict(verdict_name(v)), v);
  EXPECT_EQ(verdict_headline(Verdict::violated), "VIOLATED");
}

// Goal: a word that is not a verdict is refused, not read as one (an edited result.json says "HELD").
TEST(Verdict, OtherWordsAreNoVerdict) {
  for (std::string_view w : {"", "HELD", "hold", "errors", " held"}) EXPECT_FALSE(parse_verdict(w).has_value()) << w;
}

}  // namespace bg::core
