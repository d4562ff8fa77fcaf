#pragma once
// Dockerfile: what the fake builder reads from a user's Dockerfile — the instruction list (printed
// as `Step i/N : ...` by the legacy builder) and what the final stage bakes into the image (ENV,
// CMD, base image). Nothing is executed: RUN and COPY are recorded, not run (simplification).
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bg::fakes {

// Thrown for a Dockerfile the builder rejects; what() is Docker's wording.
class DockerfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DockerfileInstruction {
  std::string keyword;   // upper case: FROM, RUN, COPY, ENV, CMD, ...
  std::string args;      // the rest of the line (continuations joined)
  std::string original;  // as the legacy builder prints it after "Step i/N : "
  int line = 0;
};

struct Dockerfile {
  std::vector<DockerfileInstruction> instructions;
  std::string base_image;                   // FROM of the final stage (node:16-alpine)
  std::map<std::string, std::string> env;   // ENV of the final stage
  std::vector<std::string> cmd;             // CMD of the final stage
  std::vector<std::string> entrypoint;      // ENTRYPOINT, else the base image's (node: docker-entrypoint.sh)

  // The command `docker ps` / `compose ps` show: entrypoint + cmd, joined by spaces.
  std::string display_command(const std::vector<std::string>& cmd_override = {}) const;
};

// Throws DockerfileError: "dockerfile parse error line N: unknown instruction: FOO", or
// "the Dockerfile (Dockerfile) cannot be empty".
Dockerfile parse_dockerfile(std::string_view text);

}  // namespace bg::fakes
