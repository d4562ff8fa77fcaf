// The bad-input suite (ctest -L bad-input): each malformed input of cli/bad_input/cases/*.yaml, run
// through the real executable. Each must exit 2 — no crash, no hang, never a verdict (0 or 1) — with
// a message naming the user's file, line and field, no raw library message and no run's temporary
// copy, leave nothing behind, and end within a generous bound of real time (measured and printed;
// the bound only tells a hang from a slow machine). A case marked `pending` waits for another
// branch: while it fails it is reported as skipped with what it waits for.
#include <gtest/gtest.h>

#include <regex>

#include "cli/bad_input/bad_input_case.h"
#include "cli/bad_input/bad_input_runner.h"
#include "core/run_folder.h"
#include "core/shell_quote.h"

namespace bg::bad_input {
namespace {

namespace fs = std::filesystem;

// "Within a second or so" on an idle machine; ten covers a CI machine under load.
constexpr double kGenerousSeconds = 10;

// Messages that come straight from a library (or a crash) and never name the user's file.
const std::regex kRawLibraryMessage(
    R"(\bsto[dilu]l?\b|vector::reserve|bad conversion|basic_filebuf|bad_alloc|\[json\.exception|yaml-cpp: error|filesystem error|terminate called|Segmentation fault|\bbad file\b)");

std::string escaped(const std::string& text) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  return std::regex_replace(text, special, R"(\$&)");
}

std::string substituted(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

class BadInput : public ::testing::TestWithParam<BadInputCase> {};

TEST_P(BadInput, ExitsTwoNamingFileLineAndField) {
  const BadInputCase& c = GetParam();
  ASSERT_TRUE(c.error.empty()) << c.error;
  const fs::path work = fs::path(BG_BAD_INPUT_WORK) / c.test_name();
  const auto laid = lay_out(c, BG_SOURCE_DIR, work);
  ASSERT_TRUE(laid.empty()) << laid;
  const fs::path folder = work / c.dir, out = work / "out";

  std::string args = substituted(c.args, "{case}", core::shell_quote(folder.string()));
  args = substituted(args, "{out}", core::shell_quote(out.string()));
  args = substituted(substituted(args, "{work}", core::shell_quote(work.string())), "{source}",
                     core::shell_quote(BG_SOURCE_DIR));
  // exec: the shell becomes the command, so a crash is seen as its signal, not as the shell's 128+N.
  const std::string command = "exec " + core::shell_quote(BG_CLI_BINARY) + " " + args;
  const std::string pattern =
      substituted(substituted(c.expect, "{case}", escaped(folder.string())), "{work}", escaped(work.string()));

  const Outcome o = run(command, c.hold_out_lock ? out / ".bluegreen.lock" : fs::path(),
                        isolate_tmp({BG_CLI_BINARY, BG_SOURCE_DIR, work}), c.deadline_seconds);
  std::cout << "command: " << command
            << "\nexit: " << (o.exited ? std::to_string(o.exit_code) : "signal " + std::to_string(o.signal))
            << "  real time: " << o.seconds << " s\noutput:\n"
            << o.output.substr(0, 4000) << std::endl;

  std::vector<std::string> failures;
  if (o.hung)
    failures.push_back("hung: still running after " + std::to_string(c.deadline_seconds) + " s (killed)");
  else if (!o.exited)
    failures.push_back("crashed: ended by signal " + std::to_string(o.signal));
  else if (o.exit_code != 2)
    failures.push_back("exit " + std::to_string(o.exit_code) + " (bad input must exit 2)");
  if (!std::regex_search(o.output, std::regex(pattern))) failures.push_back("the message does not match: " + pattern);
  std::smatch raw;
  if (std::regex_search(o.output, raw, kRawLibraryMessage)) failures.push_back("a raw library message: " + raw.str());
  for (const auto& parent : core::run_folder_parents())
    if (o.output.find((parent / "bluegreen-").string()) != std::string::npos)
      failures.push_back("names a run's temporary copy");
  if (o.seconds > kGenerousSeconds) failures.push_back("took " + std::to_string(o.seconds) + " s");
  for (const auto& left : o.left_behind)
    failures.push_back("left behind: " + left + (o.isolated ? "" : " (no private /tmp: maybe another test's)"));
  fs::remove_all(work);

  if (!failures.empty() && !c.pending.empty()) GTEST_SKIP() << "pending (" << c.pending << "): " << failures.front();
  for (const auto& f : failures) ADD_FAILURE() << f;
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInput, ::testing::ValuesIn(load_cases(BG_BAD_INPUT_CASES)),
                         [](const auto& info) { return info.param.test_name(); });

}  // namespace
}  // namespace bg::bad_input
