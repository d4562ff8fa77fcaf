// libFuzzer target: scenario.yaml (scenarios::load_scenario). Any bytes must give a Scenario or a
// ScenarioError (file:line:column and what was expected), never a crash, a hang or another
// exception type: the CLI turns only ScenarioError into its exit-2 message.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_sandbox.h"
#include "scenarios/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The folder also holds the files a scenario must name (appspec.yml, nginx.conf), so inputs get
  // past the final existence checks; `extends:` may still name folders outside it (read only).
  static const bg::fuzz::FuzzSandbox sandbox("scenario");
  static const bool prepared =
      (sandbox.write("appspec.yml", "version: 0.0\nos: linux\n"), sandbox.write("nginx.conf", "events {}\n"), true);
  (void)prepared;
  sandbox.write("scenario.yaml", bg::fuzz::as_text(data, size));
  try {
    (void)bg::scenarios::load_scenario(sandbox.root());
  } catch (const bg::scenarios::ScenarioError&) {
  }
  return 0;
}
