#include "differential/differential_table.h"

#include <gtest/gtest.h>

namespace bg::differential {
namespace {

DifferentialRow row(std::string ours, std::map<std::string, int64_t> a, std::string nginx,
                    std::map<std::string, int64_t> b) {
  DifferentialRow r{
      "v", 1, {*core::parse_verdict(ours), std::move(a), 10, ""}, {*core::parse_verdict(nginx), std::move(b), 10, ""}};
  return r;
}

}  // namespace

// Goal: the same verdict and the same set of classes agree, whatever the counts.
TEST(DifferentialTable, SameVerdictAndClassSetAgreeWhateverTheCounts) {
  EXPECT_TRUE(row("violated", {{"POST 502 upstream prematurely closed", 3}}, "violated",
                  {{"POST 502 upstream prematurely closed", 9}})
                  .agree());
  EXPECT_TRUE(row("held", {}, "held", {}).agree());
}

// Goal: another verdict, a class only one proxy produced, or a harness error is a disagreement.
TEST(DifferentialTable, VerdictClassOrErrorDifferenceDisagrees) {
  EXPECT_FALSE(row("held", {}, "violated", {{"GET 502 no live upstreams", 1}}).agree());
  EXPECT_FALSE(row("violated", {{"GET 502 no live upstreams", 1}}, "violated",
                   {{"GET 502 no live upstreams", 1}, {"GET 502 connection refused", 1}})
                   .agree());
  EXPECT_FALSE(
      row("violated", {{"GET 502 no live upstreams", 1}}, "violated", {{"GET 502 connection refused", 1}}).agree());
  EXPECT_FALSE(row("error", {}, "error", {}).agree());
}

// Goal: a dropped connection seen as FIN on one side and RST on the other is the same failure, but
// only for the same method, and never the same as another class.
TEST(DifferentialTable, DroppedConnectionAgreesWhetherFinOrReset) {
  EXPECT_TRUE(
      row("violated", {{"POST 502 connection reset", 4}}, "violated", {{"POST 502 upstream prematurely closed", 2}})
          .agree());
  EXPECT_FALSE(
      row("violated", {{"GET 502 connection reset", 4}}, "violated", {{"POST 502 upstream prematurely closed", 2}})
          .agree());
  EXPECT_FALSE(
      row("violated", {{"POST 502 connection reset", 4}}, "violated", {{"POST 502 no live upstreams", 2}}).agree());
  EXPECT_EQ(failure_family("GET 502 no live upstreams"), "GET 502 no live upstreams");
}

// Goal: with a minor share, a family on one side only is forgiven while it is under that share of
// that side's failures (and named in the table); at or above it, or without a share, it disagrees.
TEST(DifferentialTable, MinorFamilyOnOneSideIsForgivenOnlyUnderItsShare) {
  auto r = row("violated", {{"GET 502 no live upstreams", 368}}, "violated",
               {{"GET 502 no live upstreams", 331}, {"POST 502 upstream prematurely closed", 5}});
  EXPECT_FALSE(r.agree());  // exact by default (the nginx differential)
  r.minor_share = 0.02;
  EXPECT_TRUE(r.agree());
  EXPECT_EQ(r.forgiven(), "POST 502 upstream dropped the request ×5");
  EXPECT_NE(format_table({r}).find("yes, but for minor POST 502 upstream dropped the request ×5"), std::string::npos);
  r.nginx.classes["POST 502 upstream prematurely closed"] = 7;  // 7 of 338: 2.07 %
  EXPECT_FALSE(r.agree());
  EXPECT_EQ(r.forgiven(), "");
  // A minor share never makes another verdict, or a family missing on the other side that is the
  // whole of this side's failures, agree.
  auto s = row("violated", {{"POST 502 connection reset", 2}}, "violated", {{"GET 502 no live upstreams", 400}});
  s.minor_share = 0.02;
  EXPECT_FALSE(s.agree());
  auto t = row("held", {}, "violated", {{"GET 502 no live upstreams", 1}});
  t.minor_share = 0.02;
  EXPECT_FALSE(t.agree());
}

// Goal: the printed table names each class with its count on each side and says NO where they differ.
TEST(DifferentialTable, TableShowsClassesWithCountsAndDisagreement) {
  std::string t = format_table({row("violated", {{"POST 502 upstream prematurely closed", 3}}, "held", {})});
  EXPECT_NE(t.find("| violated / held |"), std::string::npos) << t;
  EXPECT_NE(t.find("POST 502 upstream prematurely closed ×3"), std::string::npos) << t;
  EXPECT_NE(t.find("| NO |"), std::string::npos) << t;
}

}  // namespace bg::differential
