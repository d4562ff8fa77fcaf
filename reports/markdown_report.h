#pragma once
// The Markdown summary: fit for a CI job summary ($GITHUB_STEP_SUMMARY) or a terminal.
#include <string>

#include "reports/run_result.h"

namespace bg::reports {

std::string to_markdown(const RunResult& result);

}  // namespace bg::reports
