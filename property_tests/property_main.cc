// Runs the property tests with RapidCheck's case count set to 20 unless RC_PARAMS says otherwise
// (raise it with RC_PARAMS="max_success=200"; reproduce a failure with the RC_PARAMS="reproduce=..."
// it prints). --engine=live runs every case on the live engine instead of sim (property_engine.h).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "property_tests/property_engine.h"

int main(int argc, char** argv) {
  const char* given = std::getenv("RC_PARAMS");
  std::string params = given ? given : "";
  if (params.find("max_success") == std::string::npos)
    ::setenv("RC_PARAMS", (params.empty() ? "max_success=20" : params + " max_success=20").c_str(), 1);
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--engine=live" || arg == "--engine=sim") {
      bg::property_tests::property_engine() = arg == "--engine=live" ? bg::sim::Engine::live : bg::sim::Engine::sim;
    } else {
      std::cerr << "bg_property_test: unknown argument '" << arg << "' (expected --engine=live or --engine=sim)\n";
      return 2;
    }
  }
  return RUN_ALL_TESTS();
}
