#include "sim/run_folder.h"

#include <stdexcept>

#include "core/run_folder.h"

namespace bg::sim {
namespace fs = std::filesystem;

RunFolder::RunFolder(const scenarios::Scenario& scenario) {
  // On a tmpfs when there is one (core/run_folder.h says why). With an owner file, so that the next
  // run removes it if this one is killed before it can.
  dir_ = core::make_run_folder(core::world_folder_parent(), "bluegreen-");
  try {
    stage(scenario);
  } catch (...) {
    core::remove_run_folder(dir_);
    throw;
  }
}

RunFolder::~RunFolder() {
  if (keep_) {
    core::keep_run_folder(dir_);
    return;
  }
  core::remove_run_folder(dir_);
}

// The revision that is pushed: the scenario folder, laid over the folder it extends. scenario.yaml
// is the harness's, not the deployment's, and stays out.
void RunFolder::stage(const scenarios::Scenario& scenario) {
  bundle_ = dir_ / "bundle";
  fs::create_directories(bundle_);
  auto lay = [&](const fs::path& from) {
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
      const auto rel = entry.path().lexically_relative(from);
      if (rel == "scenario.yaml") continue;
      if (entry.is_directory()) {
        fs::create_directories(bundle_ / rel);
        continue;
      }
      fs::copy_file(entry.path(), bundle_ / rel, fs::copy_options::overwrite_existing);
      origins_[rel.string()] = entry.path();
    }
  };
  for (auto it = scenario.extends.rbegin(); it != scenario.extends.rend(); ++it) lay(*it);
  lay(scenario.dir);
}

std::optional<fs::path> RunFolder::origin(const fs::path& relative) const {
  auto it = origins_.find(relative.lexically_normal().string());
  if (it == origins_.end()) return std::nullopt;
  return it->second;
}

fs::path RunFolder::shown(const fs::path& real) const {
  const auto rel = real.lexically_normal().lexically_relative(bundle_);
  if (rel.empty() || *rel.begin() == "..") return real;
  return origin(rel).value_or(real);
}

}  // namespace bg::sim
