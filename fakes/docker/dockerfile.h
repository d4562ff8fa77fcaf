#pragma once
// Dockerfile: what the fake builder reads from a user's Dockerfile — the instruction list (printed
// as `Step i/N : ...` by the legacy builder) and what the final stage bakes into the image (ENV,
// CMD, base image). Nothing is executed: RUN and COPY are recorded, not run (simplification). What
// Docker would refuse is refused (dockerfile_rules.h).
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bg::fakes {

// Thrown for a Dockerfile the builder rejects; what() is Docker's wording, line() the instruction's
// first line (0 when the whole file is at fault).
class DockerfileError : public std::runtime_error {
 public:
  DockerfileError(int line, const std::string& message) : std::runtime_error(message), line_(line) {}
  int line() const { return line_; }

 private:
  int line_;
};

struct DockerfileInstruction {
  std::string keyword;   // upper case: FROM, RUN, COPY, ENV, CMD, ...
  std::string args;      // the rest of the line (continuations joined)
  std::string original;  // as the legacy builder prints it after "Step i/N : "
  int line = 0;
};

struct Dockerfile {
  std::vector<DockerfileInstruction> instructions;
  std::string base_image;                  // FROM of the final stage (node:16-alpine)
  std::map<std::string, std::string> env;  // ENV of the final stage
  std::map<std::string, int> env_lines;    // the line of the ENV that set each of them
  std::vector<std::string> cmd;            // CMD of the final stage
  std::vector<std::string> entrypoint;     // ENTRYPOINT, else the base image's (node: docker-entrypoint.sh)

  // The command `docker ps` / `compose ps` show: entrypoint + cmd, joined by spaces.
  std::string display_command(const std::vector<std::string>& cmd_override = {}) const;
};

// Throws DockerfileError: "dockerfile parse error line N: unknown instruction: FOO", "the
// Dockerfile (Dockerfile) cannot be empty", or what check_instruction refuses.
Dockerfile parse_dockerfile(std::string_view text);

// What Docker builds but the image's app cannot run, said before a run rather than found as an app
// that never listens: PORT in the final stage's ENV that Next.js's standalone server.js
// (`parseInt(process.env.PORT, 10) || 3000`) hands to Node's listen, which refuses it. Throws
// DockerfileError at the ENV's line.
void check_app_port(const Dockerfile& df);

}  // namespace bg::fakes
