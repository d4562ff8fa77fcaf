#pragma once
// ConfigReader turns nginx.conf text into a tree of directives, expanding `include` in place as
// nginx does when it reaches one (ngx_conf_include: a file, or a glob whose matches are read in
// order), with nginx's lexical rules (ConfLexer). It never recurses: blocks and included files are
// frames of an explicit stack, bounded in depth, count and bytes, so no input can exhaust the
// stack or memory (nginx 1.22 itself segfaults on a file nested 20000 blocks deep or including
// itself). Where nginx would stop reading (a syntax error, a missing include), the tree ends with
// an error node at that point: the interpreter raises it when it gets there, so an earlier error
// of another kind is reported first, as nginx reports the first error in file order. What the
// directives mean is NginxConfig's business.
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/path_map.h"

namespace bg::proxy {

struct ConfDirective {
  std::string name;
  std::vector<std::string> args;
  bool has_block = false;
  std::vector<ConfDirective> block;
  std::string file;  // as the user names it (the host path)
  int line = 0;      // line of the terminating `;` or `{`, as nginx reports it
  int end_line = 0;  // a block's closing `}` line (where nginx reports checks made after the block)
  // An error node: nginx stops reading here. `error` is the whole message ("[emerg] ... in f:l").
  enum class Error { none, config, not_modelled };
  Error error_kind = Error::none;
  std::string error;
};

struct ConfReaderLimits {
  int max_block_depth = 100;           // nested blocks (nginx crashes somewhere past thousands)
  int max_include_depth = 32;          // includes within includes (a file including itself)
  size_t max_total_bytes = 16u << 20;  // all files read
  size_t max_directives = 200000;
};

class ConfigReader {
 public:
  explicit ConfigReader(const core::PathMap& paths, ConfReaderLimits limits = {}) : paths_(paths), limits_(limits) {}

  // Reads the main file (`display_path` is how messages name it) and what it includes. Problems
  // become an error node, never an exception.
  std::vector<ConfDirective> read_main(const std::filesystem::path& display_path);

  // The folder relative includes resolve against (nginx's conf prefix), as displayed.
  const std::filesystem::path& conf_prefix() const { return prefix_; }
  // Every file read, once, in the order first read: (host path, text), as `nginx -T` dumps them.
  const std::vector<std::pair<std::string, std::string>>& files() const { return files_; }

 private:
  struct Frame;
  bool open_file(const std::filesystem::path& display, const ConfDirective* from, std::vector<Frame>& stack,
                 std::vector<ConfDirective>& out);
  void include(const ConfDirective& d, std::vector<Frame>& stack, std::vector<ConfDirective>& out);
  void step(std::vector<Frame>& stack);

  const core::PathMap& paths_;
  ConfReaderLimits limits_;
  std::filesystem::path prefix_;
  std::vector<std::pair<std::string, std::string>> files_;
  size_t bytes_ = 0;
  size_t directives_ = 0;
  bool stopped_ = false;
};

// "[emerg] <what> in <file>:<line>".
std::string emerg_at(const std::string& what, const std::string& file, int line);
// An error node carrying `message` at `file`:`line`.
ConfDirective error_node(ConfDirective::Error kind, std::string message, const std::string& file, int line);

}  // namespace bg::proxy
