#include "fakes/shim/sleep_command.h"

#include <fmt/format.h>

#include <regex>

namespace bg::fakes {

SleepParse parse_sleep_args(const std::vector<std::string>& args) {
  SleepParse out;
  if (args.empty()) {
    out.error = {1, "", "sleep: missing operand\nTry 'sleep --help' for more information.\n"};
    return out;
  }
  double total_s = 0;
  static const std::regex operand(R"(^(\d+(\.\d*)?|\.\d+)([smhd]?)$)");
  for (const auto& a : args) {
    std::smatch m;
    if (!std::regex_match(a, m, operand)) {
      out.error = {1, "",
                   fmt::format("sleep: invalid time interval ‘{}’\nTry 'sleep --help' for more information.\n", a)};
      return out;
    }
    double v = std::stod(m[1].str());
    const std::string unit = m[3].str();
    total_s += v * (unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 1);
  }
  out.total = core::from_seconds(total_s);
  return out;
}

}  // namespace bg::fakes
