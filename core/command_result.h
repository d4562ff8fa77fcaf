#pragma once
// What a command-line program returns: the shims hand this back to a deploy script verbatim.
#include <string>

namespace bg::core {

struct CommandResult {
  int exit_code = 0;
  std::string out;  // stdout
  std::string err;  // stderr
};

}  // namespace bg::core
