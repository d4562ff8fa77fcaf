#include "sim/staged_host.h"

#include <unistd.h>

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

#include "core/not_modelled.h"
#include "fakes/docker/compose_file.h"
#include "fakes/host/host_layout.h"
#include "fakes/host/sandbox_host.h"
#include "fakes/pipeline/git_origin.h"
#include "fakes/pipeline/workflow_file.h"
#include "fakes/shim/shim_catalog.h"
#include "sim/own_files.h"
#include "sim/run_folder.h"

namespace bg::sim {
namespace fs = std::filesystem;

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Copies a file or a folder's tree onto the host (through the harness's view of it). `.keep` files
// only hold empty folders in the repository; the host has none.
void copy_onto_host(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  if (fs::is_directory(from)) {
    fs::create_directories(to);
    fs::copy(from, to,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing | fs::copy_options::copy_symlinks);
    std::vector<fs::path> keeps;
    for (const auto& entry : fs::recursive_directory_iterator(to))
      if (entry.path().filename() == ".keep") keeps.push_back(entry.path());
    for (const auto& k : keeps) fs::remove(k);
  } else {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  }
}

}  // namespace

StagedHost::StagedHost(const scenarios::Scenario& scenario, bool keep_run_dir) {
  // Bad input ends the run before anything starts; the half-made run folder goes with folder_ (the
  // host, if it started, is stopped first).
  folder_ = std::make_unique<RunFolder>(scenario);
  folder_->keep(keep_run_dir);
  check_inputs(scenario);
  start_host(scenario);
}

StagedHost::~StagedHost() = default;

const fs::path& StagedHost::dir() const { return folder_->dir(); }

// Bad input is found before anything starts, and named by the user's file and line: the appspec,
// and every compose file of the deployment (the scripts would only meet a broken one mid-swap).
void StagedHost::check_inputs(const scenarios::Scenario& scenario) {
  auto checked = [&](const fs::path& file, const auto& parse) {
    try {
      parse(file);
    } catch (const std::exception& e) {
      throw std::runtime_error(replace_all(e.what(), file.string(), folder_->shown(file).string()));
    }
  };
  if (fs::exists(folder_->bundle() / scenario.appspec))
    checked(folder_->bundle() / scenario.appspec,
            [this](const fs::path& f) { appspec_files_ = fakes::parse_appspec(f).files; });
  // A folder with a workflow that a push to main runs deploys through it, as written (GitHub Actions:
  // its run steps on a runner, ssh-action on the host, `aws deploy` through CodeDeploy).
  std::vector<fakes::Workflow> workflows;
  try {
    workflows = fakes::read_workflows(folder_->bundle());
  } catch (const std::exception& e) {
    throw std::runtime_error(replace_all(e.what(), folder_->bundle().string() + "/", scenario.dir.string() + "/"));
  }
  for (auto& w : workflows) {
    if (!fakes::push_triggers_branch(w.push, kBranch)) continue;
    if (workflow_)
      throw core::NotModelled(
          fmt::format("two workflows run on a push to {} ({} and {})", kBranch, workflow_->file, w.file));
    workflow_ = std::make_unique<fakes::Workflow>(std::move(w));
  }
  if (!workflow_ && !fs::exists(folder_->bundle() / scenario.appspec))
    throw std::runtime_error(
        fmt::format("{}: the folder deploys neither through CodeDeploy ({} at its root) nor "
                    "through a workflow that a push to {} runs (.github/workflows/)",
                    scenario.dir.string(), scenario.appspec.string(), kBranch));
  for (const auto& entry : fs::directory_iterator(folder_->bundle())) {
    const std::string name = entry.path().filename().string();
    const bool yaml = entry.path().extension() == ".yml" || entry.path().extension() == ".yaml";
    if (entry.is_regular_file() && yaml && name.find("compose") != std::string::npos)
      checked(entry.path(), [&](const fs::path& f) {
        fakes::parse_compose_file(f, fakes::template_syntax_for(scenario.docker.compose));
      });
  }
}

// The instance the scripts run on: a sandboxed host (fakes/host) with the shims at the real
// programs' paths; the harness sees its files through PathMap's "/".
void StagedHost::start_host(const scenarios::Scenario& scenario) {
  fakes::HostLayoutOptions o;
  o.run_dir = folder_->dir();
  o.os = fakes::parse_host_os(scenario.host.os);
  o.shim_binary = shim_program();
  for (const auto& p : fakes::shimmed_programs()) o.shims.push_back({p.name, p.paths});
  o.real_programs = fakes::real_programs_for_shims();
  o.user_namespace = ::geteuid() != 0;
  if (workflow_) {
    fs::create_directories(folder_->dir() / "github");
    o.extra_binds.emplace_back(kOriginsInside, folder_->dir() / "github");
  }
  layout_ = std::make_unique<fakes::HostLayout>(o);
  const fakes::MountPlan plan = layout_->prepare();
  set_up_nginx_folder(scenario);
  write_bash_env();
  host_ = std::make_unique<fakes::SandboxHost>(plan, folder_->dir() / "host-plan.json", host_program());
  paths_.add("/", host_->root());
  for (const auto& folder : fakes::HostLayout::own_folders()) own_paths_.add(folder, layout_->own_folder(folder));
  place_host_files(scenario);
  if (workflow_) set_up_github(scenario);
}

// The run's GitHub: a repository holding the folder as first committed, and the admin's clones of
// it on the host (scenario.yaml host.repos), which `git pull` there brings up to date.
void StagedHost::set_up_github(const scenarios::Scenario& scenario) {
  fakes::GitOriginOptions o;
  o.dir = folder_->dir() / "github" / "acme" / "web.git";
  o.branch = kBranch;
  origin_ = std::make_unique<fakes::GitOrigin>(o);
  origin_->commit(folder_->bundle(), 0, "initial: the repository as cloned before the first deployment");
  for (const auto& [at, branch] : scenario.host.repos) {
    if (branch != kBranch)
      throw core::NotModelled(fmt::format("host.repos {} on branch {} (the run pushes to {})", at, branch, kBranch));
    // git cannot clone straight through /proc/<init>/root (it canonicalises the path and lands on
    // the machine's own): clone beside, then lay the clone onto the host.
    const fs::path staged = folder_->dir() / "github" / "clones" / fs::path(at).relative_path();
    origin_->clone_into(staged);
    copy_onto_host(staged, paths_.resolve(at));
  }
}

// /etc/nginx as the host has it before the first deployment (scenario.yaml host.nginx).
void StagedHost::set_up_nginx_folder(const scenarios::Scenario& scenario) {
  const fs::path etc_nginx = layout_->own_folder(kNginxDir);
  if (scenario.host.nginx == "stock") {
    if (!fs::is_directory(stock_nginx()))
      throw std::runtime_error(
          fmt::format("host.nginx is stock but the stock layout is missing at {}", stock_nginx().string()));
    copy_onto_host(stock_nginx(), etc_nginx);
    if (fs::is_directory(stock_www())) copy_onto_host(stock_www(), layout_->own_folder("/var/www"));
  }
  // Without a `host.nginx`, the scenario's nginx.conf (and the files it includes) is the host's.
  if (scenario.host.nginx.empty() || scenario.proxy_config_given) {
    const fs::path conf = scenarios::deployment_file(scenario, scenario.proxy.config);
    fs::copy_file(conf, etc_nginx / "nginx.conf", fs::copy_options::overwrite_existing);
    placed_[fmt::format("{}/nginx.conf", kNginxDir)] = conf;
    for (const auto& f : scenario.proxy.files) {
      fs::copy_file(scenarios::deployment_file(scenario, f), etc_nginx / f.filename(),
                    fs::copy_options::overwrite_existing);
      placed_[fmt::format("{}/{}", kNginxDir, f.filename().string())] = scenarios::deployment_file(scenario, f);
    }
  }
}

// scenario.yaml host.files and host.symlinks: what an admin set up by hand.
void StagedHost::place_host_files(const scenarios::Scenario& scenario) {
  for (const auto& [at, file] : scenario.host.files) {
    const fs::path from = scenarios::deployment_file(scenario, file);
    if (!fs::exists(from))
      throw std::runtime_error(fmt::format("{}: host.files names {}, which does not exist",
                                           (scenario.dir / "scenario.yaml").string(), from.string()));
    const bool folder = !at.empty() && at.back() == '/';
    copy_onto_host(from, paths_.resolve(folder ? at.substr(0, at.size() - 1) : at));
  }
  for (const auto& [at, target] : scenario.host.symlinks) {
    const fs::path link = paths_.resolve(fs::path(at).parent_path()) / fs::path(at).filename();
    fs::create_directories(link.parent_path());
    std::error_code ignored;
    fs::remove(link, ignored);
    fs::create_symlink(target, link);
  }
}

// BASH_ENV: every bash script on the host reads it first. It only tells the shims which script and
// line is running (a DEBUG trap, inherited by functions and subshells), so that a command the
// simulation does not model is named with where it was called; it changes nothing else. /bin/sh
// scripts do not read it: their calls are named by the hook script only.
void StagedHost::write_bash_env() {
  std::ofstream out(folder_->dir() / "ctl/bash_env.sh", std::ios::trunc);
  out << "# Written by bluegreen: tells the shims which script line calls them. Changes nothing else.\n"
         "case $0 in\n"
         "  bash|sh|-bash|/bin/bash|/bin/sh|/usr/bin/bash) ;;\n"
         "  /*) export BLUEGREEN_SCRIPT=\"$0\" ;;\n"
         "  *) export BLUEGREEN_SCRIPT=\"$PWD/$0\" ;;\n"
         "esac\n"
         "set -o functrace\n"
         "trap 'BLUEGREEN_LINE=$LINENO; export BLUEGREEN_LINE' DEBUG\n";
  if (!out) throw std::runtime_error("cannot write the run's BASH_ENV file");
}

std::string StagedHost::users_files_named(std::string message) const {
  auto text_of = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  for (const auto& [host_path, users] : placed_) {
    if (message.find(host_path + ":") == std::string::npos) continue;
    if (text_of(paths_.resolve(host_path)) == text_of(users))
      message = replace_all(message, host_path + ":", users.string() + ":");
  }
  return message;
}

std::string StagedHost::user_file(const std::string& on_host) const {
  const fs::path p = fs::path(on_host).lexically_normal();
  std::optional<fs::path> relative;
  // <root>/<group id>/<deployment id>/deployment-archive/<file>
  const fs::path under_root = p.lexically_relative(kDeploymentRoot);
  if (!under_root.empty() && *under_root.begin() != "..") {
    auto it = under_root.begin();
    for (int skip = 0; skip < 3 && it != under_root.end(); ++skip) ++it;
    fs::path rest;
    for (; it != under_root.end(); ++it) rest /= *it;
    relative = rest;
  }
  if (!relative)
    for (const auto& f : appspec_files_) {
      const fs::path under = p.lexically_relative(f.destination);
      if (!under.empty() && *under.begin() != "..") relative = fs::path(f.source).relative_path() / under;
    }
  if (!relative) return "";
  if (auto origin = folder_->origin(relative->lexically_normal())) return origin->string();
  return "";
}

}  // namespace bg::sim
