#pragma once
// SettingTable: every scenario.yaml setting written as one plain value ("traffic.clients",
// "app.listen_delay", "seed"...), with the values it accepts and where it goes in a Scenario.
// scenario.yaml (scenario_loader), `--set key=value` (explore/scenario_overrides) and the CLI's own
// options all set values through it, so each setting has one range and one message wherever it is
// given. Settings that are lists or folders (extends, proxy.files, pipeline.pushes) are the loader's.
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/scenario.h"
#include "scenarios/setting_values.h"

namespace bg::scenarios {

// The accepted ranges that the CLI's options share with scenario.yaml.
inline constexpr NumberLimits kTimeScaleLimits{0.01, 10, "real seconds per scenario second"};

// Whether `key` is a setting of the table ("traffic.clients").
bool is_setting(std::string_view key);
// Sets `key` of `s` from its text. Throws SettingError naming the key, the value and what is
// accepted; a key the table does not hold is a SettingError too.
void set_setting(Scenario& s, std::string_view key, std::string_view text);
// The keys under `section` ("traffic" gives "traffic.rate", ...); "" gives the top-level ones.
std::vector<std::string> setting_keys(std::string_view section);
// Every key, sorted.
std::vector<std::string> all_setting_keys();

// What no single value shows: post_ratio + api_get_ratio above 1. Returns "" when consistent, else
// the problem as "<field>: ..." (the caller says where).
std::string inconsistency(const Scenario& s);

}  // namespace bg::scenarios
