#include "explore/odds_html.h"

#include <regex>

#include <gtest/gtest.h>

namespace bg::explore {
namespace {

Odds sample_odds() {
  Odds odds;
  odds.runs = 21;
  odds.judged = 20;
  odds.errors = 1;
  odds.error_examples = {"seed 9: the harness could not keep the traffic schedule <late>"};
  odds.violating = 3;
  odds.interval = wilson_interval(3, 20);
  odds.failed = {0, 0, 141};
  odds.invariants = {{"no_failed_requests", 3, wilson_interval(3, 20)},
                     {"post_at_most_once", 0, wilson_interval(0, 20)}};
  odds.swaps = {{1, 0, 20, wilson_interval(0, 20), {0, 0, 0}}, {2, 3, 20, wilson_interval(3, 20), {0, 0, 141}}};
  return odds;
}

// The width attribute of the rect with `css_class` inside the <svg id="...">, as a number.
double bar_width(const std::string& html, const std::string& svg_id, const std::string& css_class) {
  const auto at = html.find("id=\"" + svg_id + "\"");
  if (at == std::string::npos) return -1;
  const std::string svg = html.substr(at, html.find("</svg>", at) - at);
  std::smatch m;
  if (!std::regex_search(svg, m, std::regex("<rect[^>]*width=\"([0-9.]+)\"[^>]*class=\"" + css_class + "\"")) &&
      !std::regex_search(svg, m, std::regex("<rect[^>]*class=\"" + css_class + "\"[^>]*width=\"([0-9.]+)\"")))
    return -1;
  return std::stod(m[1]);
}

// Goal: the page gives the headline share, one row per invariant and per swap with the share and its
// interval in words, a bar as long as the share (3 of 20 is 15 % of the 240 px track, 0 of 20 none),
// the spread of failures, and the harness errors, escaped.
TEST(OddsHtml, ShowsEveryShareWithItsIntervalAndBar) {
  const std::string html = odds_html(sample_odds(), "seed", "20 runs on sim, seeds 1 to 20");
  EXPECT_NE(html.find("<header class=\"violated\">"), std::string::npos);
  EXPECT_NE(html.find("id=\"odds-headline\">15 %<"), std::string::npos);
  EXPECT_NE(html.find("20 runs on sim, seeds 1 to 20"), std::string::npos);
  EXPECT_NE(html.find("Violating runs: <b>3 of 20 (15 %, 95 % interval 5 %-36 %)</b>"), std::string::npos);
  EXPECT_NE(html.find("<td><code>no_failed_requests</code></td>"), std::string::npos);
  EXPECT_NE(html.find("0 of 20 (0 %, 95 % interval 0 %-16 %)"), std::string::npos);
  EXPECT_NEAR(bar_width(html, "invariant-no_failed_requests", "share"), 36, 0.1);
  EXPECT_NEAR(bar_width(html, "invariant-post_at_most_once", "share"), 0, 0.1);
  EXPECT_NEAR(bar_width(html, "swap-2", "share"), 36, 0.1);
  EXPECT_NE(html.find("<td class=\"num\">0 · 0 · 141</td>"), std::string::npos);
  EXPECT_NE(html.find("1 of 21 runs ended in a harness error"), std::string::npos);
  EXPECT_NE(html.find("schedule &lt;late&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<late>"), std::string::npos);
}

// Goal: with no violating run the page is marked held and its headline is 0 %; with no judged run
// it gives no odds rather than a share of nothing.
TEST(OddsHtml, HeldAndNoJudgedRunsReadAsSuch) {
  Odds held = sample_odds();
  held.violating = 0;
  held.interval = wilson_interval(0, 20);
  const std::string page = odds_html(held, "seed-fixed", "20 runs");
  EXPECT_NE(page.find("<header class=\"held\">"), std::string::npos);
  EXPECT_NE(page.find("id=\"odds-headline\">0 %<"), std::string::npos);
  Odds none;
  none.runs = 2;
  none.errors = 2;
  const std::string empty = odds_html(none, "seed", "2 runs");
  EXPECT_NE(empty.find("id=\"odds-headline\">NO ODDS<"), std::string::npos);
  EXPECT_NE(empty.find("Violating runs: <b>no judged run</b>"), std::string::npos);
  EXPECT_EQ(empty.find("id=\"swaps\""), std::string::npos);
}

}  // namespace
}  // namespace bg::explore
