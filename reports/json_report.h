#pragma once
// The JSON result: the machine-readable form of a RunResult (fields documented in README.md).
#include <nlohmann/json.hpp>

#include "reports/run_result.h"

namespace bg::reports {

nlohmann::json to_json(const RunResult& result);

}  // namespace bg::reports
