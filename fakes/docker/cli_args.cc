#include "fakes/docker/cli_args.h"

#include <fmt/format.h>

namespace bg::fakes {

std::string CliArgs::value(const std::string& flag, const std::string& fallback) const {
  auto it = values.find(flag);
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

namespace {

const FlagSpec* find_long(const std::vector<FlagSpec>& specs, const std::string& name) {
  for (const auto& s : specs)
    if (s.long_name == name) return &s;
  return nullptr;
}

const FlagSpec* find_short(const std::vector<FlagSpec>& specs, char c) {
  for (const auto& s : specs)
    if (s.short_name == c) return &s;
  return nullptr;
}

// --name, --name=value, --name value.
void parse_long(const std::vector<std::string>& args, size_t& pos, const std::vector<FlagSpec>& specs, CliArgs& out) {
  std::string body = args[pos].substr(2);
  auto eq = body.find('=');
  std::string name = body.substr(0, eq);
  const FlagSpec* spec = find_long(specs, name);
  if (!spec) throw UsageError("unknown flag: --" + name);
  if (!spec->takes_value) {
    out.values[name].push_back(eq == std::string::npos ? "" : body.substr(eq + 1));
  } else if (eq != std::string::npos) {
    out.values[name].push_back(body.substr(eq + 1));
  } else {
    if (pos + 1 >= args.size()) throw UsageError("flag needs an argument: --" + name);
    out.values[name].push_back(args[++pos]);
  }
  ++pos;
}

// -d, -dV (bool shorthands combined), -p name, -pname.
void parse_short(const std::vector<std::string>& args, size_t& pos, const std::vector<FlagSpec>& specs, CliArgs& out) {
  const std::string& arg = args[pos];
  for (size_t i = 1; i < arg.size(); ++i) {
    const FlagSpec* spec = find_short(specs, arg[i]);
    if (!spec) throw UsageError(fmt::format("unknown shorthand flag: '{}' in {}", arg[i], arg));
    if (!spec->takes_value) {
      out.values[spec->long_name].push_back("");
      continue;
    }
    if (i + 1 < arg.size()) {
      out.values[spec->long_name].push_back(arg.substr(arg[i + 1] == '=' ? i + 2 : i + 1));
    } else {
      if (pos + 1 >= args.size()) throw UsageError(fmt::format("flag needs an argument: '{}' in -{}", arg[i], arg[i]));
      out.values[spec->long_name].push_back(args[++pos]);
    }
    break;
  }
  ++pos;
}

}  // namespace

CliArgs parse_flags(const std::vector<std::string>& args, size_t& pos, const std::vector<FlagSpec>& specs,
                    bool stop_at_positional) {
  CliArgs out;
  while (pos < args.size()) {
    const std::string& arg = args[pos];
    if (arg == "--") {
      for (++pos; pos < args.size(); ++pos) out.positional.push_back(args[pos]);
      break;
    }
    if (arg.size() > 2 && arg.rfind("--", 0) == 0) {
      parse_long(args, pos, specs, out);
    } else if (arg.size() > 1 && arg[0] == '-') {
      parse_short(args, pos, specs, out);
    } else if (stop_at_positional) {
      break;
    } else {
      out.positional.push_back(arg);
      ++pos;
    }
  }
  return out;
}

}  // namespace bg::fakes
