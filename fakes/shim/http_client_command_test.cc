#include "fakes/shim/http_client_command.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace bg::fakes {
namespace {

// The run's host owns every port of its own names; nothing else.
std::optional<uint16_t> owned(const std::string& host, uint16_t port) {
  if (host == "localhost" || host == "127.0.0.1" || host == "::1") return static_cast<uint16_t>(40000 + port % 1000);
  return std::nullopt;
}

bool contains(const std::vector<std::string>& v, const std::vector<std::string>& seq) {
  return std::search(v.begin(), v.end(), seq.begin(), seq.end()) != v.end();
}

}  // namespace

// Goal: curl keeps the URL (and so the Host header) as written and is pointed at the run's port with
// --connect-to; its times are scenario seconds; anything it was not told about is refused.
TEST(PlanCurl, RoutesTheHostsAddressesAndScalesTimes) {
  auto plan = plan_curl({"-fsS", "--max-time", "2", "http://localhost:3001/api/health"}, owned, 0.1, 39999);
  ASSERT_FALSE(plan.refusal);
  EXPECT_TRUE(contains(plan.args, {"-f", "-s", "-S", "--max-time", "0.200", "http://localhost:3001/api/health"}));
  EXPECT_TRUE(contains(plan.args, {"--connect-to", "localhost:3001:127.0.0.1:40001"}));
  EXPECT_TRUE(contains(plan.args, {"--connect-to", "::127.0.0.1:39999"}));
  EXPECT_TRUE(contains(plan.args, {"--noproxy", "*"}));
  // No scheme and no port: curl's http and 80.
  auto bare = plan_curl({"-o", "/dev/null", "-w", "%{http_code}", "localhost"}, owned, 1, 39999);
  ASSERT_FALSE(bare.refusal);
  EXPECT_TRUE(contains(bare.args, {"--connect-to", "localhost:80:127.0.0.1:40080"}));
  EXPECT_TRUE(contains(bare.args, {"-o", "/dev/null", "-w", "%{http_code}"}));
  auto clustered = plan_curl({"-sm3", "http://127.0.0.1:3000/"}, owned, 0.5, 39999);
  EXPECT_TRUE(contains(clustered.args, {"-s", "-m", "1.500"}));
}

// Goal: the run's routing comes before the script's words, so that a `--` of the script's cannot turn
// it into URLs (curl would then reach the address as written).
TEST(PlanCurl, RoutingComesBeforeTheScriptsWords) {
  auto plan = plan_curl({"-s", "--", "http://localhost:3001/"}, owned, 1, 39999);
  ASSERT_FALSE(plan.refusal);
  const auto end_of_options = std::find(plan.args.begin(), plan.args.end(), "--");
  const auto route = std::find(plan.args.begin(), plan.args.end(), "localhost:3001:127.0.0.1:40001");
  ASSERT_NE(end_of_options, plan.args.end());
  ASSERT_NE(route, plan.args.end());
  EXPECT_LT(route - plan.args.begin(), end_of_options - plan.args.begin());
}

// Goal: an address outside the run's host, an option that could send curl elsewhere, and a scheme
// other than http(s) are not modelled: the run ends instead of sending a byte there.
TEST(PlanCurl, RefusesWhatCouldLeaveTheRun) {
  auto outside = plan_curl({"-s", "https://hooks.slack.com/services/x"}, owned, 1, 39999);
  ASSERT_TRUE(outside.refusal);
  EXPECT_EQ(outside.refusal->not_modelled, "curl to hooks.slack.com:443 (an address outside the run's host)");
  for (const auto& args : std::vector<std::vector<std::string>>{{"-x", "http://proxy:8080", "localhost"},
                                                                {"--resolve", "a:80:1.2.3.4", "http://a/"},
                                                                {"--unix-socket", "/var/run/docker.sock", "localhost"},
                                                                {"-K", "config.txt"},
                                                                {"ftp://localhost/x"}}) {
    auto plan = plan_curl(args, owned, 1, 39999);
    ASSERT_TRUE(plan.refusal) << args[0];
    EXPECT_FALSE(plan.refusal->not_modelled.empty()) << args[0];
  }
}

// Goal: curl reads the script's stdin only when told to (curl_options.h has the whole rule).
TEST(PlanCurl, ReadsStdinOnlyWhenCurlWould) {
  EXPECT_TRUE(plan_curl({"-d", "@-", "localhost"}, owned, 1, 1).reads_stdin);
  EXPECT_TRUE(plan_curl({"-H", "@-", "localhost"}, owned, 1, 1).reads_stdin);
  EXPECT_TRUE(plan_curl({"-T", ".", "localhost"}, owned, 1, 1).reads_stdin);
  EXPECT_FALSE(plan_curl({"-d", "x=1", "localhost"}, owned, 1, 1).reads_stdin);
  EXPECT_FALSE(plan_curl({"-o", "@-", "localhost"}, owned, 1, 1).reads_stdin);
}

// Goal: the real curl's command line, not getopt_long's: a unique prefix names an option, and
// `--name=value`, `--no-` before a value option and an unknown letter are curl's own usage errors
// (exit 2, nothing sent), as curl 7.88 prints them; a letter curl knows but the run does not model is
// not modelled.
TEST(PlanCurl, ReadsTheCommandLineAsCurlDoes) {
  auto prefix = plan_curl({"--max-tim", "2", "--sil", "localhost"}, owned, 0.1, 1);
  ASSERT_FALSE(prefix.refusal);
  EXPECT_TRUE(contains(prefix.args, {"--max-time", "0.200", "--sil", "localhost"}));
  const std::vector<std::pair<std::vector<std::string>, std::string>> usage_errors = {
      {{"--max-time=2", "localhost"}, "curl: option --max-time=2: is unknown"},
      {{"--data-binary=@-", "localhost"}, "curl: option --data-binary=@-: is unknown"},
      {{"--dat", "x", "localhost"}, "curl: option --dat: is ambiguous"},
      {{"--no-data", "x", "localhost"}, "curl: option --no-data: used '--no-' for option that isn't a boolean"},
      {{"-", "localhost"}, "curl: option -: is unknown"},
      {{"-s@", "localhost"}, "curl: option -s@: is unknown"}};
  for (const auto& [args, first_line] : usage_errors) {
    auto plan = plan_curl(args, owned, 1, 1);
    ASSERT_TRUE(plan.refusal) << args[0];
    EXPECT_EQ(plan.refusal->exit_code, 2) << args[0];
    EXPECT_EQ(plan.refusal->not_modelled, "") << args[0];
    EXPECT_EQ(plan.refusal->err, first_line + "\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
  }
  // Booleans the table names by their --no- form, and a name in capitals.
  auto negated =
      plan_curl({"--no-progress-meter", "--no-buffer", "--no-keepalive", "--DATA", "x", "localhost"}, owned, 1, 1);
  ASSERT_FALSE(negated.refusal) << negated.refusal->not_modelled;
  EXPECT_TRUE(contains(negated.args, {"--no-progress-meter", "--no-buffer", "--no-keepalive", "--data", "x"}));
  auto no_prefix = plan_curl({"--no-sil", "localhost"}, owned, 1, 1);
  ASSERT_TRUE(no_prefix.refusal);
  EXPECT_EQ(no_prefix.refusal->exit_code, 2);
  auto known_letter = plan_curl({"-j", "localhost"}, owned, 1, 1);
  ASSERT_TRUE(known_letter.refusal);
  EXPECT_EQ(known_letter.refusal->not_modelled, "curl option -j");
}

// Goal: wget reaches the run's port with the Host header it would have sent.
TEST(PlanWget, RewritesTheUrlAndKeepsTheHostHeader) {
  auto plan = plan_wget({"-qO-", "--timeout=10", "http://localhost:3001/api/health?x=1"}, owned, 0.1);
  ASSERT_FALSE(plan.refusal);
  EXPECT_TRUE(contains(plan.args, {"--header=Host: localhost:3001"}));
  EXPECT_TRUE(contains(plan.args, {"-q", "-O", "-", "--timeout", "1.000", "http://127.0.0.1:40001/api/health?x=1"}));
  EXPECT_TRUE(plan_wget({"http://example.com/"}, owned, 1).refusal);
}

// Goal: URL targets as curl reads them.
TEST(ParseUrlTarget, DefaultsAndForms) {
  auto t = parse_url_target("HTTPS://User:pw@LocalHost/x");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scheme, "https");
  EXPECT_EQ(t->host, "localhost");
  EXPECT_EQ(t->port, 443);
  EXPECT_EQ(parse_url_target("[::1]:3000/")->host, "::1");
  EXPECT_EQ(parse_url_target("[::1]:3000/")->port, 3000);
  EXPECT_FALSE(parse_url_target("http://localhost:99999/"));
  EXPECT_FALSE(parse_url_target("gopher://x/"));
}

}  // namespace bg::fakes
