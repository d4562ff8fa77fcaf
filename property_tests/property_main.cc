// Runs the property tests with RapidCheck's case count set to 20 unless RC_PARAMS says otherwise:
// each case is a live run of a few seconds, and CI has a budget (raise it with
// RC_PARAMS="max_success=200"; reproduce a failure with the RC_PARAMS="reproduce=..." it prints).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  const char* given = std::getenv("RC_PARAMS");
  std::string params = given ? given : "";
  if (params.find("max_success") == std::string::npos)
    ::setenv("RC_PARAMS", (params.empty() ? "max_success=20" : params + " max_success=20").c_str(), 1);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
