// libFuzzer target: Dockerfiles (fakes::parse_dockerfile). Any bytes must give a Dockerfile or a
// DockerfileError in Docker's wording, never a crash, a hang or another exception type. An accepted
// one has at least one instruction, each with an upper-case keyword and a line number in file order,
// and its display command (what `docker ps` prints) can be built.
#include <cctype>
#include <cstddef>
#include <cstdint>

#include "core/not_modelled.h"
#include "fakes/docker/dockerfile.h"
#include "fuzz/fuzz_sandbox.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto file = bg::fakes::parse_dockerfile(bg::fuzz::as_text(data, size));
    if (file.instructions.empty()) __builtin_trap();
    int previous_line = 0;
    for (const auto& instruction : file.instructions) {
      if (instruction.keyword.empty() || instruction.line < previous_line) __builtin_trap();
      for (char c : instruction.keyword)
        if (std::islower(static_cast<unsigned char>(c))) __builtin_trap();
      previous_line = instruction.line;
    }
    (void)file.display_command();
    (void)file.display_command({"node", "server.js"});
  } catch (const bg::fakes::DockerfileError&) {
  } catch (const bg::core::NotModelled&) {
  }
  return 0;
}
