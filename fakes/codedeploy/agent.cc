#include "fakes/codedeploy/agent.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <tuple>

#include <fmt/format.h>

#include "fakes/codedeploy/installer.h"

namespace bg::fakes {

namespace fs = std::filesystem;

namespace {

// The agent keeps the last 2048 characters of a script's output for the console (hook_executor.rb's
// ScriptLog); events carry the same tail.
constexpr size_t kTail = 2048;
// One event's scripts together may not exceed this (semantics.md §4 "Scripts").
constexpr core::Duration kEventCap = std::chrono::seconds(3600);

std::string tail(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(s.size() - n); }

std::string output_tail(const ScriptResult& r) {
  std::string text;
  if (!r.out.empty()) text += "[stdout]" + tail(r.out, kTail / 2);
  if (!r.err.empty()) text += (text.empty() || text.back() == '\n' ? "" : "\n") + ("[stderr]" + tail(r.err, kTail / 2));
  return text;
}

std::string join_detail(const std::string& message, const std::string& output) {
  if (message.empty()) return output;
  return output.empty() ? message : message + "\n" + output;
}

// The message the agent puts on a failed script (hook_executor.rb).
std::string failure_message(const HookScript& script, const ScriptResult& r) {
  if (!r.spawn_error.empty())
    return fmt::format("Script at specified location: {} could not be run: {}", script.location, r.spawn_error);
  if (r.stopped)
    return fmt::format("Script at specified location: {} was stopped (the run is ending)", script.location);
  if (r.timed_out)
    return fmt::format("Script at specified location: {} failed to complete in {} seconds", script.location,
                       script.timeout_seconds);
  if (script.runas)
    return fmt::format("Script at specified location: {} run as user {} failed with exit code {}", script.location,
                       *script.runas, r.exit_code);
  return fmt::format("Script at specified location: {} failed with exit code {}", script.location, r.exit_code);
}

void append_script_log(const fs::path& log, core::Time at, const std::string& event, const std::string& location,
                       const ScriptResult& r) {
  std::ofstream out(log, std::ios::app);
  const std::string stamp = core::format_seconds(at);
  out << stamp << " LifecycleEvent - " << event << "\n" << stamp << " Script - " << location << "\n";
  auto lines = [&](const std::string& text, const char* tag) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      size_t end = nl == std::string::npos ? text.size() : nl + 1;
      out << stamp << " " << tag << text.substr(pos, end - pos) << (nl == std::string::npos ? "\n" : "");
      pos = end;
    }
  };
  lines(r.out, "[stdout]");
  lines(r.err, "[stderr]");
}

// A revision's folder as the history names it: relative to `root` when it lies under it.
std::string revision_in(const fs::path& bundle_dir, const fs::path& root) {
  if (root.empty()) return bundle_dir.string();
  const fs::path relative = bundle_dir.lexically_relative(root);
  return relative.empty() || *relative.begin() == ".." ? bundle_dir.string() : relative.string();
}

}  // namespace

struct CodeDeployAgent::Run {
  int number = 0;
  std::string id;
  fs::path bundle_dir;
  fs::path deployment_dir;
  fs::path archive_dir;
  std::optional<AppSpec> spec;           // the current revision's, once DownloadBundle has read it
  std::optional<fs::path> previous_dir;  // the last successful deployment's folder
};

CodeDeployAgent::CodeDeployAgent(core::Clock& clock, core::History& history, const core::PathMap& paths,
                                 AgentOptions options)
    : clock_(clock),
      history_(history),
      paths_(paths),
      options_(std::move(options)),
      runner_(clock, options_.kill_grace) {}

std::string CodeDeployAgent::deployment_id_for(int number) {
  // splitmix64 of the number, written in CodeDeploy's alphabet (upper-case letters and digits).
  uint64_t z = static_cast<uint64_t>(number) + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string id = "d-";
  for (int i = 0; i < 9; ++i, z /= 36) id += kAlphabet[z % 36];
  return id;
}

std::optional<std::string> CodeDeployAgent::active_deployment() const {
  std::lock_guard lock(mutex_);
  return active_;
}

fs::path CodeDeployAgent::instructions_dir() const { return options_.deployment_root / "deployment-instructions"; }

std::optional<fs::path> CodeDeployAgent::last_successful_deployment_dir() const {
  // The agent's own record: deployment-instructions/<group-id>_last_successful_install.
  std::ifstream in(instructions_dir() / (options_.deployment_group_id + "_last_successful_install"));
  std::string dir;
  if (!in || !std::getline(in, dir) || dir.empty()) return std::nullopt;
  return fs::path(dir);
}

void CodeDeployAgent::emit(core::DeployEvent event) {
  history_.append(event);
  if (options_.on_event) options_.on_event(event);
}

DeploymentResult CodeDeployAgent::deploy(int number, const fs::path& bundle_dir, std::stop_token stop) {
  DeploymentResult result;
  result.number = number;
  result.deployment_id = deployment_id_for(number);
  result.start = clock_.now();
  {
    std::lock_guard lock(mutex_);
    if (active_) {
      // Not queued: the second CreateDeployment fails outright (semantics.md §4 "Concurrency").
      result.refused = true;
      result.error = fmt::format(
          "DeploymentLimitExceededException: The Deployment Group '{}' already has an "
          "active Deployment '{}'",
          options_.deployment_group_name, *active_);
    } else {
      active_ = result.deployment_id;
    }
  }
  if (result.refused) {
    // Recorded so a checker can see the lost deployment (races.md R12); emitted outside the lock so
    // the observer may call back into the agent.
    result.end = result.start;
    emit({.at = result.start,
          .kind = core::DeployEventKind::deployment_failed,
          .deployment = number,
          .detail = result.error});
    return result;
  }
  struct Release {
    CodeDeployAgent& agent;
    ~Release() {
      std::lock_guard lock(agent.mutex_);
      agent.active_.reset();
    }
  } release{*this};

  Run run;
  run.number = number;
  run.id = result.deployment_id;
  run.bundle_dir = bundle_dir;
  run.deployment_dir = options_.deployment_root / options_.deployment_group_id / run.id;
  run.archive_dir = run.deployment_dir / "deployment-archive";
  // ApplicationStop needs the previous revision's archive; without it there is nothing to run.
  if (auto prev = last_successful_deployment_dir(); prev && fs::is_directory(*prev / "deployment-archive"))
    run.previous_dir = prev;
  result.deployment_dir = run.deployment_dir;
  emit({.at = result.start,
        .kind = core::DeployEventKind::deployment_started,
        .deployment = number,
        .detail = fmt::format("{} of {} to {}", run.id, revision_in(bundle_dir, options_.revisions_root),
                              options_.deployment_group_name)});

  HookSequencer sequencer({.has_previous_revision = run.previous_dir.has_value(),
                           .ignore_application_stop_failures = options_.ignore_application_stop_failures});
  while (auto step = sequencer.current()) {
    HookResult hook = stop.stop_requested() ? HookResult{.event = step->event,
                                                         .revision = step->revision,
                                                         .message = "stopped: the run is ending",
                                                         .start = clock_.now(),
                                                         .end = clock_.now()}
                                            : run_step(run, *step, stop);
    sequencer.complete(hook.succeeded);
    result.hooks.push_back(std::move(hook));
  }
  finish(run, result, sequencer);
  return result;
}

void CodeDeployAgent::finish(Run& run, DeploymentResult& result, const HookSequencer& sequencer) {
  result.end = clock_.now();
  result.succeeded = sequencer.state() == HookSequencer::State::succeeded;
  if (result.succeeded) {
    fs::create_directories(instructions_dir());
    std::ofstream(instructions_dir() / (options_.deployment_group_id + "_last_successful_install"), std::ios::trunc)
        << run.deployment_dir.string() << "\n";
    emit({.at = result.end,
          .kind = core::DeployEventKind::deployment_succeeded,
          .deployment = run.number,
          .detail = run.id});
    return;
  }
  // Nothing is undone: copied files and completed scripts stay in effect (semantics.md §4 "Failure").
  result.failed_event = sequencer.failed_event();
  const HookResult& failed = result.hooks.back();
  result.error = fmt::format("{} failed: {}", to_string(failed.event), failed.message);
  std::string output;
  if (!failed.scripts.empty()) output = output_tail(failed.scripts.back().result);
  emit({.at = result.end,
        .kind = core::DeployEventKind::deployment_failed,
        .deployment = run.number,
        .hook = std::string(to_string(failed.event)),
        .detail = join_detail(result.error, output)});
}

HookResult CodeDeployAgent::run_step(Run& run, const SequenceStep& step, std::stop_token stop) {
  switch (step.event) {
    case LifecycleEvent::DownloadBundle:
      return download_bundle(run);
    case LifecycleEvent::Install:
      return install(run);
    case LifecycleEvent::Start:
    case LifecycleEvent::End: {
      const core::Time now = clock_.now();
      return {.event = step.event, .revision = step.revision, .succeeded = true, .start = now, .end = now};
    }
    default:
      return run_hook_scripts(run, step.event, step.revision, stop);
  }
}

// command_executor.rb's cleanup_old_archives (aws-codedeploy-agent, lib/instance_agent/plugins/codedeploy):
// before the download, of the group's folders other than the current deployment's, the oldest by
// mtime beyond max_revisions - 1 are removed, skipping the last successful install's (ApplicationStop
// runs from it). Without this a long run kept every deployment's archive and logs.
void CodeDeployAgent::cleanup_old_archives(const Run& run) const {
  std::error_code ec;
  struct Folder {
    fs::file_time_type mtime;
    fs::path path;
  };
  std::vector<Folder> others;
  for (auto it = fs::directory_iterator(run.deployment_dir.parent_path(), ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code time_ec;  // its own: a failure here must not end the listing
    if (it->path() != run.deployment_dir) others.push_back({it->last_write_time(time_ec), it->path()});
  }
  const long extra = static_cast<long>(others.size()) - options_.max_revisions + 1;
  if (extra <= 0) return;
  if (auto last = last_successful_deployment_dir())
    std::erase_if(others, [&](const Folder& f) { return f.path == *last; });
  // Oldest first; equal times (a coarse clock) by name, so that which one goes does not vary.
  std::sort(others.begin(), others.end(),
            [](const Folder& a, const Folder& b) { return std::tie(a.mtime, a.path) < std::tie(b.mtime, b.path); });
  for (size_t i = 0; i < others.size() && i < static_cast<size_t>(extra); ++i) fs::remove_all(others[i].path, ec);
}

HookResult CodeDeployAgent::download_bundle(Run& run) {
  HookResult hook{.event = LifecycleEvent::DownloadBundle, .start = clock_.now()};
  emit({.at = hook.start,
        .kind = core::DeployEventKind::hook_started,
        .deployment = run.number,
        .hook = "DownloadBundle"});
  try {
    fs::create_directories(run.deployment_dir);  // the agent makes it before any command runs
    cleanup_old_archives(run);
    std::error_code ec;
    fs::remove_all(run.archive_dir, ec);
    fs::create_directories(run.archive_dir);
    fs::create_directories(run.deployment_dir / "logs");
    fs::copy(run.bundle_dir, run.archive_dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    // Simplified: the agent reads the AppSpec when a later step needs it; an invalid one fails here.
    run.spec = parse_appspec(run.archive_dir / "appspec.yml");
    hook.succeeded = true;
  } catch (const std::exception& e) {
    hook.message = e.what();
  }
  hook.end = clock_.now();
  emit({.at = hook.end,
        .kind = core::DeployEventKind::hook_finished,
        .deployment = run.number,
        .hook = "DownloadBundle",
        .exit_code = hook.succeeded ? 0 : 1,
        .detail = hook.message});
  return hook;
}

HookResult CodeDeployAgent::install(Run& run) {
  HookResult hook{.event = LifecycleEvent::Install, .revision = Revision::current, .start = clock_.now()};
  emit({.at = hook.start, .kind = core::DeployEventKind::hook_started, .deployment = run.number, .hook = "Install"});
  std::string detail;
  try {
    Installer installer(instructions_dir(), paths_);
    auto copied = installer.install(options_.deployment_group_id, *run.spec, run.archive_dir);
    hook.succeeded = true;
    detail = fmt::format("{} files copied ({})", copied.size(), to_string(run.spec->file_exists_behavior));
  } catch (const std::exception& e) {
    hook.message = e.what();
    detail = hook.message;
  }
  hook.end = clock_.now();
  emit({.at = hook.end,
        .kind = core::DeployEventKind::hook_finished,
        .deployment = run.number,
        .hook = "Install",
        .exit_code = hook.succeeded ? 0 : 1,
        .detail = detail});
  return hook;
}

HookResult CodeDeployAgent::run_hook_scripts(Run& run, LifecycleEvent event, Revision revision, std::stop_token stop) {
  HookResult hook{.event = event, .revision = revision, .succeeded = true, .start = clock_.now()};
  // ApplicationStop takes both the AppSpec and the scripts from the previous successful revision.
  fs::path archive = run.archive_dir;
  const AppSpec* spec = run.spec ? &*run.spec : nullptr;
  std::optional<AppSpec> previous;
  if (revision == Revision::previous) {
    archive = *run.previous_dir / "deployment-archive";
    try {
      previous = parse_appspec(archive / "appspec.yml");
    } catch (const std::exception& e) {
      hook.succeeded = false;
      hook.message = e.what();
      hook.end = clock_.now();
      return hook;
    }
    spec = &*previous;
  }
  const auto& scripts = spec ? spec->scripts_for(event) : std::vector<HookScript>{};
  for (size_t i = 0; i < scripts.size(); ++i) {
    const core::Duration budget = std::min<core::Duration>(std::chrono::seconds(scripts[i].timeout_seconds),
                                                           kEventCap - (clock_.now() - hook.start));
    ScriptOutcome outcome = run_script(run, event, scripts[i], archive, budget, i, stop);
    const bool ok = outcome.succeeded;
    if (!ok) hook.message = outcome.message;
    hook.scripts.push_back(std::move(outcome));
    if (!ok) {
      hook.succeeded = false;
      break;
    }  // later scripts of the event do not run either
  }
  hook.end = clock_.now();
  return hook;
}

ScriptOutcome CodeDeployAgent::run_script(Run& run, LifecycleEvent event, const HookScript& script,
                                          const fs::path& archive, core::Duration budget, size_t index,
                                          std::stop_token stop) {
  ScriptOutcome outcome{.location = script.location};
  const std::string hook_name(to_string(event));
  const fs::path path = archive / fs::path(script.location).relative_path();
  const core::Time start = clock_.now();
  emit({.at = start,
        .kind = core::DeployEventKind::hook_started,
        .deployment = run.number,
        .hook = hook_name,
        .script = script.location});
  auto refuse = [&](std::string message) {
    outcome.message = std::move(message);
    outcome.result.start = outcome.result.end = start;
    emit({.at = start,
          .kind = core::DeployEventKind::hook_finished,
          .deployment = run.number,
          .hook = hook_name,
          .script = script.location,
          .exit_code = 1,
          .detail = outcome.message});
    return outcome;
  };
  // hook_executor.rb: a missing script fails the event; a non-executable one is made executable.
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return refuse("Script does not exist at specified location: " + script.location);
  if (::access(path.c_str(), X_OK) != 0) {
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add,
                    ec);
    if (ec) return refuse("Unable to set script at specified location: " + script.location + " as executable");
  }
  const fs::path logs = run.deployment_dir / "logs";
  const std::string stem = fmt::format("{}.{}", hook_name, index);
  ScriptRequest request{.script = on_host(path),
                        .cwd = on_host(archive),
                        .env = script_environment(run, event),
                        .timeout = budget,
                        .stdout_file = logs / (stem + ".stdout"),
                        .stderr_file = logs / (stem + ".stderr"),
                        .host = options_.host};
  outcome.result = runner_.run(request, stop);
  const ScriptResult& r = outcome.result;
  outcome.succeeded = r.spawn_error.empty() && !r.timed_out && !r.stopped && r.exit_code == 0;
  if (!outcome.succeeded) outcome.message = failure_message(script, r);
  append_script_log(logs / "scripts.log", r.end, hook_name, script.location, r);
  emit({.at = r.end,
        .kind = r.timed_out ? core::DeployEventKind::hook_timed_out : core::DeployEventKind::hook_finished,
        .deployment = run.number,
        .hook = hook_name,
        .script = script.location,
        .exit_code = r.exit_code,
        .detail = join_detail(outcome.message, output_tail(r))});
  return outcome;
}

// A path under the deployment root as the instance's processes see it.
fs::path CodeDeployAgent::on_host(const fs::path& real) const {
  if (options_.deployment_root_on_host.empty()) return real;
  return options_.deployment_root_on_host / real.lexically_relative(options_.deployment_root);
}

std::map<std::string, std::string> CodeDeployAgent::script_environment(const Run& run, LifecycleEvent event) const {
  std::map<std::string, std::string> env = options_.environment;
  env.try_emplace("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  // CodeDeploy's variables (semantics.md §4 "Scripts"); DEPLOYMENT_ID is the current deployment's
  // also in ApplicationStop, as in the agent.
  env["APPLICATION_NAME"] = options_.application_name;
  env["DEPLOYMENT_ID"] = run.id;
  env["DEPLOYMENT_GROUP_NAME"] = options_.deployment_group_name;
  env["DEPLOYMENT_GROUP_ID"] = options_.deployment_group_id;
  env["LIFECYCLE_EVENT"] = std::string(to_string(event));
  // The harness's own: lets the shims file their ShimEvents under the right deployment number.
  env["BG_DEPLOYMENT"] = std::to_string(run.number);
  return env;
}

}  // namespace bg::fakes
