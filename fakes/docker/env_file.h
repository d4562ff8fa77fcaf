#pragma once
// Env files as compose reads them: the project's `.env` (or `--env-file`), which feeds
// interpolation, and a service's `env_file:`, which feeds the container's environment.
// The parser is compose-go v1.17.0's dotenv/parser.go (a godotenv descendant): `KEY=value`,
// `KEY: value`, `export KEY=value`, `#` comments (inline after " #" on unquoted values), single
// quotes literal, double quotes with \n \t \\ \" \$ escapes, multi-line quoted values, `$VAR` /
// `${VAR}` / `${VAR:-default}` expanded from the variables defined above and the lookup, and a bare
// `KEY` taken from the lookup when set.
// Simplifications: compose-go 1.2 (compose 2.5.0) and python-dotenv (docker-compose 1.29) parse
// line by line and differ in corner cases (multi-line values, `KEY: value`); the cases deploy
// folders use (plain, quoted, commented, exported, ${VAR}) read the same in all three. For
// docker-compose 1.x a line python-dotenv cannot parse is skipped with its warning, as
// python-dotenv does, instead of failing.
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/docker/compose_interpolation.h"

namespace bg::fakes {

// A file compose refuses; what() is the parser's message ("line 3: unterminated quoted value ...").
class EnvFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct EnvFileContents {
  std::map<std::string, std::string> values;
  std::vector<std::string> warnings;  // docker-compose 1.x: lines python-dotenv skipped
};

// Parses env-file text. `lookup` answers `${VAR}` in values and bare `KEY` lines (the variables
// defined earlier in the file come first). Throws EnvFileError (not for python_v1: see above).
EnvFileContents parse_env_file(std::string_view text, TemplateSyntax syntax, const VariableLookup& lookup);

}  // namespace bg::fakes
