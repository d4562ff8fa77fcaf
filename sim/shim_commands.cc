#include "sim/shim_commands.h"

#include <fmt/format.h>

#include <regex>
#include <set>

namespace bg::sim {

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
      out.error = {1, "", fmt::format("sleep: invalid time interval ‘{}’\nTry 'sleep --help' for more information.\n", a)};
      return out;
    }
    double v = std::stod(m[1].str());
    const std::string unit = m[3].str();
    total_s += v * (unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 1);
  }
  out.total = core::from_seconds(total_s);
  return out;
}

namespace {

std::string rewrite_url(const std::string& arg, const std::function<uint16_t(uint16_t)>& map_port) {
  // scheme://host[:port][/...], host = localhost | 127.0.0.1
  static const std::regex url(R"(^((?:https?://)?)(localhost|127\.0\.0\.1)(?::(\d+))?(/.*)?$)");
  std::smatch m;
  if (!std::regex_match(arg, m, url)) return arg;
  const bool https = m[1].str() == "https://";
  uint16_t declared = m[3].matched ? static_cast<uint16_t>(std::stoi(m[3].str())) : (https ? 443 : 80);
  return fmt::format("{}127.0.0.1:{}{}", m[1].str(), map_port(declared), m[4].str());
}

std::string scale_seconds(const std::string& value, double time_scale) {
  try {
    size_t used = 0;
    double v = std::stod(value, &used);
    if (used != value.size()) return value;
    return fmt::format("{:.3f}", v * time_scale);
  } catch (...) {
    return value;
  }
}

}  // namespace

std::vector<std::string> rewrite_http_client_args(const std::string& program, const std::vector<std::string>& args,
                                                  const std::function<uint16_t(uint16_t)>& map_port,
                                                  double time_scale) {
  static const std::set<std::string> curl_time_options{"-m", "--max-time", "--connect-timeout", "--retry-delay",
                                                       "--retry-max-time", "--expect100-timeout"};
  static const std::set<std::string> wget_time_options{"-T", "--timeout", "--dns-timeout", "--connect-timeout",
                                                       "--read-timeout", "-w", "--wait", "--waitretry"};
  const auto& time_options = program == "wget" ? wget_time_options : curl_time_options;
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (time_options.count(a) && i + 1 < args.size()) {
      out.push_back(a);
      out.push_back(scale_seconds(args[++i], time_scale));
      continue;
    }
    // --max-time=2 and wget's --timeout=2
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos && time_options.count(a.substr(0, eq))) {
      out.push_back(a.substr(0, eq + 1) + scale_seconds(a.substr(eq + 1), time_scale));
      continue;
    }
    out.push_back(rewrite_url(a, map_port));
  }
  return out;
}

}  // namespace bg::sim
