#pragma once
// ConfigReader turns nginx.conf text into a tree of directives, expanding `include` in place, with
// nginx's lexical rules (words, '…'/"…" strings with \ escapes, `#` comments, `;` `{` `}`) and
// nginx's syntax error messages. What the directives mean is NginxConfig's business.
#include <filesystem>
#include <string>
#include <vector>

#include "core/path_map.h"

namespace bg::proxy {

struct ConfDirective {
  std::string name;
  std::vector<std::string> args;
  bool has_block = false;
  std::vector<ConfDirective> block;
  std::string file;  // as the user names it (virtual when mapped)
  int line = 0;      // line of the terminating `;` or `{`, as nginx reports it
};

class ConfigReader {
 public:
  explicit ConfigReader(const core::PathMap& paths) : paths_(paths) {}

  // Reads the main file. `display_path` is how errors name it. Throws NginxConfigError.
  std::vector<ConfDirective> read_main(const std::filesystem::path& display_path);

  // The folder relative includes resolve against (nginx's conf prefix), as displayed.
  const std::filesystem::path& conf_prefix() const { return prefix_; }

  struct Cursor;  // position in one file's text (defined in the .cc)

 private:
  std::vector<ConfDirective> read_file(const std::filesystem::path& display_path, const ConfDirective* from,
                                       int depth);
  std::vector<ConfDirective> parse_block(Cursor& c, bool top_level, int depth);
  void expand_include(const ConfDirective& d, std::vector<ConfDirective>& out, int depth);

  const core::PathMap& paths_;
  std::filesystem::path prefix_;
};

// "[emerg] <what> in <file>:<line>".
std::string emerg_at(const std::string& what, const std::string& file, int line);

}  // namespace bg::proxy
