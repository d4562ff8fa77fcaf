#include "fakes/pipeline/git_command.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "fakes/pipeline/local_command.h"

namespace bg::fakes {

namespace {

// Subcommands that talk to another repository over the network or run a server (git(1), "High-level
// commands" and "Interacting with Others"). fetch, pull, clone, ls-remote and remote are checked;
// the rest are refused.
const std::set<std::string> kRefused = {"push",         "send-pack",  "fetch-pack", "http-fetch", "http-push",
                                        "request-pull", "svn",        "p4",         "cvsimport",  "cvsexportcommit",
                                        "daemon",       "instaweb",   "send-email", "imap-send",  "upload-pack",
                                        "receive-pack", "credential", "submodule",  "lfs",        "bundle-uri"};

// Options of fetch, pull, clone and ls-remote whose value is the next argument.
const std::set<std::string> kTakesValue = {"--depth",
                                           "--deepen",
                                           "--shallow-since",
                                           "--shallow-exclude",
                                           "--refmap",
                                           "-o",
                                           "--server-option",
                                           "--upload-pack",
                                           "-j",
                                           "--jobs",
                                           "-b",
                                           "--branch",
                                           "--origin",
                                           "--reference",
                                           "--reference-if-able",
                                           "-c",
                                           "--config",
                                           "--template",
                                           "-u",
                                           "--filter",
                                           "--separate-git-dir",
                                           "-s",
                                           "--strategy",
                                           "-X",
                                           "--strategy-option",
                                           "--negotiation-tip",
                                           "--sort"};

core::CommandResult refuse(const std::string& what) { return core::not_modelled_result(what); }

std::string join_dir(const std::string& cwd, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  return cwd + (cwd.empty() || cwd.back() == '/' ? "" : "/") + path;
}

bool looks_like_url(const std::string& s) {
  if (s.find("://") != std::string::npos) return true;
  const size_t colon = s.find(':');
  return colon != std::string::npos && s.find('/') > colon && s.find('@') < colon;  // user@host:path
}

std::vector<std::string> positional(const std::vector<std::string>& args, size_t from) {
  std::vector<std::string> out;
  for (size_t i = from; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.insert(out.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.size() > 1 && a[0] == '-') {
      if (kTakesValue.count(a)) ++i;
      continue;
    }
    out.push_back(a);
  }
  return out;
}

bool has_flag(const std::vector<std::string>& args, size_t from, const std::string& flag) {
  return std::find(args.begin() + static_cast<long>(from), args.end(), flag) != args.end();
}

}  // namespace

GitCommandPlan plan_git_command(const std::vector<std::string>& args, const std::string& cwd,
                                const GitCommandContext& context) {
  GitCommandPlan plan;
  plan.args = args;
  std::string dir = cwd;
  size_t i = 0;
  // Global options (git(1)) before the subcommand.
  for (; i < args.size() && args[i].size() > 1 && args[i][0] == '-'; ++i) {
    const std::string& a = args[i];
    if (a == "-C" && i + 1 < args.size()) {
      dir = join_dir(dir, args[++i]);
    } else if (a == "-c" && i + 1 < args.size()) {
      const std::string& setting = args[++i];
      std::string key = setting.substr(0, setting.find('='));
      std::transform(key.begin(), key.end(), key.begin(), ::tolower);
      if (key.rfind("url.", 0) == 0 || key == "core.sshcommand" || key.rfind("http.", 0) == 0 ||
          key == "remote.origin.url")
        plan.answer = refuse(fmt::format("git -c {} (a setting that decides which server git reaches)", setting));
    } else if (a != "--no-pager" && a != "-P" && a != "--no-optional-locks" && a != "--no-replace-objects" &&
               a != "--version" && a != "--help" && a != "--literal-pathspecs") {
      plan.answer = refuse(fmt::format("the git option {}", a));
    }
    if (plan.answer) return plan;
  }
  if (i == args.size()) return plan;  // `git`, `git --version`: git answers
  const std::string sub = args[i];
  if (kRefused.count(sub)) {
    plan.answer = refuse(fmt::format("git {} (it reaches a server other than the run's repository)", sub));
    return plan;
  }
  if (sub == "archive" && std::any_of(args.begin() + static_cast<long>(i), args.end(),
                                      [](const std::string& a) { return a.rfind("--remote", 0) == 0; })) {
    plan.answer = refuse("git archive --remote");
    return plan;
  }
  // Which repositories the command reaches.
  std::vector<std::string> remotes;
  const auto pos = positional(args, i + 1);
  if (sub == "fetch" || sub == "pull" || sub == "ls-remote") {
    if (has_flag(args, i + 1, "--all"))
      remotes = context.remotes ? context.remotes(dir) : std::vector<std::string>{};
    else if (sub == "fetch" && has_flag(args, i + 1, "--multiple"))
      remotes = pos;
    else
      remotes.push_back(pos.empty() ? "origin" : pos[0]);
  } else if (sub == "clone") {
    if (!pos.empty()) remotes.push_back(pos[0]);
  } else if (sub == "remote" && !pos.empty()) {
    if (pos[0] == "update")
      remotes = pos.size() > 1 ? std::vector<std::string>(pos.begin() + 1, pos.end())
                               : (context.remotes ? context.remotes(dir) : std::vector<std::string>{});
    else if ((pos[0] == "show" || pos[0] == "prune") && !has_flag(args, i + 1, "-n"))
      remotes.assign(pos.begin() + 1, pos.end());
  } else {
    return plan;  // a local command: git runs it as it is
  }
  const auto forms = context.origin->url_forms();
  for (const auto& r : remotes) {
    std::string url = r;
    if (!looks_like_url(r)) {
      if (r[0] == '/' || r[0] == '.') continue;  // a repository on the host itself: no network
      const auto configured = context.remote_url ? context.remote_url(dir, r) : std::nullopt;
      if (!configured) continue;  // not a remote here: git fails on its own, reaching nothing
      url = *configured;
    }
    if (url.rfind("file://", 0) == 0) continue;
    if (std::find(forms.begin(), forms.end(), url) == forms.end()) {
      plan.answer =
          refuse(fmt::format("git {} from {} (a repository other than the run's {})", sub, url, context.origin->url()));
      return plan;
    }
  }
  const auto config = context.origin->rewrite_config(context.origin_path_in_host);
  plan.env["GIT_CONFIG_COUNT"] = std::to_string(config.size());
  for (size_t k = 0; k < config.size(); ++k) {
    plan.env[fmt::format("GIT_CONFIG_KEY_{}", k)] = config[k].first;
    plan.env[fmt::format("GIT_CONFIG_VALUE_{}", k)] = config[k].second;
  }
  plan.env["GIT_TERMINAL_PROMPT"] = "0";
  return plan;
}

namespace {
LocalCommandResult git_config(const std::string& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/git", "-C", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_local_command(argv, "/",
                           {{"PATH", "/usr/bin:/bin"}, {"HOME", "/nonexistent"}, {"GIT_CONFIG_NOSYSTEM", "1"}});
}
}  // namespace

std::optional<std::string> git_remote_url(const std::string& real_dir, const std::string& name) {
  LocalCommandResult r = git_config(real_dir, {"config", "--get", "remote." + name + ".url"});
  if (r.exit_code != 0) return std::nullopt;
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

std::vector<std::string> git_remotes(const std::string& real_dir) {
  LocalCommandResult r = git_config(real_dir, {"remote"});
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < r.out.size()) {
    const size_t nl = r.out.find('\n', pos);
    const std::string line = r.out.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (!line.empty()) out.push_back(line);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

}  // namespace bg::fakes
