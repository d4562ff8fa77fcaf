#include "reports/junit_report.h"

#include <gtest/gtest.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <map>
#include <regex>
#include <sstream>

#include "reports/sample_run_test_support.h"

namespace bg::reports {
namespace {

namespace pt = boost::property_tree;
using test_support::sample_run;

pt::ptree parse(const std::string& xml) {
  std::istringstream in(xml);
  pt::ptree tree;
  pt::read_xml(in, tree);  // throws on XML that is not well formed
  return tree;
}

std::vector<std::string> child_names(const pt::ptree& node) {
  std::vector<std::string> out;
  for (const auto& [name, _] : node)
    if (name != "<xmlattr>") out.push_back(name);
  return out;
}

// The JUnit schema's structure (JUnit.xsd): required attributes, element order, and counts that agree
// with the test cases. Returns the testcases.
std::vector<pt::ptree> check_schema_structure(const pt::ptree& doc) {
  const auto& suites = doc.get_child("testsuites");
  EXPECT_EQ(child_names(suites), std::vector<std::string>{"testsuite"});
  const auto& suite = suites.get_child("testsuite");
  for (const char* attr : {"name", "timestamp", "hostname", "tests", "failures", "errors", "time", "id", "package"})
    EXPECT_TRUE(suite.get_optional<std::string>(std::string("<xmlattr>.") + attr)) << "testsuite@" << attr;
  EXPECT_TRUE(
      std::regex_match(suite.get<std::string>("<xmlattr>.timestamp"), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")));
  auto names = child_names(suite);
  if (names.size() < 3) {
    ADD_FAILURE() << "testsuite needs properties, system-out and system-err";
    return {};
  }
  EXPECT_EQ(names.front(), "properties");
  EXPECT_EQ(names[names.size() - 2], "system-out");
  EXPECT_EQ(names.back(), "system-err");

  std::vector<pt::ptree> cases;
  int failures = 0, errors = 0;
  for (const auto& [name, node] : suite) {
    if (name != "testcase") continue;
    cases.push_back(node);
    for (const char* attr : {"name", "classname", "time"})
      EXPECT_TRUE(node.get_optional<std::string>(std::string("<xmlattr>.") + attr)) << "testcase@" << attr;
    EXPECT_GE(node.get<double>("<xmlattr>.time"), 0.0);
    for (const auto& [kind, result] : node) {
      if (kind == "<xmlattr>") continue;
      EXPECT_TRUE(kind == "failure" || kind == "error") << kind;
      EXPECT_TRUE(result.get_optional<std::string>("<xmlattr>.message"));
      EXPECT_TRUE(result.get_optional<std::string>("<xmlattr>.type"));
      (kind == "failure" ? failures : errors)++;
    }
  }
  EXPECT_EQ(suite.get<size_t>("<xmlattr>.tests"), cases.size());
  EXPECT_EQ(suite.get<int>("<xmlattr>.failures"), failures);
  EXPECT_EQ(suite.get<int>("<xmlattr>.errors"), errors);
  EXPECT_EQ(suites.get<size_t>("<xmlattr>.tests"), cases.size());
  EXPECT_EQ(suites.get<int>("<xmlattr>.failures"), failures);
  return cases;
}

}  // namespace

// Goal: a violated run's JUnit file parses back with the schema's structure and consistent counts.
TEST(JunitReport, ParsesBackWithTheSchemasStructure) {
  auto s = sample_run();
  auto cases = check_schema_structure(parse(to_junit(s.result, {"2024-05-01T12:00:00", "ci-runner"})));
  ASSERT_EQ(cases.size(), 4u);  // two invariants, the steady state before the first swap and one swap
}

// Goal: one case per invariant and per swap; the violated ones fail and carry their evidence.
TEST(JunitReport, FailsViolatedInvariantsAndSwapsWithEvidence) {
  auto s = sample_run();
  auto doc = parse(to_junit(s.result));
  std::map<std::string, pt::ptree> by_name;
  for (const auto& [name, node] : doc.get_child("testsuites.testsuite"))
    if (name == "testcase") by_name[node.get<std::string>("<xmlattr>.name")] = node;
  ASSERT_TRUE(by_name.count("no_failed_requests"));
  ASSERT_TRUE(by_name.count("switch_ordering"));
  ASSERT_TRUE(by_name.count("swap 1: blue-blue-1 -> green-green-1"));
  EXPECT_FALSE(by_name["switch_ordering"].get_child_optional("failure"));
  const auto invariant = by_name["no_failed_requests"].get_child("failure");
  EXPECT_NE(invariant.data().find("502 connection refused"), std::string::npos);
  const auto swap = by_name["swap 1: blue-blue-1 -> green-green-1"];
  EXPECT_DOUBLE_EQ(swap.get<double>("<xmlattr>.time"), 14.5);  // scenario seconds the deployment took
  const auto failure = swap.get_child("failure");
  EXPECT_EQ(failure.get<std::string>("<xmlattr>.type"), "failed_requests");
  EXPECT_NE(failure.data().find("proxy: [error] connect() failed (111: Connection refused)"), std::string::npos);
  EXPECT_NE(failure.data().find("container green-green-1: started"), std::string::npos);
}

// Goal: the swap cases and the steady state's carry their counts in the same words, so that they add
// up to the suite's totals; a steady state that lost nothing passes.
TEST(JunitReport, GivesEachStretchItsLostCounts) {
  auto s = sample_run();
  s.result.swaps[0].lost = {.failed = 5, .indeterminate = 2};
  s.result.swaps[0].lost.by_phase[static_cast<size_t>(SwapPhase::old_down)] = 7;
  auto doc = parse(to_junit(s.result));
  std::map<std::string, pt::ptree> by_name;
  for (const auto& [name, node] : doc.get_child("testsuites.testsuite"))
    if (name == "testcase") by_name[node.get<std::string>("<xmlattr>.name")] = node;
  ASSERT_TRUE(by_name.count("before the first swap"));
  EXPECT_FALSE(by_name["before the first swap"].get_child_optional("failure"));
  const auto failure = by_name["swap 1: blue-blue-1 -> green-green-1"].get_child("failure");
  EXPECT_EQ(failure.get<std::string>("<xmlattr>.message"),
            "swap 1: 7 requests lost (5 failed, 2 indeterminate) from its push until the next push");
  EXPECT_NE(failure.data().find("lost in: old color down 7"), std::string::npos);

  s.result.before_first_swap = {.failed = 3};
  doc = parse(to_junit(s.result));
  bool steady_failed = false;
  for (const auto& [name, node] : doc.get_child("testsuites.testsuite"))
    if (name == "testcase" && node.get<std::string>("<xmlattr>.name") == "before the first swap")
      steady_failed = node.get<std::string>("failure.<xmlattr>.message", "") ==
                      "before the first swap: 3 requests lost (3 failed, 0 indeterminate) in the steady state";
  EXPECT_TRUE(steady_failed);
}

// Goal: a harness error is one errored case, and the file still follows the schema.
TEST(JunitReport, ReportsAHarnessErrorAsAnErroredCase) {
  RunResult r;
  r.scenario = "seed";
  r.verdict = bg::core::Verdict::error;
  r.error = "the run passed its deadline <600s> & stopped";
  auto doc = parse(to_junit(r));
  auto cases = check_schema_structure(doc);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].get<std::string>("error.<xmlattr>.message"), r.error);
  EXPECT_EQ(doc.get<int>("testsuites.testsuite.<xmlattr>.errors"), 1);
}

// Goal: a run where everything held gives passing cases only.
TEST(JunitReport, PassesEveryCaseOfAHeldRun) {
  auto s = sample_run();
  s.result.verdict = bg::core::Verdict::held;
  for (auto& inv : s.result.invariants) inv.held = true;
  s.result.swaps[0].lost = {};
  auto cases = check_schema_structure(parse(to_junit(s.result)));
  for (const auto& c : cases) EXPECT_EQ(c.size(), 1u);  // attributes only
}

}  // namespace bg::reports
