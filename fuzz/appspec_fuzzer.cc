// libFuzzer target: appspec.yml (fakes::parse_appspec_text). Any bytes must give an AppSpec or an
// AppSpecError ("<file>:<line>:<column>: ..."), never a crash, a hang or another exception type. An
// accepted appspec has what CodeDeploy requires of one (semantics.md §4): version 0.0, os linux or
// windows, hooks with a script location.
#include <cstddef>
#include <cstdint>

#include "core/not_modelled.h"
#include "fakes/codedeploy/appspec.h"
#include "fuzz/fuzz_sandbox.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto spec = bg::fakes::parse_appspec_text(bg::fuzz::as_text(data, size), "appspec.yml");
    if (spec.version != "0.0") __builtin_trap();
    if (spec.os != "linux" && spec.os != "windows") __builtin_trap();
    for (const auto& [event, scripts] : spec.hooks)
      for (const auto& script : scripts)
        if (script.location.empty()) __builtin_trap();
  } catch (const bg::fakes::AppSpecError& e) {
    if (e.line() < 0 || e.column() < 0) __builtin_trap();
  } catch (const bg::core::NotModelled&) {
  }
  return 0;
}
