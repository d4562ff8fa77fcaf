#pragma once
// RunFolder: the folder of one run under /tmp — the revision that is pushed (the scenario folder
// laid over the folders it extends), the sandboxed host's layers and own folders, the shims'
// socket — and where each file of the revision came from, so that messages name the user's own
// files and never the run's temporary copies. It is removed when the run ends (unless kept).
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "scenarios/scenario.h"

namespace bg::sim {

class RunFolder {
 public:
  // Creates the folder and stages the revision. Throws std::runtime_error (removing what it made).
  explicit RunFolder(const scenarios::Scenario& scenario);
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // The revision pushed: the bundle's root holds appspec.yml.
  const std::filesystem::path& bundle() const { return bundle_; }
  // The user's file a path of the revision (relative to its root) was copied from.
  std::optional<std::filesystem::path> origin(const std::filesystem::path& relative) const;
  // The user's file for a path of the run's bundle copy (real), or the path unchanged.
  std::filesystem::path shown(const std::filesystem::path& real) const;
  void keep(bool keep) { keep_ = keep; }

 private:
  void stage(const scenarios::Scenario& scenario);

  std::filesystem::path dir_;
  std::filesystem::path bundle_;
  std::map<std::string, std::filesystem::path> origins_;  // relative path -> the user's file
  bool keep_ = false;
};

}  // namespace bg::sim
