#pragma once
// Go's time.ParseDuration, which docker's flags (--stop-timeout-like durations, --health-interval),
// compose-go (stop_grace_period, healthcheck times) and drone-ssh (command_timeout) all read:
// [-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+ or "0" (https://pkg.go.dev/time#ParseDuration).
#include <optional>
#include <string_view>

#include "core/time.h"

namespace bg::core {

// nullopt where Go refuses the text ("10" has no unit: "time: missing unit in duration").
std::optional<Duration> parse_go_duration(std::string_view text);

}  // namespace bg::core
