#include "fakes/shim/timeout_command.h"

#include <regex>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

// coreutils' duration: a floating-point number with an optional s, m, h or d suffix.
std::string scaled(const std::string& duration, double time_scale) {
  static const std::regex form(R"(^(\d+(\.\d*)?|\.\d+)([smhd]?)$)");
  std::smatch m;
  if (!std::regex_match(duration, m, form)) return duration;
  const std::string unit = m[3].str();
  const double seconds = std::stod(m[1].str()) * (unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 1);
  // 0 means "no timeout" to timeout(1): it stays 0, and a tiny scaled value never rounds down to it.
  if (seconds == 0) return "0";
  return fmt::format("{:.3f}", std::max(seconds * time_scale, 0.001));
}

}  // namespace

std::vector<std::string> scale_timeout_args(const std::vector<std::string>& args, double time_scale) {
  std::vector<std::string> out;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.push_back(a);
      ++i;
      break;
    }
    if (a.empty() || a[0] != '-' || a == "-") break;
    if ((a == "-k" || a == "--kill-after") && i + 1 < args.size()) {
      out.push_back(a);
      out.push_back(scaled(args[++i], time_scale));
    } else if (a.rfind("--kill-after=", 0) == 0) {
      out.push_back("--kill-after=" + scaled(a.substr(13), time_scale));
    } else if (a.rfind("-k", 0) == 0 && a.size() > 2) {
      out.push_back("-k" + scaled(a.substr(2), time_scale));
    } else if ((a == "-s" || a == "--signal") && i + 1 < args.size()) {
      out.push_back(a);
      out.push_back(args[++i]);
    } else {
      out.push_back(a);
    }
  }
  if (i < args.size()) out.push_back(scaled(args[i++], time_scale));
  for (; i < args.size(); ++i) out.push_back(args[i]);
  return out;
}

}  // namespace bg::fakes
