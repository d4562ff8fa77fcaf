#pragma once
// The JUnit XML report: what CI systems show as test results. One testsuite per run, one testcase per
// swap (fails when a request failed during it or its deployment failed) and one per invariant (fails
// when violated), failures carrying the evidence. Follows the structure of the JUnit XML schema
// (windyroad/JUnit-Schema, JUnit.xsd): testsuites > testsuite{name, timestamp, hostname, tests,
// failures, errors, skipped, time, id, package} > properties, testcase{name, classname, time} >
// failure|error{message, type}, then system-out and system-err.
#include <string>

#include "reports/run_result.h"

namespace bg::reports {

struct JunitOptions {
  // When the run happened, as the schema's xs:dateTime without a zone (UTC). Reports read no clock,
  // so the caller says; the default marks "unknown".
  std::string timestamp = "1970-01-01T00:00:00";
  std::string hostname = "localhost";
};

std::string to_junit(const RunResult& result, const JunitOptions& options = {});

}  // namespace bg::reports
