#include "fakes/docker/docker_cli_support.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

const FlagSpec* find_flag(const CommandSpec& spec, const std::string& name) {
  for (const auto& f : spec.flags)
    if (f.long_name == name) return &f;
  return nullptr;
}

// pflag's flag name in messages: "-t, --time" or "--name".
std::string flag_display(const CommandSpec& spec, const std::string& name) {
  const FlagSpec* f = find_flag(spec, name);
  if (f && f->short_name) return fmt::format("-{}, --{}", f->short_name, name);
  return "--" + name;
}

[[noreturn]] void usage_failure(const CommandSpec& spec, const std::string& what) {
  throw CliFailure{failed(fmt::format("\"{}\" {}.\nSee '{} --help'.\n\nUsage:  {}\n\n{}", spec.path, what, spec.path,
                                      spec.usage, spec.short_text))};
}

std::string arguments(size_t n) { return n == 1 ? "argument" : "arguments"; }

}  // namespace

CliArgs parse_command(const CommandSpec& spec, const std::vector<std::string>& args) {
  std::vector<FlagSpec> flags = spec.flags;
  flags.push_back({0, "help", false});
  size_t pos = 0;
  CliArgs parsed;
  try {
    parsed = parse_flags(args, pos, flags, !spec.interspersed);
    if (!spec.interspersed)
      for (; pos < args.size(); ++pos) parsed.positional.push_back(args[pos]);
  } catch (const UsageError& e) {
    throw CliFailure{failed(fmt::format("{}\nSee '{} --help'.", e.what(), spec.path), 125)};
  }
  if (parsed.has("help"))
    throw CliFailure{core::CommandResult{0, fmt::format("\nUsage:  {}\n\n{}\n", spec.usage, spec.short_text), ""}};
  for (const auto& name : spec.unmodelled)
    if (parsed.has(name)) throw CliFailure{core::not_modelled_result(fmt::format("{} --{}", spec.path, name))};
  return parsed;
}

void require_min(const CommandSpec& spec, const CliArgs& a, size_t n) {
  if (a.positional.size() < n) usage_failure(spec, fmt::format("requires at least {} {}", n, arguments(n)));
}

void require_exact(const CommandSpec& spec, const CliArgs& a, size_t n) {
  if (a.positional.size() != n) usage_failure(spec, fmt::format("requires exactly {} {}", n, arguments(n)));
}

void require_range(const CommandSpec& spec, const CliArgs& a, size_t min, size_t max) {
  if (a.positional.size() < min || a.positional.size() > max)
    usage_failure(spec, fmt::format("requires at least {} and at most {} {}", min, max, arguments(max)));
}

void require_none(const CommandSpec& spec, const CliArgs& a) {
  if (!a.positional.empty()) usage_failure(spec, "accepts no arguments");
}

int int_flag(const CommandSpec& spec, const CliArgs& a, const std::string& name, int fallback) {
  if (!a.has(name)) return fallback;
  std::string v = a.value(name);
  size_t digits = v.find_first_not_of("+-") == 1 ? 1 : 0;
  if (v.size() == digits || v.find_first_not_of("0123456789", digits) != std::string::npos || v.size() > 10)
    throw CliFailure{failed(fmt::format("invalid argument \"{}\" for \"{}\" flag: strconv.ParseInt: parsing {}: "
                                        "invalid syntax\nSee '{} --help'.",
                                        v, flag_display(spec, name), go_quote(v), spec.path),
                            125)};
  return std::stoi(v);
}

core::Duration duration_flag(const CommandSpec& spec, const CliArgs& a, const std::string& name) {
  std::string v = a.value(name);
  auto d = parse_go_duration(v);
  if (!d) {
    // Go: a number without a unit is "missing unit", anything else "invalid duration".
    bool number = !v.empty() && v.find_first_not_of("0123456789.+-") == std::string::npos;
    throw CliFailure{
        failed(fmt::format("invalid argument \"{}\" for \"{}\" flag: time: {} {}\nSee '{} --help'.", v,
                           flag_display(spec, name), number ? "missing unit in duration" : "invalid duration",
                           go_quote(v), spec.path),
               125)};
  }
  return *d;
}

core::CommandResult failed(const std::string& message, int code) {
  core::CommandResult r;
  r.exit_code = code;
  r.err = message.empty() || message.back() == '\n' ? message : message + "\n";
  return r;
}

std::string daemon_error(const std::string& what) { return "Error response from daemon: " + what; }

namespace {
constexpr int64_t kEpoch = 1704067200;  // 2024-01-01T00:00:00Z
}

int64_t unix_seconds(core::Time t) { return kEpoch + std::chrono::duration_cast<std::chrono::seconds>(t).count(); }

std::string docker_time(core::Time t, bool nanos) {
  int64_t us = t.count();
  time_t secs = static_cast<time_t>(kEpoch + us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  if (!nanos) return std::string(buf) + "Z";
  // RFC3339Nano drops trailing zeros of the fraction.
  std::string frac = fmt::format("{:06d}000", us % 1'000'000);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return std::string(buf) + (frac.empty() ? "" : "." + frac) + "Z";
}

}  // namespace bg::fakes
