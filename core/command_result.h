#pragma once
// What a command-line program returns: the shims hand this back to a deploy script verbatim.
#include <string>

namespace bg::core {

struct CommandResult {
  int exit_code = 0;
  std::string out;  // stdout
  std::string err;  // stderr
  // Non-empty when the command, a flag or a template it was given is something the simulation does
  // not model: the run then ends as ERROR naming it (never a verdict), because whatever the script
  // did next would be judged in a world that differs from the user's. Says what, e.g.
  // "docker run --cpus" or "compose key services.web.deploy".
  std::string not_modelled;
};

// The reply for something not modelled: exit 2 and a message on stderr, and the run is told.
CommandResult not_modelled_result(const std::string& what);

}  // namespace bg::core
