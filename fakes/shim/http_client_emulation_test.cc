#include "fakes/shim/http_client_emulation.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/shell_quote.h"
#include "fakes/shim/curl_options.h"
#include "fakes/shim/http_client_parts.h"
#include "test_support/loopback.h"

namespace bg::fakes {
namespace {

using namespace std::chrono_literals;
using Failure = HttpOutcome::Failure;

// The run's host owns every port of its own names, served on 40000 + port % 1000; nothing else.
std::optional<uint16_t> owned(const std::string& host, uint16_t port) {
  if (host == "localhost" || host == "127.0.0.1") return static_cast<uint16_t>(40000 + port % 1000);
  return std::nullopt;
}

HttpOutcome response(int status, const std::string& reason, const std::string& body, core::Duration elapsed = 0ms,
                     HttpHeaders extra = {}) {
  HttpOutcome o;
  o.status = status;
  o.reason = reason;
  o.headers = {{"Content-Type", "text/plain"}, {"Content-Length", std::to_string(body.size())}};
  o.headers.insert(o.headers.end(), extra.begin(), extra.end());
  o.body = body;
  o.elapsed = elapsed;
  return o;
}
HttpOutcome failure(Failure f, core::Duration elapsed = 0ms, bool connected = true) {
  HttpOutcome o;
  o.failure = f;
  o.elapsed = elapsed;
  o.connected = connected;
  return o;
}

// A run that answers from a script: each exchange takes the next outcome and moves the clock by
// its elapsed time; sleeps are recorded and move the clock too; files live in a map.
struct ScriptedRun {
  std::vector<HttpOutcome> outcomes;
  std::vector<HttpCall> calls;
  std::vector<core::Duration> sleeps;
  core::Time clock{};
  std::map<std::string, std::string> files;
  std::set<std::string> unwritable;

  HttpClientWorld world() {
    HttpClientWorld w;
    w.owned = owned;
    w.exchange = [this](const HttpCall& call) {
      calls.push_back(call);
      if (calls.size() > outcomes.size()) {
        ADD_FAILURE() << "unexpected exchange #" << calls.size() << " " << call.method << " " << call.target;
        return failure(Failure::refused);
      }
      clock += outcomes[calls.size() - 1].elapsed;
      return outcomes[calls.size() - 1];
    };
    w.sleep = [this](core::Duration d) {
      sleeps.push_back(d);
      clock += d;
      return true;
    };
    w.now = [this] { return clock; };
    w.write_file = [this](const std::string& path, const std::string& data) {
      if (unwritable.count(path)) return false;
      files[path] = data;
      return true;
    };
    w.read_file = [this](const std::string& path) -> std::optional<std::string> {
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    w.cwd = "/home/ec2-user";
    w.wall_clock_origin = std::chrono::sys_days{std::chrono::year{2026} / 12 / 6} + 13h + 36min + 24s;
    return w;
  }
  core::CommandResult curl(const std::vector<std::string>& args, const std::string& stdin_data = "") {
    return emulate_curl(args, stdin_data, world());
  }
  core::CommandResult wget(const std::vector<std::string>& args) { return emulate_wget(args, "", world()); }
};

const std::string kRefused = "Failed to connect to localhost port 3001 after 0 ms: Couldn't connect to server";
const std::string kMeterHead =
    "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
    "                                 Dload  Upload   Total   Spent    Left  Speed\n";
const std::string kMeterZero = "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0";
const std::string kOkHead = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n";

}  // namespace

// Goal: a refused connection is curl's exit 7, said on stderr unless -s (and again with -S), the
// progress meter around it when not silent; the call went to the run's port for the address.
TEST(CurlEmulation, RefusedConnectionIsExit7WordedAsCurlSaysIt) {
  for (const auto& [args, err] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"-s", "http://localhost:3001/"}, ""},
           {{"-sS", "http://localhost:3001/"}, "curl: (7) " + kRefused + "\n"},
           {{"-fsS", "http://localhost:3001/"}, "curl: (7) " + kRefused + "\n"},
           {{"http://localhost:3001/"}, kMeterHead + kMeterZero + kMeterZero + "\ncurl: (7) " + kRefused + "\n"}}) {
    ScriptedRun run;
    run.outcomes = {failure(Failure::refused)};
    auto r = run.curl(args);
    EXPECT_EQ(r.exit_code, 7) << args[0];
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, err) << args[0];
    ASSERT_EQ(run.calls.size(), 1u);
    EXPECT_EQ(run.calls[0].port, 40001);
    EXPECT_EQ(run.calls[0].target, "/");
  }
}

// Goal: --max-time is the exchange's time limit, and running out of it is exit 28 with the wording
// of the phase it ran out in (lib/multi.c, lib/connect.c).
TEST(CurlEmulation, TimeoutsAreExit28ByPhase) {
  ScriptedRun run;
  run.outcomes = {failure(Failure::timeout, 2s, true)};
  auto r = run.curl({"-sS", "-m", "2", "http://localhost:3000/slow"});
  EXPECT_EQ(r.exit_code, 28);
  EXPECT_EQ(r.err, "curl: (28) Operation timed out after 2000 milliseconds with 0 bytes received\n");
  ASSERT_EQ(run.calls.size(), 1u);
  EXPECT_EQ(run.calls[0].timeout, 2s);
  EXPECT_EQ(run.calls[0].connect_timeout, 300s);  // curl's default connect timeout

  ScriptedRun connecting;
  connecting.outcomes = {failure(Failure::timeout, 1500ms, false)};
  r = connecting.curl({"-sSm1.5", "http://localhost:3000/"});
  EXPECT_EQ(r.err, "curl: (28) Connection timed out after 1500 milliseconds\n");

  ScriptedRun connect_limit;
  connect_limit.outcomes = {failure(Failure::timeout, 1s, false)};
  r = connect_limit.curl({"-sS", "--connect-timeout", "1", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 28);
  EXPECT_EQ(r.err, "curl: (28) Failed to connect to localhost port 3000 after 1000 ms: Timeout was reached\n");
  EXPECT_EQ(connect_limit.calls[0].connect_timeout, 1s);
  EXPECT_EQ(connect_limit.calls[0].timeout, core::Duration::max());

  ScriptedRun partial;  // the head came, then the body stalled
  HttpOutcome stalled = response(200, "OK", "he", 3s);
  stalled.headers[1].second = "6";
  stalled.failure = Failure::timeout;
  partial.outcomes = {stalled};
  r = partial.curl({"-sS", "--max-time", "3", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 28);
  EXPECT_EQ(r.out, "he");
  EXPECT_EQ(r.err, "curl: (28) Operation timed out after 3000 milliseconds with 2 out of 6 bytes received\n");
}

// Goal: EOF before any byte is 52, a reset is 56, a body shorter than its Content-Length is 18.
TEST(CurlEmulation, EmptyReplyResetAndShortBodyHaveCurlsCodes) {
  ScriptedRun empty;
  empty.outcomes = {failure(Failure::empty_reply)};
  auto r = empty.curl({"-sS", "localhost:3000"});
  EXPECT_EQ(r.exit_code, 52);
  EXPECT_EQ(r.err, "curl: (52) Empty reply from server\n");
  EXPECT_EQ(empty.calls[0].port, 40000);

  ScriptedRun reset;
  reset.outcomes = {failure(Failure::reset)};
  r = reset.curl({"-sS", "http://127.0.0.1:3000/api"});
  EXPECT_EQ(r.exit_code, 56);
  EXPECT_EQ(r.err, "curl: (56) Recv failure: Connection reset by peer\n");

  ScriptedRun cut;
  HttpOutcome short_body = response(200, "OK", "hel");
  short_body.headers[1].second = "6";
  cut.outcomes = {short_body};
  r = cut.curl({"-sS", "http://127.0.0.1:3000/"});
  EXPECT_EQ(r.exit_code, 18);
  EXPECT_EQ(r.out, "hel");
  EXPECT_EQ(r.err, "curl: (18) transfer closed with 3 bytes remaining to read\n");
}

// Goal: -f turns a status >= 400 into exit 22 without the body; --fail-with-body keeps the body;
// neither changes a 200; without -f a 503 is a success.
TEST(CurlEmulation, FailOn503IsExit22) {
  ScriptedRun run;
  run.outcomes = {response(503, "Service Unavailable", "down\n")};
  auto r = run.curl({"-fsS", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 22);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "curl: (22) The requested URL returned error: 503\n");

  ScriptedRun quiet;
  quiet.outcomes = {response(503, "Service Unavailable", "down\n")};
  r = quiet.curl({"-sf", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 22);
  EXPECT_EQ(r.err, "");

  ScriptedRun with_body;
  with_body.outcomes = {response(503, "Service Unavailable", "down\n")};
  r = with_body.curl({"-sS", "--fail-with-body", "-w", "%{errormsg}|%{exitcode}\n", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 22);
  EXPECT_EQ(r.out, "down\nHTTP response code said error|22\n");
  EXPECT_EQ(r.err, "curl: (22) The requested URL returned error: 503\n");

  ScriptedRun no_fail;
  no_fail.outcomes = {response(503, "Service Unavailable", "down\n")};
  r = no_fail.curl({"-sS", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "down\n");
}

// Goal: -w prints after the body with curl's formats: 000 for a response that never came, the
// exit code and error text, \n escapes, %% and an unknown variable's complaint.
TEST(CurlEmulation, WriteOutPrints000OnConnectFailure) {
  ScriptedRun run;
  run.outcomes = {failure(Failure::refused)};
  auto r = run.curl({"-s", "-o", "/dev/null", "-w", "%{http_code}", "http://localhost:3001/"});
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.out, "000");

  ScriptedRun ok;
  ok.outcomes = {response(200, "OK", "hello\n", 3500us)};
  r = ok.curl({"-sS", "-o", "/dev/null", "-w",
               "%{http_code} %{response_code} %{time_total} %{size_download} %{url_effective} %{exitcode} "
               "[%{errormsg}] %{content_type} 100%%\\t%{bogus}\\n",
               "http://localhost:3000/a/../health#top"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "200 200 0.003500 6 http://localhost:3000/health#top 0 [] text/plain 100%\t\n");
  EXPECT_EQ(r.err, "curl: unknown --write-out variable: 'bogus'\n");
  EXPECT_EQ(ok.calls[0].target, "/health");

  ScriptedRun refused;
  refused.outcomes = {failure(Failure::refused)};
  r = refused.curl({"-s", "-w", "%{exitcode} %{errormsg}", "localhost:3001"});
  EXPECT_EQ(r.out, "7 " + kRefused);
}

// Goal: -D - puts the head on stdout while -o /dev/null drops the body; -I asks with HEAD and
// prints the head; -i prints head then body.
TEST(CurlEmulation, DumpHeaderHeadAndInclude) {
  ScriptedRun run;
  run.outcomes = {response(200, "OK", "hello\n")};
  auto r = run.curl({"-sS", "-o", "/dev/null", "-D", "-", "http://localhost:3000/ok"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kOkHead);

  ScriptedRun head;
  head.outcomes = {response(200, "OK", "")};
  head.outcomes[0].headers[1].second = "6";
  r = head.curl({"-sSI", "http://localhost:3000/ok"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kOkHead);
  EXPECT_EQ(head.calls[0].method, "HEAD");

  ScriptedRun include;
  include.outcomes = {response(200, "OK", "hello\n")};
  r = include.curl({"-si", "http://localhost:3000/ok"});
  EXPECT_EQ(r.out, kOkHead + "hello\n");

  ScriptedRun to_file;
  to_file.outcomes = {response(200, "OK", "hello\n")};
  r = to_file.curl({"-sS", "-D", "headers.txt", "-o", "/tmp/body", "http://localhost:3000/ok"});
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(to_file.files["/home/ec2-user/headers.txt"], kOkHead);
  EXPECT_EQ(to_file.files["/tmp/body"], "hello\n");
}

// Goal: curl's request as it sends it: its own headers in its order, the script's -H replacing or
// removing them, -d joined with '&' and posted as a form, @file read (newlines dropped for -d).
TEST(CurlEmulation, SendsCurlsHeadersAndData) {
  ScriptedRun run;
  run.outcomes = {response(200, "OK", "")};
  run.curl({"-s", "http://localhost:3000/api?x=1"});
  ASSERT_EQ(run.calls.size(), 1u);
  EXPECT_EQ(run.calls[0].method, "GET");
  EXPECT_EQ(run.calls[0].target, "/api?x=1");
  EXPECT_EQ(run.calls[0].headers,
            (HttpHeaders{{"Host", "localhost:3000"}, {"User-Agent", "curl/7.88.1"}, {"Accept", "*/*"}}));

  ScriptedRun custom;
  custom.outcomes = {response(200, "OK", "")};
  custom.curl({"-s", "-H", "X-A: 1", "-H", "Accept: text/plain", "-H", "Host: example.com", "-H", "User-Agent:", "-d",
               "a=1", "-d", "b=2", "http://localhost/"});
  EXPECT_EQ(custom.calls[0].method, "POST");
  EXPECT_EQ(custom.calls[0].port, 40080);
  EXPECT_EQ(custom.calls[0].body, "a=1&b=2");
  EXPECT_EQ(custom.calls[0].headers, (HttpHeaders{{"Host", "example.com"},
                                                  {"X-A", "1"},
                                                  {"Accept", "text/plain"},
                                                  {"Content-Length", "7"},
                                                  {"Content-Type", "application/x-www-form-urlencoded"}}));

  ScriptedRun files;
  files.files["/home/ec2-user/payload.json"] = "{\"a\":\r\n1}\n";
  files.outcomes = {response(200, "OK", ""), response(200, "OK", ""), response(200, "OK", "")};
  files.curl({"-s", "-X", "PUT", "-H", "Content-Type: application/json", "-d", "@payload.json", "localhost:3000"});
  EXPECT_EQ(files.calls[0].method, "PUT");
  EXPECT_EQ(files.calls[0].body, "{\"a\":1}");
  EXPECT_EQ(files.calls[0].headers.back(), (std::pair<std::string, std::string>{"Content-Length", "7"}));
  files.curl({"-s", "--data-binary", "@payload.json", "localhost:3000"});
  EXPECT_EQ(files.calls[1].body, "{\"a\":\r\n1}\n");
  files.curl({"-s", "--data-binary", "@-", "localhost:3000"}, "from stdin");
  EXPECT_EQ(files.calls[2].body, "from stdin");

  ScriptedRun missing;
  missing.outcomes = {response(200, "OK", "")};
  auto r = missing.curl({"--no-progress-meter", "-d", "@nope.txt", "localhost:3000"});
  EXPECT_EQ(missing.calls[0].body, "");
  EXPECT_EQ(r.err, "Warning: Couldn't read data from file \"nope.txt\", this makes an empty POST.\n");
}

// Goal: --retry retries what curl deems transient, waiting 1 s doubling (or --retry-delay), and
// says so on stderr unless -s; a refusal only with --retry-connrefused; the exit code is the last try's.
TEST(CurlEmulation, RetryWaitsAsCurlDoes) {
  ScriptedRun run;
  run.outcomes = {response(503, "Service Unavailable", "down\n"), response(503, "Service Unavailable", "down\n"),
                  response(502, "Bad Gateway", "bad\n"), response(200, "OK", "hello\n")};
  auto r = run.curl({"-sS", "--retry", "3", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "down\ndown\nbad\nhello\n");  // stdout is never rewound
  EXPECT_EQ(run.sleeps, (std::vector<core::Duration>{1s, 2s, 4s}));

  ScriptedRun fixed;
  fixed.outcomes = {failure(Failure::timeout, 2s), failure(Failure::timeout, 2s), failure(Failure::timeout, 2s)};
  r = fixed.curl({"-fsS", "-m", "2", "--retry", "2", "--retry-delay", "5", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 28);
  EXPECT_EQ(fixed.sleeps, (std::vector<core::Duration>{5s, 5s}));
  EXPECT_EQ(fixed.calls.size(), 3u);

  ScriptedRun refused;
  refused.outcomes = {failure(Failure::refused)};
  r = refused.curl({"-sS", "--retry", "5", "http://localhost:3001/"});
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_TRUE(refused.sleeps.empty());

  ScriptedRun connrefused;
  connrefused.outcomes = {failure(Failure::refused), failure(Failure::refused)};
  r = connrefused.curl({"--no-progress-meter", "--retry", "1", "--retry-connrefused", "http://localhost:3001/"});
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(connrefused.sleeps, (std::vector<core::Duration>{1s}));
  // tool_msgs.c cuts the warning at 79 columns, as curl 7.88 printed it here.
  EXPECT_EQ(r.err, "curl: (7) " + kRefused +
                       "\nWarning: Problem : connection refused. Will retry in 1 seconds. 1 retries \n"
                       "Warning: left.\ncurl: (7) " +
                       kRefused + "\n");

  ScriptedRun limited;  // --retry-max-time: no new try once that much time has gone
  limited.outcomes = {failure(Failure::timeout, 3s), failure(Failure::timeout, 3s)};
  r = limited.curl({"-s", "-m", "3", "--retry", "9", "--retry-max-time", "4", "http://localhost:3000/"});
  EXPECT_EQ(limited.calls.size(), 2u);
  EXPECT_EQ(limited.sleeps, (std::vector<core::Duration>{1s}));
}

// Goal: a retried try that wrote to -o FILE is thrown away (the file truncated); /dev/null cannot be
// truncated, which real curl 7.88 turns into exit 23.
TEST(CurlEmulation, RetryRewindsTheOutputFile) {
  ScriptedRun file;
  file.outcomes = {response(503, "Service Unavailable", "down\n"), response(200, "OK", "hello\n")};
  auto r = file.curl({"--no-progress-meter", "--retry", "1", "-o", "out.txt", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "Warning: Problem : HTTP error. Will retry in 1 seconds. 1 retries left.\nThrowing away 5 bytes\n");
  EXPECT_EQ(file.files["/home/ec2-user/out.txt"], "hello\n");

  ScriptedRun devnull;
  devnull.outcomes = {response(503, "Service Unavailable", "down\n")};
  r = devnull.curl({"-sS", "--retry", "1", "-o", "/dev/null", "-w", "%{http_code}", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 23);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "curl: (23) Failed to truncate file\n");
}

// Goal: combined short flags read as curl reads them, and -o to a file that cannot be written is 23.
TEST(CurlEmulation, CombinedShortFlagsAndWriteErrors) {
  ScriptedRun run;
  run.outcomes = {response(200, "OK", "hello\n")};
  auto r = run.curl({"-fsSo", "page.html", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(run.files["/home/ec2-user/page.html"], "hello\n");

  ScriptedRun denied;
  denied.unwritable = {"/nonexist/x"};
  denied.outcomes = {response(200, "OK", "hello\n"), response(200, "OK", "hello\n")};
  r = denied.curl({"-sSo", "/nonexist/x", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 23);
  EXPECT_EQ(r.err, "curl: (23) Failure writing output to destination\n");
  r = denied.curl({"--no-progress-meter", "-o/nonexist/x", "http://localhost:3000/"});
  EXPECT_EQ(r.err,
            "Warning: Failed to open the file /nonexist/x: No such file or directory\n"
            "curl: (23) Failure writing output to destination\n");
}

// Goal: -L follows a redirect to the run's own address (POST turned GET on 302), counting it; a
// redirect elsewhere is not modelled; without -L the 3xx is the answer.
TEST(CurlEmulation, FollowsRedirectsWithinTheRun) {
  ScriptedRun run;
  run.outcomes = {response(302, "Found", "", 0ms, {{"Location", "/ok"}}), response(200, "OK", "hello\n")};
  auto r = run.curl({"-sSL", "-d", "x", "-w", "%{http_code} %{num_redirects} %{url_effective}", "localhost:3000/r"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\n200 1 http://localhost:3000/ok");
  ASSERT_EQ(run.calls.size(), 2u);
  EXPECT_EQ(run.calls[1].method, "GET");
  EXPECT_EQ(run.calls[1].target, "/ok");
  EXPECT_EQ(run.calls[1].body, "");

  ScriptedRun away;
  away.outcomes = {response(301, "Moved Permanently", "", 0ms, {{"Location", "https://example.com/"}})};
  r = away.curl({"-sL", "http://localhost:3000/"});
  EXPECT_FALSE(r.not_modelled.empty());

  ScriptedRun stay;
  stay.outcomes = {response(302, "Found", "", 0ms, {{"Location", "/ok"}})};
  r = stay.curl({"-s", "-w", "%{http_code} %{redirect_url}", "http://localhost:3000/r"});
  EXPECT_EQ(r.out, "302 http://localhost:3000/ok");
}

// Goal: curl's own usage errors (exit 2, its words) stay apart from what the emulation does not
// model (the run ends naming it), and nothing is sent for either.
TEST(CurlEmulation, UsageErrorsAndNotModelled) {
  const std::string try_help = "curl: try 'curl --help' or 'curl --manual' for more information\n";
  for (const auto& [args, err] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"-sS", "--bogus", "localhost"}, "curl: option --bogus: is unknown\n" + try_help},
           {{"--max-time=2", "localhost"}, "curl: option --max-time=2: is unknown\n" + try_help},
           {{"--ret", "1", "localhost"}, "curl: option --ret: is ambiguous\n" + try_help},
           {{"-m", "abc", "localhost"}, "curl: option -m: expected a proper numerical parameter\n" + try_help},
           {{"--retry", "-1", "localhost"},
            "curl: option --retry: expected a positive numerical parameter\n" + try_help},
           {{"localhost", "-o"}, "curl: option -o: requires parameter\n" + try_help},
           {{"-sS"}, "curl: no URL specified!\n" + try_help},
           {{"-I", "-d", "x", "localhost"},
            "Warning: You can only select one HTTP request method! You asked for both POST \n"
            "Warning: (-d, --data) and HEAD (-I, --head).\n"}}) {
    ScriptedRun run;
    auto r = run.curl(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.err, err) << args[0];
    EXPECT_TRUE(r.not_modelled.empty()) << args[0];
    EXPECT_TRUE(run.calls.empty());
  }
  ScriptedRun bad_url;
  auto r = bad_url.curl({"-sS", "http://loc alhost/"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "curl: (3) URL using bad/illegal format or missing URL\n");

  for (const auto& args : std::vector<std::vector<std::string>>{{"-s", "https://localhost/"},
                                                                {"-s", "http://example.com/"},
                                                                {"-v", "localhost"},
                                                                {"-u", "a:b", "localhost"},
                                                                {"--compressed", "localhost"},
                                                                {"-O", "localhost/x"},
                                                                {"-s", "localhost/a", "localhost/b"},
                                                                {"-w", "%{time_connect}", "localhost"},
                                                                {"-s", "http://localhost/[1-3]"}}) {
    ScriptedRun run;
    auto nm = run.curl(args);
    EXPECT_EQ(nm.exit_code, 2) << args.back();
    EXPECT_FALSE(nm.not_modelled.empty()) << args.back();
    EXPECT_TRUE(run.calls.empty()) << args.back();
  }
  ScriptedRun outside;
  EXPECT_EQ(outside.curl({"-s", "http://example.com:8080/"}).not_modelled,
            "curl to example.com:8080 (an address outside the run's host)");
}

// Goal: the progress meter's last line has curl's arithmetic (speeds from scenario time), and a
// transfer of more than a second gets a line per second.
TEST(CurlEmulation, ProgressMeterFollowsScenarioTime) {
  ScriptedRun run;
  run.outcomes = {response(200, "OK", "hello\n", 4ms)};
  auto r = run.curl({"-o", "/dev/null", "http://localhost:3000/"});
  EXPECT_EQ(r.err, kMeterHead + kMeterZero +
                       "\r100     6  100     6    0     0   1500      0 --:--:-- --:--:-- --:--:--  1500\n");

  ScriptedRun slow;
  slow.outcomes = {response(200, "OK", "hello\n", 2500ms)};
  r = slow.curl({"-o", "/dev/null", "http://localhost:3000/"});
  EXPECT_EQ(r.err, kMeterHead + kMeterZero +
                       "\r  0     0    0     0    0     0      0      0 --:--:--  0:00:01 --:--:--     0"
                       "\r  0     0    0     0    0     0      0      0 --:--:--  0:00:02 --:--:--     0"
                       "\r100     6  100     6    0     0      2      0  0:00:03  0:00:02  0:00:01     2\n");
}

// Goal: wget -qO- prints the body and nothing else, sends wget's headers, and a 503 is exit 8.
TEST(WgetEmulation, QuietToStdout) {
  ScriptedRun run;
  run.outcomes = {response(200, "OK", "hello\n"), response(503, "Service Unavailable", "down\n")};
  auto r = run.wget({"-qO-", "http://localhost:3000/health"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(run.calls[0].headers, (HttpHeaders{{"Host", "localhost:3000"},
                                               {"User-Agent", "Wget/1.21.3"},
                                               {"Accept", "*/*"},
                                               {"Accept-Encoding", "identity"},
                                               {"Connection", "Keep-Alive"}}));
  EXPECT_EQ(run.calls[0].read_timeout, 900s);
  r = run.wget({"-q", "-O", "-", "http://localhost:3000/health"});
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

// Goal: wget's verbose log as 1.21 writes it, dates from the scenario clock.
TEST(WgetEmulation, VerboseLogOfASuccessAndA503) {
  ScriptedRun run;
  run.outcomes = {response(200, "OK", "hello\n", 1s), response(503, "Service Unavailable", "down\n")};
  auto r = run.wget({"-O-", "http://localhost:3000/ok"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\n");
  EXPECT_EQ(r.err,
            "--2026-12-06 13:36:24--  http://localhost:3000/ok\n"
            "Resolving localhost (localhost)... 127.0.0.1\n"
            "Connecting to localhost (localhost)|127.0.0.1|:3000... connected.\n"
            "HTTP request sent, awaiting response... 200 OK\n"
            "Length: 6 [text/plain]\n"
            "Saving to: \u2018STDOUT\u2019\n"
            "\n"
            "     0K                                                       100% 11.2G=0s\n"
            "\n"
            "2026-12-06 13:36:25 (11.2 GB/s) - written to stdout [6/6]\n\n");
  r = run.wget({"-O-", "http://127.0.0.1:3000/503"});
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_EQ(r.err,
            "--2026-12-06 13:36:25--  http://127.0.0.1:3000/503\n"
            "Connecting to 127.0.0.1:3000... connected.\n"
            "HTTP request sent, awaiting response... 503 Service Unavailable\n"
            "2026-12-06 13:36:25 ERROR 503: Service Unavailable.\n\n");
}

// Goal: a refused connection is wget's exit 4 at once (no retry without --retry-connrefused); with
// it, the tries wait 1 s, 2 s... between them, as --tries and --waitretry say.
TEST(WgetEmulation, RefusedIsExit4AndRetriedOnlyWhenAsked) {
  ScriptedRun run;
  run.outcomes = {failure(Failure::refused)};
  auto r = run.wget({"-qO-", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.err, "");
  r = ScriptedRun{{failure(Failure::refused)}}.wget({"-nv", "-O-", "http://localhost:3000/"});
  EXPECT_EQ(r.err, "failed: Connection refused.\n");

  ScriptedRun retried;
  retried.outcomes = {failure(Failure::refused), failure(Failure::refused), failure(Failure::refused)};
  r = retried.wget({"-O-", "--tries", "3", "--retry-connrefused", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(retried.sleeps, (std::vector<core::Duration>{1s, 2s}));
  EXPECT_EQ(r.err,
            "--2026-12-06 13:36:24--  http://localhost:3000/\n"
            "Resolving localhost (localhost)... 127.0.0.1\n"
            "Connecting to localhost (localhost)|127.0.0.1|:3000... failed: Connection refused.\n"
            "Retrying.\n\n"
            "--2026-12-06 13:36:25--  (try: 2)  http://localhost:3000/\n"
            "Connecting to localhost (localhost)|127.0.0.1|:3000... failed: Connection refused.\n"
            "Retrying.\n\n"
            "--2026-12-06 13:36:27--  (try: 3)  http://localhost:3000/\n"
            "Connecting to localhost (localhost)|127.0.0.1|:3000... failed: Connection refused.\n"
            "Giving up.\n\n");

  ScriptedRun capped;
  capped.outcomes = std::vector<HttpOutcome>(4, failure(Failure::refused));
  capped.wget({"-q", "-t", "4", "--waitretry=2", "--retry-connrefused", "http://localhost:3000/"});
  EXPECT_EQ(capped.sleeps, (std::vector<core::Duration>{1s, 2s, 2s}));
}

// Goal: -T is the read timeout of each try, a timeout is retried, empty replies and resets too,
// and the tries running out is exit 4.
TEST(WgetEmulation, TimeoutsAndBrokenRepliesAreRetried) {
  ScriptedRun run;
  run.outcomes = {failure(Failure::timeout, 1s), failure(Failure::empty_reply), failure(Failure::reset)};
  auto r = run.wget({"-O-", "-T", "1", "-t", "3", "http://127.0.0.1:3000/"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(run.calls[0].read_timeout, 1s);
  EXPECT_EQ(run.calls[0].connect_timeout, 1s);
  EXPECT_EQ(r.err,
            "--2026-12-06 13:36:24--  http://127.0.0.1:3000/\n"
            "Connecting to 127.0.0.1:3000... connected.\n"
            "HTTP request sent, awaiting response... Read error (Connection timed out) in headers.\n"
            "Retrying.\n\n"
            "--2026-12-06 13:36:26--  (try: 2)  http://127.0.0.1:3000/\n"
            "Connecting to 127.0.0.1:3000... connected.\n"
            "HTTP request sent, awaiting response... No data received.\n"
            "Retrying.\n\n"
            "--2026-12-06 13:36:28--  (try: 3)  http://127.0.0.1:3000/\n"
            "Connecting to 127.0.0.1:3000... connected.\n"
            "HTTP request sent, awaiting response... Read error (Connection reset by peer) in headers.\n"
            "Giving up.\n\n");
}

// Goal: --spider asks with HEAD and says whether the file exists (exit 0 or 8); -S prints the
// response's head even with -q.
TEST(WgetEmulation, SpiderAndServerResponse) {
  ScriptedRun run;
  run.outcomes = {response(200, "OK", ""), response(404, "Not Found", "")};
  auto r = run.wget({"--spider", "-q", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(run.calls[0].method, "HEAD");
  r = run.wget({"--spider", "http://localhost:3000/x"});
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_EQ(r.err,
            "Spider mode enabled. Check if remote file exists.\n"
            "--2026-12-06 13:36:24--  http://localhost:3000/x\n"
            "Resolving localhost (localhost)... 127.0.0.1\n"
            "Connecting to localhost (localhost)|127.0.0.1|:3000... connected.\n"
            "HTTP request sent, awaiting response... 404 Not Found\n"
            "Remote file does not exist -- broken link!!!\n\n");

  ScriptedRun heads;
  heads.outcomes = {response(200, "OK", "hello\n")};
  r = heads.wget({"-qS", "-O", "/dev/null", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "  HTTP/1.1 200 OK\n  Content-Type: text/plain\n  Content-Length: 6\n");
}

// Goal: wget's request for --post-data, --method and --header (a script's header replaces wget's
// own in place), and its files: -O FILE, or a name from the URL that never overwrites.
TEST(WgetEmulation, RequestsAndFiles) {
  ScriptedRun run;
  run.outcomes = {response(200, "OK", "a"), response(200, "OK", "b"), response(200, "OK", "c"),
                  response(200, "OK", "d")};
  run.wget(
      {"-q", "--post-data", "a=1", "--header", "X-A: 1", "--header", "Accept: text/html", "http://localhost:3000/api"});
  EXPECT_EQ(run.calls[0].method, "POST");
  EXPECT_EQ(run.calls[0].body, "a=1");
  EXPECT_EQ(run.calls[0].headers, (HttpHeaders{{"Host", "localhost:3000"},
                                               {"User-Agent", "Wget/1.21.3"},
                                               {"Accept", "text/html"},
                                               {"Accept-Encoding", "identity"},
                                               {"Connection", "Keep-Alive"},
                                               {"Content-Type", "application/x-www-form-urlencoded"},
                                               {"Content-Length", "3"},
                                               {"X-A", "1"}}));
  EXPECT_EQ(run.files["/home/ec2-user/api"], "a");
  run.wget({"-q", "--method", "DELETE", "http://localhost:3000/api"});
  EXPECT_EQ(run.calls[1].method, "DELETE");
  EXPECT_EQ(run.files["/home/ec2-user/api.1"], "b");
  run.wget({"-q", "http://localhost:3000/"});
  EXPECT_EQ(run.files["/home/ec2-user/index.html"], "c");
  run.wget({"-qO", "/tmp/status", "http://localhost:3000/"});
  EXPECT_EQ(run.files["/tmp/status"], "d");

  ScriptedRun denied;
  denied.unwritable = {"/nonexist/x"};
  auto r = denied.wget({"-qO", "/nonexist/x", "http://localhost:3000/"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "/nonexist/x: No such file or directory\n");
  EXPECT_TRUE(denied.calls.empty());
}

// Goal: wget's own usage errors stay apart from what is not modelled.
TEST(WgetEmulation, UsageErrorsAndNotModelled) {
  const std::string usage = "Usage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n";
  ScriptedRun run;
  auto r = run.wget({"--bogus", "http://localhost/"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "wget: unrecognized option '--bogus'\n" + usage);
  r = run.wget({"-q"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "wget: missing URL\n" + usage);
  r = run.wget({"-qO-", "--header", "bad", "http://localhost/"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "wget: --header: Invalid header \u2018bad\u2019.\n");
  for (const auto& args : std::vector<std::vector<std::string>>{{"-r", "http://localhost/"},
                                                                {"-q", "https://localhost/"},
                                                                {"-q", "http://example.com/"},
                                                                {"--continue", "http://localhost/"},
                                                                {"-q", "http://localhost/a", "http://localhost/b"}}) {
    auto nm = run.wget(args);
    EXPECT_FALSE(nm.not_modelled.empty()) << args[0];
  }
  EXPECT_TRUE(run.calls.empty());
}

// ---------------------------------------------------------------------------------------------------
// The differential test: the real curl and wget of this machine and the emulation, against one small
// loopback server, compared on exit code, stdout and stderr (dates and milliseconds masked).

namespace {

// A loopback HTTP server with fixed answers, one connection at a time: /ok, /503, /404, /redir (302
// to /ok), /echo (the request back), /empty (closes without a byte), /reset (RST). It closes each
// connection after its answer and says so (Connection: close): otherwise a real wget following
// /redir may reuse the connection before the close reaches it, read a reset and retry, or not, as
// the machine's load decides (seen once in a full suite).
class ScriptedServer {
 public:
  ScriptedServer() : thread_([this] { serve(); }) {}
  ~ScriptedServer() {
    ::shutdown(listener_.fd(), SHUT_RDWR);  // wakes accept()
    thread_.join();
  }
  uint16_t port() const { return listener_.port(); }

 private:
  void serve() {
    for (;;) {
      const int fd = ::accept(listener_.fd(), nullptr, nullptr);
      if (fd < 0) return;
      answer(fd);
    }
  }
  static void answer(int fd) {
    std::string request;
    test_support::read_until(fd, request,
                             [](const std::string& data) { return data.find("\r\n\r\n") != std::string::npos; });
    // An upload of unknown size (curl -T -) asks to continue and comes chunked: take it whole.
    const std::string head = http_client::lower(request.substr(0, request.find("\r\n\r\n")));
    if (head.find("\r\nexpect: 100-continue") != std::string::npos)
      test_support::send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    if (head.find("\r\ntransfer-encoding: chunked") != std::string::npos)
      test_support::read_until(fd, request, [](const std::string& data) { return data.ends_with("\r\n0\r\n\r\n"); });
    else
      test_support::read_until(fd, request, test_support::message_complete);
    const std::string line = request.substr(0, request.find("\r\n"));
    const std::string method = line.substr(0, line.find(' '));
    std::string path = line.substr(line.find(' ') + 1);
    path = path.substr(0, path.find(' '));
    path = path.substr(0, path.find('?'));
    auto reply = [&](const std::string& status, const std::string& body, const std::string& extra = "") {
      test_support::send_all(
          fd, "HTTP/1.1 " + status + "\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n" + extra + "\r\n" + (method == "HEAD" ? "" : body));
    };
    if (path == "/ok")
      reply("200 OK", "hello\n");
    else if (path == "/big")
      reply("200 OK", std::string(120000, 'x'));
    else if (path == "/503")
      reply("503 Service Unavailable", "down\n");
    else if (path == "/504")
      reply("504 Gateway Timeout", "late\n");
    else if (path == "/500")
      reply("500 Internal Server Error", "oops\n");
    else if (path == "/redir")
      reply("302 Found", "", "Location: /ok\r\n");
    else if (path == "/echo")
      reply("200 OK", request);
    else if (path == "/reset") {
      linger l{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    } else if (path != "/empty") {
      reply("404 Not Found", "nope\n");
    }
    ::close(fd);
  }

  test_support::LoopbackListener listener_;
  std::thread thread_;
};

// A port of 127.0.0.1 that refuses: bound, never listening.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// The exchange over a real loopback socket: what the emulation asks, done the plain way.
HttpOutcome live_exchange(const HttpCall& call) {
  HttpOutcome o;
  o.elapsed = 0ms;  // loopback: curl says "after 0 ms" too
  const int fd = test_support::connect_to(call.port);
  if (fd < 0) {
    o.failure = Failure::refused;
    return o;
  }
  std::string request = call.method + " " + call.target + " HTTP/1.1\r\n";
  for (const auto& [k, v] : call.headers) request += k + ": " + v + "\r\n";
  test_support::send_all(fd, request + "\r\n" + call.body);
  std::string data;
  char buf[4096];
  int error = 0;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 3000) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) error = errno;
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (test_support::message_complete(data) && (call.method != "HEAD" || data.find("\r\n\r\n") != std::string::npos))
      break;
  }
  ::close(fd);
  const auto end = data.find("\r\n\r\n");
  if (end == std::string::npos) {
    o.failure = error == ECONNRESET ? Failure::reset : Failure::empty_reply;
    return o;
  }
  std::istringstream head(data.substr(0, end));
  std::string line;
  std::getline(head, line);
  o.version = line.substr(0, line.find(' '));
  o.status = std::stoi(line.substr(line.find(' ') + 1, 3));
  o.reason = line.substr(line.find(' ', line.find(' ') + 1) + 1);
  if (!o.reason.empty() && o.reason.back() == '\r') o.reason.pop_back();
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    o.headers.emplace_back(line.substr(0, colon), line.substr(line.find_first_not_of(' ', colon + 1)));
  }
  o.body = call.method == "HEAD" ? "" : data.substr(end + 4);
  return o;
}

// Runs the real program (from /usr/bin, a clean environment, the C.UTF-8 locale) in `dir`.
core::CommandResult run_real(const std::string& program, const std::vector<std::string>& args,
                             const std::filesystem::path& dir) {
  std::string command =
      "cd " + core::shell_quote(dir.string()) + " && env -i PATH=/usr/bin:/bin LANG=C.UTF-8 " + program;
  for (const auto& a : args) command += " " + core::shell_quote(a);
  command += " >out.txt 2>err.txt </dev/null";
  const int status = std::system(command.c_str());
  auto slurp = [&](const char* name) {
    std::ifstream in(dir / name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp("out.txt"), slurp("err.txt")};
}

// What differs from run to run and is not the emulation's to match: dates and milliseconds, and
// the speeds of curl's meter and wget's log (real time against scenario time).
std::string masked(const std::string& s) {
  static const std::vector<std::pair<std::regex, std::string>> masks = {
      {std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"), "DATE"},
      {std::regex(R"(after \d+ ms)"), "after N ms"},
      {std::regex(R"( +[0-9.]+[ KMGT]?=[0-9.]+s)"), " RATE"},      // wget's dots line: " 1.07M=0s"
      {std::regex(R"((\d+%) +[0-9.]+[ KMGT] +\d+s)"), "$1 RATE"},  // and a full row's " 42% 12.3M 0s"
      {std::regex(R"(\([0-9.]+ [KMGT]?B/s\))"), "(RATE)"},         // wget's saved line
      {std::regex(R"((\r[ 0-9]{3} [ 0-9kMG.]{5}  [ 0-9]{3} [ 0-9kMG.]{5}  [ 0-9]{3} [ 0-9kMG.]{5}) +[^\r\n]*)"),
       "$1 SPEEDS"}};  // curl's meter: the counts stay, the speeds and times go
  std::string out = s;
  for (const auto& [re, with] : masks) out = std::regex_replace(out, re, with);
  // A real transfer that happens to cross a wall-clock second prints one more, equal, meter line.
  static const std::regex repeated(R"((\r[^\r\n]*)(\1)+)");
  return std::regex_replace(out, repeated, "$1");
}

bool installed(const std::string& program) { return ::access(("/usr/bin/" + program).c_str(), X_OK) == 0; }

class HttpClientEmulationDifferential : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("bg-emulation-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The emulation's world on the real server: the URL's own port is the port served.
  HttpClientWorld world() {
    HttpClientWorld w;
    w.owned = [](const std::string& host, uint16_t port) -> std::optional<uint16_t> {
      if (host == "localhost" || host == "127.0.0.1") return port;
      return std::nullopt;
    };
    w.exchange = live_exchange;
    w.sleep = [](core::Duration) { return true; };
    w.now = [] { return core::Time{}; };
    w.write_file = [this](const std::string& path, const std::string& data) {
      std::ofstream out(dir_ / std::filesystem::path(path).filename(), std::ios::binary);
      out << data;
      return static_cast<bool>(out);
    };
    w.read_file = [](const std::string&) { return std::nullopt; };
    w.cwd = dir_.string();
    return w;
  }

  void compare(const std::string& program, const std::vector<std::string>& args) {
    const core::CommandResult real = run_real(program, args, dir_);
    const core::CommandResult emulated =
        program == "curl" ? emulate_curl(args, "", world()) : emulate_wget(args, "", world());
    std::string line = program;
    for (const auto& a : args) line += " " + a;
    EXPECT_EQ(emulated.not_modelled, "") << line;
    EXPECT_EQ(emulated.exit_code, real.exit_code) << line;
    // -w '%{errormsg}' writes curl's "after N ms" to stdout: a loaded machine's real curl took 16 ms.
    EXPECT_EQ(masked(emulated.out), masked(real.out)) << line;
    EXPECT_EQ(masked(emulated.err), masked(real.err)) << line;
  }

  ScriptedServer server_;
  ClosedPort closed_;
  std::filesystem::path dir_;
};

}  // namespace

// Goal: for the flags deploy scripts use, the emulation prints and exits exactly as curl 7.88 does.
TEST_F(HttpClientEmulationDifferential, CurlMatchesTheRealCurl) {
  if (!installed("curl")) GTEST_SKIP() << "curl is not installed";
  const std::string base = "http://localhost:" + std::to_string(server_.port());
  const std::string refused = "http://localhost:" + std::to_string(closed_.port()) + "/";
  const std::vector<std::vector<std::string>> commands = {
      {"-sS", base + "/ok"},
      {"-fsS", base + "/503"},
      {"-sS", "--fail-with-body", "-w", "%{errormsg}|%{exitcode}\n", base + "/503"},
      {"-s", base + "/503"},
      {"-sSi", base + "/ok"},
      {"-sSI", base + "/ok"},
      {"-sSIf", base + "/503"},
      {"-sS", "-D", "-", "-o", "/dev/null", base + "/ok"},
      {"-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{url_effective} %{exitcode} %{num_redirects}\n",
       base + "/ok"},
      {"-sS", "-w", "%{http_code} %{errormsg}\n", refused},
      {"-s", refused},
      {"-sS", "--retry", "2", "--retry-delay", "1", "--retry-connrefused", refused},
      {"-sS", "--retry", "1", "--retry-delay", "1", "-o", "/dev/null", base + "/503"},
      {"-sS", base + "/empty"},
      {"-sS", base + "/reset"},
      {"-sSL", "-w", "%{http_code} %{num_redirects} %{url_effective}\n", base + "/redir"},
      {"-sS", "-w", "%{http_code} %{redirect_url}\n", base + "/redir"},
      {"-sS", "-d", "a=1", "-d", "b=2", "-H", "X-A: 1", base + "/echo"},
      {"-sS", "-X", "PUT", "-H", "Content-Type: application/json", "-H", "Accept:", "--data-raw", "@x", base + "/echo"},
      {"-fsSo", "page.txt", base + "/ok"},
      {"-sS", "--bogus", base},
      {"-sS", "--ret", "1", base},
      {"-sS", "-m", "abc", base},
      {"-sS", "http://loc alhost/"},
      {"-sS", "-I", "-d", "x", base},
      {"-I", "-d", "x", base},
      {base + "/ok"},
      {"-o", "/dev/null", base + "/503"},
      {"-f", base + "/503"},
      {"-I", base + "/ok"},
      {"-d", "a=1", "-o", "/dev/null", base + "/echo"},
      {refused},
      {"-S", "--retry", "1", "--retry-delay", "1", "-o", "again.txt", base + "/503"},
      {"-sS", "--retry", "1", "--retry-delay", "1", "-w", "%{http_code}\n", base + "/504"},
      {"-sS", "--max-redirs", "0", "-L", base + "/redir"},
      {"-f", "--fail-with-body", "-sS", base + "/503"},
      {"-sS", "--", base + "/ok"},
      {"-sS", "-", base + "/ok"},
      {"-sS", "--max-time=1", base + "/ok"},
      {"-sS", "--max-tim", "1", base + "/ok"},
      {"-sS", "--no-sil", base + "/ok"},
      {"-sS", "--no-", base + "/ok"},
      {"--SILENT", "--Show-Error", base + "/ok"},
  };
  for (const auto& args : commands) compare("curl", args);
}

// Goal: the one rule the shim, the live plan and the emulation share (curl_options.h) says the real
// curl 7.88 reads its stdin exactly when it does, in each spelling a script may use. The real curl runs
// with a regular file as stdin; what it read is how far the file's shared offset moved.
TEST_F(HttpClientEmulationDifferential, CurlReadsItsStdinExactlyWhenTheSharedRuleSays) {
  if (!installed("curl")) GTEST_SKIP() << "curl is not installed";
  const std::string url = "http://localhost:" + std::to_string(server_.port()) + "/echo";
  const std::vector<std::vector<std::string>> commands = {
      {"-d", "@-"},
      {"-sd@-"},
      {"--data-binary", "@-"},
      {"--json", "@-"},
      {"--data-ascii", "@-"},
      {"--data-raw", "@-"},
      {"--data-urlencode", "@-"},
      {"--data-urlencode", "name@-"},
      {"--data-urlencode", "name=@-"},
      {"--url-query", "q@-"},
      {"-H", "@-"},
      {"-H", "X-A: @-"},
      {"-w", "@-"},
      {"-w", "%{http_code}@-"},
      {"-F", "file=@-"},
      {"-F", "file=<-"},
      {"-F", "file=@-;type=text/plain"},
      {"-F", "file=@-x"},
      {"--form-string", "file=@-"},
      {"-T", "-"},
      {"-T", "."},
      {"-T-"},
      {"-b", "-"},
      {"-b", "a=-"},
      {"-o", "@-"},
      {"-so@-"},
      {"--dat", "@-"},
      {"--data-bin", "@-"},
      {"--data-binary=@-"},
      {"--upload-file=-"},
      {"-A", "--", "-d", "@-"},
      {"--", "-d", "@-"},
      {"-d", "@-", "--bogus"},
      {"--bogus", "-d", "@-"},
      {"-T", "-", "--bogus"},
      {"-T", "-", "--no-data", "x"},
      {"-d", "@-", "-"},
      {"--DATA", "@-"},
      {"--w", "@-"},
      {"--no-help", "-d", "@-"},
      {"--doh-url", "http://127.0.0.1:1/", "-d", "@-"},
      {"-T", "-", "--no-sil"},
      {"-T", "-", "--no-silent"},
  };
  for (auto args : commands) {
    args.push_back(url);
    std::ofstream(dir_ / "stdin.txt") << "X-A: 1\n";
    std::string command = "cd " + core::shell_quote(dir_.string()) + " && { env -i PATH=/usr/bin:/bin curl -s";
    for (const auto& a : args) command += " " + core::shell_quote(a);
    command += " >/dev/null 2>&1; cat >left.txt; } <stdin.txt";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    std::ifstream left(dir_ / "left.txt");
    const bool real_reads = std::string(std::istreambuf_iterator<char>(left), {}).empty();
    std::vector<const char*> words{"-s"};
    for (const auto& a : args) words.push_back(a.c_str());
    std::string line = "curl -s";
    for (const auto& a : args) line += " " + a;
    EXPECT_EQ(bg_curl_reads_stdin(words.data(), static_cast<int>(words.size())) != 0, real_reads) << line;
  }
}

// Goal: as above, for wget 1.21's quiet, non-verbose and verbose (no progress) logs.
TEST_F(HttpClientEmulationDifferential, WgetMatchesTheRealWget) {
  if (!installed("wget")) GTEST_SKIP() << "wget is not installed";
  const std::string base = "http://127.0.0.1:" + std::to_string(server_.port());
  const std::string refused = "http://127.0.0.1:" + std::to_string(closed_.port()) + "/";
  const std::vector<std::vector<std::string>> commands = {
      {"-qO-", base + "/ok"},
      {"-qO-", base + "/503"},
      {"-O-", base + "/503"},
      {"-nv", "-O-", base + "/ok"},
      {"-nv", "-O-", base + "/404"},
      {"-qO-", refused},
      {"-O-", refused},
      {"-nv", "-O-", refused},
      {"--spider", base + "/ok"},
      {"--spider", base + "/503"},
      {"-q", "--spider", base + "/404"},
      {"-qS", "-O", "/dev/null", base + "/ok"},
      {"-O-", "-t", "2", "--waitretry=0", base + "/empty"},
      {"-O-", "-t", "2", "--waitretry=0", base + "/reset"},
      {"-qO-", "--post-data", "a=1", "--header", "X-A: 1", base + "/echo"},
      {"-qO-", "--method", "DELETE", base + "/echo"},
      {"-qO-", "--header", "bad", base + "/ok"},
      {"--bogus", base + "/ok"},
      {"-q"},
      {"-O-", base + "/ok"},
      {"-O", "/dev/null", base + "/big"},
      {"-O", "saved.txt", base + "/ok"},
      {base + "/ok"},
      {"-O-", base + "/redir"},
      {"-S", "-O-", base + "/ok"},
      {"--spider", "-nv", base + "/ok"},
      {"-O-", "-t", "2", "--waitretry=0", base + "/504"},
      {"-O-", "--content-on-error", base + "/503"},
      {"--spider", base + "/500"},
      {"-nv", "--max-redirect=0", "-O-", base + "/redir"},
  };
  for (const auto& args : commands) compare("wget", args);
}

}  // namespace bg::fakes
