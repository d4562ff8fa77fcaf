#pragma once
// AppSpec: the parsed appspec.yml of one revision (EC2/on-premises form, semantics.md §4): which
// files Install copies where, and which scripts each lifecycle event runs.
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/codedeploy/lifecycle_event.h"

namespace bg::fakes {

// What Install does with a file already at the destination that the previous deployment did not put
// there (semantics.md §4 "files and file_exists_behavior").
enum class FileExistsBehavior { disallow, overwrite, retain };
std::string_view to_string(FileExistsBehavior b);

struct FileMapping {
  std::string source;       // relative to the bundle root; "/" is the whole bundle
  std::string destination;  // absolute path on the instance (resolved through core::PathMap)
  int line = 0;             // where the entry is in appspec.yml, for messages about it
  int column = 0;
};

struct HookScript {
  std::string location;  // relative to the bundle root ("/scripts/build_docker.sh")
  int timeout_seconds = 3600;
  std::optional<std::string> runas;  // recorded; this fake does not switch users
  int line = 0;                      // where `location` is in appspec.yml, for messages about the script
  int column = 0;
};

struct AppSpec {
  std::string version;  // "0.0", the only version CodeDeploy accepts
  std::string os;       // "linux" or "windows"
  std::vector<FileMapping> files;
  FileExistsBehavior file_exists_behavior = FileExistsBehavior::disallow;
  std::map<LifecycleEvent, std::vector<HookScript>> hooks;

  // The scripts hooked to `e`, in file order (empty when none).
  const std::vector<HookScript>& scripts_for(LifecycleEvent e) const;
};

// A malformed appspec. what() is "<file>:<line>:<column>: <what was wrong and what was expected>".
class AppSpecError : public std::runtime_error {
 public:
  AppSpecError(const std::string& source, int line, int column, const std::string& message);
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_;
  int column_;
};

// Reads and validates appspec.yml. Throws AppSpecError (also when the file cannot be read).
// `display_name` is what messages call the file ("" = `path`): a run parses its staged copy of the
// bundle, and the user must read the name of their own file, not of a temporary copy.
AppSpec parse_appspec(const std::filesystem::path& path, const std::string& display_name = "");
// Same, from text; `source_name` names it in error messages.
AppSpec parse_appspec_text(std::string_view text, const std::string& source_name);

}  // namespace bg::fakes
