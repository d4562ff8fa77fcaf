#pragma once
// docker-compose 1.29.2's help texts (compose/cli/main.py docstrings), as docopt prints them on a
// usage error: the whole command's docstring, exit 1. Trimmed to the options the simulation knows;
// the wording of each line is v1's.
#include <map>
#include <string>

namespace bg::fakes {

const std::map<std::string, std::string>& v1_command_help();
std::string v1_usage();     // the top-level help
std::string v1_commands();  // its "Commands:" section (also printed for "No such command")

}  // namespace bg::fakes
