#pragma once
// Installer: the Install step of the CodeDeploy agent (installer.rb): removes the files the group's
// last install put in place, then copies the appspec's `files` from the deployment archive to their
// destinations (resolved through core::PathMap), honouring file_exists_behavior, and records what it
// copied so the next install can remove it (semantics.md §4 "files and file_exists_behavior").
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/path_map.h"
#include "fakes/codedeploy/appspec.h"

namespace bg::fakes {

// Install failed; what() is the agent's message (e.g. DISALLOW's "a specified file already exists").
class InstallError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Installer {
 public:
  // `instructions_dir`: the agent's deployment-instructions folder, where `<group-id>-cleanup` lists
  // (one real path a line, in creation order) the files and folders the last install created.
  Installer(std::filesystem::path instructions_dir, const core::PathMap& paths);

  // Returns the real paths copied. Throws InstallError; as in the agent, the previous install's files
  // are already removed then and no file of this one has been copied (conflicts are found first).
  std::vector<std::filesystem::path> install(const std::string& deployment_group_id, const AppSpec& spec,
                                             const std::filesystem::path& archive_dir);

 private:
  struct Plan {
    std::vector<std::filesystem::path> mkdirs;
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> copies;  // source -> target
  };

  void remove_previous(const std::filesystem::path& cleanup_file) const;
  std::filesystem::path real_destination(const std::string& destination) const;
  void plan_directory(Plan& plan, const std::filesystem::path& source, const std::filesystem::path& target,
                      FileExistsBehavior behavior) const;
  void plan_file(Plan& plan, const std::filesystem::path& source, const std::filesystem::path& target,
                 FileExistsBehavior behavior) const;
  void plan_ancestors(Plan& plan, const std::filesystem::path& dir) const;

  std::filesystem::path instructions_dir_;
  const core::PathMap& paths_;
};

}  // namespace bg::fakes
