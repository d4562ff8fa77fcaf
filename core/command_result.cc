#include "core/command_result.h"

namespace bg::core {

CommandResult not_modelled_result(const std::string& what) {
  CommandResult r;
  r.exit_code = 2;
  r.err = "bluegreen: " + what + " is not modelled by the simulation; the run ends as ERROR\n";
  r.not_modelled = what;
  return r;
}

}  // namespace bg::core
