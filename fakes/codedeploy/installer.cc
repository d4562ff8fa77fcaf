#include "fakes/codedeploy/installer.h"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

namespace bg::fakes {

namespace fs = std::filesystem;

Installer::Installer(fs::path instructions_dir, const core::PathMap& paths)
    : instructions_dir_(std::move(instructions_dir)), paths_(paths) {}

std::vector<fs::path> Installer::install(const std::string& deployment_group_id, const AppSpec& spec,
                                         const fs::path& archive_dir) {
  fs::create_directories(instructions_dir_);
  const fs::path cleanup_file = instructions_dir_ / (deployment_group_id + "-cleanup");
  // The agent removes the last install's files first, so they never count as "already existing".
  remove_previous(cleanup_file);

  Plan plan;
  for (const auto& mapping : spec.files) {
    const fs::path source = archive_dir / fs::path(mapping.source).relative_path();
    const fs::path destination = real_destination(mapping.destination);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(source, ec)))
      throw InstallError(
          fmt::format("The deployment failed because the source {} listed in the files section of "
                      "the AppSpec file does not exist in the revision",
                      mapping.source));
    if (fs::is_directory(source) && !fs::is_symlink(source)) {
      plan_ancestors(plan, destination);
      plan_directory(plan, source, destination, spec.file_exists_behavior);
    } else {
      const fs::path target = destination / source.filename();
      plan_ancestors(plan, destination);
      plan_file(plan, source, target, spec.file_exists_behavior);
    }
  }

  // Conflicts are all found; now act, recording each created path for the next install's cleanup.
  std::ofstream cleanup(cleanup_file, std::ios::trunc);
  std::vector<fs::path> copied;
  for (const auto& dir : plan.mkdirs) {
    if (fs::create_directory(dir)) cleanup << dir.string() << "\n";
  }
  for (const auto& [source, target] : plan.copies) {
    fs::copy(source, target, fs::copy_options::overwrite_existing | fs::copy_options::copy_symlinks);
    cleanup << target.string() << "\n";
    copied.push_back(target);
  }
  return copied;
}

void Installer::remove_previous(const fs::path& cleanup_file) const {
  std::ifstream in(cleanup_file);
  if (!in) return;
  std::vector<fs::path> created;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) created.emplace_back(line);
  in.close();
  // Reverse creation order: files before the folders holding them; a folder that now holds files
  // someone else put there stays (the agent removes only empty ones).
  std::error_code ec;
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    if (fs::is_directory(fs::symlink_status(*it, ec))) {
      if (fs::is_empty(*it, ec)) fs::remove(*it, ec);
    } else {
      fs::remove(*it, ec);
    }
  }
  fs::remove(cleanup_file, ec);
}

fs::path Installer::real_destination(const std::string& destination) const {
  // The harness never writes to the host's real paths: an unmapped destination is an error.
  auto real = paths_.to_real(destination);
  if (!real)
    throw InstallError(
        fmt::format("destination {} is not mapped to a folder of this run (bluegreen does not write "
                    "outside the run); map it in the scenario's paths",
                    destination));
  return *real;
}

void Installer::plan_ancestors(Plan& plan, const fs::path& dir) const {
  std::vector<fs::path> missing;
  for (fs::path p = dir; !p.empty() && !fs::exists(p) && p != p.root_path(); p = p.parent_path()) missing.push_back(p);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    if (std::find(plan.mkdirs.begin(), plan.mkdirs.end(), *it) == plan.mkdirs.end()) plan.mkdirs.push_back(*it);
}

void Installer::plan_directory(Plan& plan, const fs::path& source, const fs::path& target,
                               FileExistsBehavior behavior) const {
  if (!fs::is_directory(target) && std::find(plan.mkdirs.begin(), plan.mkdirs.end(), target) == plan.mkdirs.end())
    plan.mkdirs.push_back(target);
  std::vector<fs::directory_entry> entries{fs::directory_iterator(source), fs::directory_iterator()};
  std::sort(entries.begin(), entries.end());  // a stable order, not the directory's
  for (const auto& entry : entries) {
    const fs::path to = target / entry.path().filename();
    if (entry.is_directory() && !entry.is_symlink())
      plan_directory(plan, entry.path(), to, behavior);
    else
      plan_file(plan, entry.path(), to, behavior);
  }
}

void Installer::plan_file(Plan& plan, const fs::path& source, const fs::path& target,
                          FileExistsBehavior behavior) const {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(target, ec))) {
    switch (behavior) {
      case FileExistsBehavior::disallow: {
        // installer.rb's wording, with the path as the deployment names it.
        const fs::path shown = paths_.to_virtual(target).value_or(target);
        throw InstallError(fmt::format(
            "The deployment failed because a specified file already exists at this location: {}", shown.string()));
      }
      case FileExistsBehavior::retain:
        return;  // kept as is, and not recorded: the next install does not remove it
      case FileExistsBehavior::overwrite:
        break;
    }
  }
  plan.copies.emplace_back(source, target);
}

}  // namespace bg::fakes
