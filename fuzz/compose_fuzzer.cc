// libFuzzer target: compose files (fakes::parse_compose_text). Any bytes must give a ComposeFile or a
// ComposeFileError ("<file>:<line>:<column>: <problem>"), or core::NotModelled for a key the fakes do
// not model (plan: "Nothing silent"); never a crash, a hang or another exception type. What the
// engine reads from a parsed file must be readable too: every service found by its name, its
// config hash computed.
#include <cstddef>
#include <cstdint>

#include "core/not_modelled.h"
#include "fakes/docker/compose_file.h"
#include "fuzz/fuzz_sandbox.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto file = bg::fakes::parse_compose_text(bg::fuzz::as_text(data, size), "docker-compose.yml");
    for (const auto& service : file.services) {
      if (file.find(service.name) == nullptr) __builtin_trap();  // a parsed service is found by name
      (void)service.config_hash();
    }
  } catch (const bg::fakes::ComposeFileError&) {
  } catch (const bg::core::NotModelled&) {
  }
  return 0;
}
