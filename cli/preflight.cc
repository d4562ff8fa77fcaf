#include "cli/preflight.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <map>
#include <sstream>

#include "explore/scenario_overrides.h"
#include "fakes/codedeploy/appspec.h"
#include "fakes/docker/compose_file.h"
#include "fakes/docker/dockerfile.h"
#include "scenarios/scenario_loader.h"
#include "judge/checkers.h"

namespace bg::cli {
namespace {

namespace fs = std::filesystem;
using scenarios::ScenarioError;

// The bundle a run pushes, as the user's files: each path relative to the bundle root -> the file in
// the folder it comes from (this folder's own over the ones it extends, as World stages it). Bounded:
// a deployment is a repository, not a disk; past these the rest is left for the run to meet.
std::map<fs::path, fs::path> bundle_files(const scenarios::Scenario& s) {
  constexpr int kMaxDepth = 8;
  constexpr size_t kMaxFiles = 20000;
  std::map<fs::path, fs::path> files;
  auto lay = [&](const fs::path& from) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(from, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator() && files.size() < kMaxFiles; it.increment(ec)) {
      const auto name = it->path().filename();
      if (it->is_directory() && (name == ".git" || name == "node_modules" || it.depth() >= kMaxDepth)) {
        it.disable_recursion_pending();
        continue;
      }
      const auto rel = it->path().lexically_relative(from);
      if (rel == "scenario.yaml" || it->is_directory()) continue;
      // World copies the folder into the bundle file by file: a FIFO would block the copy and a
      // broken link fail it with the filesystem library's message (simplification: the bundle
      // holds regular files and folders; a link is copied as what it points to).
      if (!it->is_regular_file())
        throw ScenarioError(
            fmt::format("{}: is not a regular file or a folder (a FIFO, socket, device or broken "
                        "link); the deployment is pushed as a bundle of files",
                        it->path().string()));
      files[rel] = it->path();
    }
  };
  for (auto it = s.extends.rbegin(); it != s.extends.rend(); ++it) lay(*it);
  lay(s.dir);
  return files;
}

std::string read_text(const fs::path& path, std::uintmax_t max_bytes) {
  std::error_code ec;
  if (auto size = fs::file_size(path, ec); !ec && size > max_bytes)
    throw ScenarioError(
        fmt::format("{}: is {} bytes, more than the {} bluegreen reads of it", path.string(), size, max_bytes));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) throw ScenarioError(fmt::format("{}: cannot be read", path.string()));
  return text.str();
}

// The scripts the hooks name and the sources `files` copies must be in the revision: the agent
// fails the deployment without them (hook_executor.rb, installer.rb), mid-run.
void check_appspec(const scenarios::Scenario& s, const std::map<fs::path, fs::path>& bundle) {
  const fs::path user = scenarios::deployment_file(s, s.appspec);
  fakes::AppSpec spec;
  try {
    spec = fakes::parse_appspec(user);
  } catch (const fakes::AppSpecError& e) {
    throw ScenarioError(e.what());
  }
  auto in_bundle = [&](const std::string& location) {
    const fs::path rel = fs::path(location).relative_path().lexically_normal();
    if (rel.empty() || rel == ".") return true;  // "/": the whole bundle
    if (bundle.count(rel)) return true;
    return std::any_of(bundle.begin(), bundle.end(), [&](const auto& f) {  // a folder of it
      auto [end, _] = std::mismatch(rel.begin(), rel.end(), f.first.begin(), f.first.end());
      return end == rel.end();
    });
  };
  for (const auto& [event, scripts] : spec.hooks)
    for (size_t i = 0; i < scripts.size(); ++i)
      if (!bundle.count(fs::path(scripts[i].location).relative_path().lexically_normal()))
        throw ScenarioError(
            fmt::format("{}:{}:{}: hooks.{}[{}].location: Script does not exist at specified location: "
                        "{} (no such file in {})",
                        user.string(), scripts[i].line, scripts[i].column, fakes::to_string(event), i,
                        scripts[i].location, s.dir.string()));
  for (const auto& f : spec.files)
    if (!in_bundle(f.source))
      throw ScenarioError(
          fmt::format("{}:{}:{}: files.source: The deployment failed because the source {} listed in the "
                      "files section of the AppSpec file does not exist in the revision",
                      user.string(), f.line, f.column, f.source));
}

// World checks the compose files at the bundle root before a run; here they are the user's.
void check_compose_files(const std::map<fs::path, fs::path>& bundle, fakes::TemplateSyntax generation) {
  for (const auto& [rel, user] : bundle) {
    const std::string name = rel.filename().string();
    const bool yaml = rel.extension() == ".yml" || rel.extension() == ".yaml";
    if (rel.has_parent_path() || !yaml || name.find("compose") == std::string::npos) continue;
    try {
      fakes::parse_compose_file(user, generation);
    } catch (const std::exception& e) {
      throw ScenarioError(e.what());
    }
  }
}

// Any Dockerfile a script may build: Dockerfile, Dockerfile.prod, web.Dockerfile, anywhere.
void check_dockerfiles(const std::map<fs::path, fs::path>& bundle) {
  for (const auto& [rel, user] : bundle) {
    const std::string name = rel.filename().string();
    if (name != "Dockerfile" && !name.starts_with("Dockerfile.") && !name.ends_with(".Dockerfile")) continue;
    try {
      fakes::check_app_port(fakes::parse_dockerfile(read_text(user, 1 << 20)));
    } catch (const fakes::DockerfileError& e) {
      throw ScenarioError(e.line() > 0 ? fmt::format("{}:{}: {}", user.string(), e.line(), e.what())
                                       : fmt::format("{}: {}", user.string(), e.what()));
    }
  }
}

void check_expected_invariant(const scenarios::Scenario& s) {
  if (!s.expect || s.expect->invariant.empty()) return;
  std::vector<std::string> names;
  for (const auto& r : judge::run_checkers({})) names.push_back(r.name);
  if (std::find(names.begin(), names.end(), s.expect->invariant) == names.end())
    throw ScenarioError(
        fmt::format("{}: expect.invariant: '{}' is not an invariant bluegreen checks (expected one of: {})",
                    s.expect->invariant_at, s.expect->invariant, fmt::join(names, ", ")));
}

}  // namespace

scenarios::Scenario prepare_scenario(const fs::path& dir, const std::vector<std::string>& overrides) {
  auto s = scenarios::load_scenario(dir);
  explore::apply_overrides(s, overrides);
  preflight(s);
  return s;
}

void preflight(const scenarios::Scenario& s) {
  check_expected_invariant(s);
  const auto bundle = bundle_files(s);
  // A folder without appspec.yml deploys through its workflow (the run reads that itself).
  if (fs::exists(scenarios::deployment_file(s, s.appspec)) ||
      !fs::is_directory(scenarios::deployment_file(s, ".github/workflows")))
    check_appspec(s, bundle);
  check_compose_files(bundle, fakes::template_syntax_for(s.docker.compose));
  check_dockerfiles(bundle);
}

}  // namespace bg::cli
