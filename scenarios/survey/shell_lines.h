#pragma once
// ShellLines: enough of the shell's grammar to find the commands a deploy script runs, without
// running it. A script is cut into logical lines (backslash continuations joined, comments and
// here-document bodies dropped), and a command is found only where the shell would run one: not
// inside a quoted string (`echo "> docker stop web"` runs echo), but inside a command substitution,
// quoted or not (`"$(docker inspect -f ... web)"` runs docker).
// Simplified: quotes do not span lines, and variables are not expanded (words keep `$NEXT`).
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/survey/folder_files.h"
#include "scenarios/survey/survey_facts.h"

namespace bg::survey {

struct ShellLine {
  Source at;         // the line the command starts on
  std::string text;  // continuation lines joined, the comment removed
};

// One command found on a line: its words after the command's name, quotes removed, up to the end of
// that command (`;`, `&&`, `||`, `|`, `)` or the end of the line).
struct ShellCommand {
  Source at;
  std::vector<std::string> args;
  std::string prefix;  // the words between the previous command boundary and the name ("sudo ")
};

// The logical lines of a script whose first line is line `first_line` of `file`.
std::vector<ShellLine> shell_lines(const std::string& file, int first_line, const std::vector<std::string>& text);

// Every run of the command `name` ("docker", "docker compose", "nginx") on the line, where the shell
// runs a command: at the line's start or after a separator, behind only `sudo`, `nohup`, `timeout
// N`, variable assignments or a keyword (`if`, `then`, `do`...). So `docker exec proxy nginx -t`
// is a run of docker, not of nginx, and `echo docker stop` runs nothing but echo.
std::vector<ShellCommand> find_commands(const ShellLine& line, std::string_view name);

// Shell words of `text` with quotes removed (variables kept as written).
std::vector<std::string> shell_words(std::string_view text);

// A script of the folder: a `.sh`/`.bash` file, or a file whose first line is a sh/bash `#!`.
bool is_shell_file(const TextFile& file);

}  // namespace bg::survey
