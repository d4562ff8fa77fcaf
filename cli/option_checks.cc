#include "cli/option_checks.h"

#include <filesystem>

#include "scenarios/setting_table.h"

namespace bg::cli {
namespace {

namespace fs = std::filesystem;

// A validator from a reader that throws SettingError "<field>: <problem>". CLI11 puts the option's
// name in front of what a validator returns, so the field part is left out here.
template <class Read>
CLI::Validator from_reader(std::string description, Read read) {
  return CLI::Validator(
      [read](std::string& text) -> std::string {
        try {
          read(text);
        } catch (const scenarios::SettingError& e) {
          const std::string what = e.what();
          const auto colon = what.find(": ");
          return colon == std::string::npos ? what : what.substr(colon + 2);
        }
        return "";
      },
      std::move(description));
}

}  // namespace

CLI::Validator seed_value() {
  return from_reader("SEED", [](const std::string& t) { scenarios::read_seed("seed", t); });
}

CLI::Validator time_scale_value() { return number_value(scenarios::kTimeScaleLimits); }

CLI::Validator whole_value(scenarios::NumberLimits limits) {
  return from_reader("INT", [limits](const std::string& t) { scenarios::read_whole("value", t, limits); });
}

CLI::Validator number_value(scenarios::NumberLimits limits) {
  return from_reader("NUMBER", [limits](const std::string& t) { scenarios::read_number("value", t, limits); });
}

CLI::Validator non_empty_path() {
  return CLI::Validator([](std::string& t) { return t.empty() ? std::string("is empty (expected a folder)") : ""; },
                        "DIR");
}

CLI::Validator existing_file() {
  return CLI::Validator(
      [](std::string& t) -> std::string {
        std::error_code ec;
        const auto status = fs::status(t, ec);
        if (!fs::exists(status)) return t + ": no such file";
        if (fs::is_directory(status)) return t + ": is a folder, not a file";
        if (!fs::is_regular_file(status)) return t + ": is not a regular file";
        return "";
      },
      "FILE");
}

CLI::Validator existing_folder() {
  return CLI::Validator(
      [](std::string& t) -> std::string {
        if (!fs::exists(t)) return t + ": no such folder";
        if (!fs::is_directory(t)) return t + ": is a file, not a folder";
        return "";
      },
      "DIR");
}

}  // namespace bg::cli
