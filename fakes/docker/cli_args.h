#pragma once
// CliArgs: cobra/pflag-style flag parsing for the fake docker and compose CLIs, with pflag's error
// wording ("unknown flag: --x", "unknown shorthand flag: 'x' in -x", "flag needs an argument: ..."),
// because scripts and users read those messages.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bg::fakes {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FlagSpec {
  char short_name = 0;    // 0 = none
  std::string long_name;  // the key in CliArgs::values
  bool takes_value = false;
};

struct CliArgs {
  std::map<std::string, std::vector<std::string>> values;  // long name -> values ("" for a bool flag)
  std::vector<std::string> positional;

  bool has(const std::string& flag) const { return values.count(flag) > 0; }
  // The last value given, or `fallback`.
  std::string value(const std::string& flag, const std::string& fallback = "") const;
};

// Parses args[pos...]. With stop_at_positional (flags before a subcommand), stops at the first
// positional and leaves `pos` on it; otherwise consumes everything. "--" ends flags. Throws UsageError.
CliArgs parse_flags(const std::vector<std::string>& args, size_t& pos, const std::vector<FlagSpec>& specs,
                    bool stop_at_positional);

}  // namespace bg::fakes
