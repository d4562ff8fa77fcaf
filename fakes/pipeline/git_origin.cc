#include "fakes/pipeline/git_origin.h"

#include <atomic>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "fakes/pipeline/local_command.h"

namespace bg::fakes {

namespace fs = std::filesystem;

namespace {
// A fixed point in time: commit N is made a minute after commit N-1.
constexpr long kEpoch = 1717200000;  // 2024-06-01T00:00:00Z

std::string trim_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}
}  // namespace

GitOrigin::GitOrigin(GitOriginOptions options) : options_(std::move(options)) {
  fs::create_directories(options_.dir);
  git({"init", "--quiet", "--bare", "--initial-branch=" + options_.branch, options_.dir.string()}, options_.dir);
  // actions/checkout fetches the pushed commit by its sha.
  git({"config", "uploadpack.allowAnySHA1InWant", "true"}, options_.dir);
}

std::string GitOrigin::git(const std::vector<std::string>& args, const fs::path& cwd,
                           const std::vector<std::pair<std::string, std::string>>& extra_env) const {
  std::vector<std::string> argv{options_.git.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  // No system or user configuration of this machine: the same result on every machine.
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/bin:/bin"},    {"HOME", options_.dir.string()},    {"LANG", "C"},
      {"GIT_CONFIG_NOSYSTEM", "1"}, {"GIT_CONFIG_GLOBAL", "/dev/null"}, {"GIT_TERMINAL_PROMPT", "0"}};
  for (const auto& [k, v] : extra_env) env[k] = v;
  LocalCommandResult r = run_local_command(argv, cwd, env);
  if (r.exit_code != 0)
    throw std::runtime_error(fmt::format("git {} failed ({}): {}", fmt::join(args, " "), r.exit_code, r.err + r.out));
  return r.out;
}

std::string GitOrigin::head() const {
  std::lock_guard lock(mutex_);
  LocalCommandResult r = run_local_command(
      {options_.git.string(), "rev-parse", "--verify", "--quiet", "refs/heads/" + options_.branch}, options_.dir,
      {{"PATH", "/usr/bin:/bin"},
       {"GIT_CONFIG_NOSYSTEM", "1"},
       {"GIT_CONFIG_GLOBAL", "/dev/null"},
       {"HOME", options_.dir.string()}});
  return r.exit_code == 0 ? trim_newline(r.out) : "";
}

std::string GitOrigin::commit(const fs::path& folder, int push, const std::string& message) {
  const std::string parent = head();
  std::lock_guard lock(mutex_);
  const fs::path index = options_.dir / fmt::format("push-{}.index", push);
  fs::remove(index);
  const std::string date = fmt::format("{} +0000", kEpoch + 60L * push);
  const std::vector<std::pair<std::string, std::string>> env = {
      {"GIT_DIR", options_.dir.string()},
      {"GIT_WORK_TREE", folder.string()},
      {"GIT_INDEX_FILE", index.string()},
      {"GIT_AUTHOR_NAME", "octocat"},
      {"GIT_AUTHOR_EMAIL", "octocat@users.noreply.github.com"},
      {"GIT_AUTHOR_DATE", date},
      {"GIT_COMMITTER_NAME", "octocat"},
      {"GIT_COMMITTER_EMAIL", "octocat@users.noreply.github.com"},
      {"GIT_COMMITTER_DATE", date}};
  git({"add", "--all", "."}, folder, env);
  const std::string tree = trim_newline(git({"write-tree"}, folder, env));
  std::vector<std::string> args{"commit-tree", tree, "-m", message};
  if (!parent.empty()) args.insert(args.begin() + 2, {"-p", parent});
  const std::string sha = trim_newline(git(args, folder, env));
  git({"update-ref", "refs/heads/" + options_.branch, sha}, options_.dir, {{"GIT_DIR", options_.dir.string()}});
  fs::remove(index);
  return sha;
}

std::string GitOrigin::url() const { return "https://github.com/" + options_.repository + ".git"; }

std::vector<std::string> GitOrigin::url_forms() const {
  const std::string& r = options_.repository;
  return {"https://github.com/" + r + ".git",   "https://github.com/" + r,
          "git@github.com:" + r + ".git",       "git@github.com:" + r,
          "ssh://git@github.com/" + r + ".git", "ssh://git@github.com/" + r};
}

std::vector<std::pair<std::string, std::string>> GitOrigin::rewrite_config(const std::string& path_seen_by_git) const {
  // url.<base>.insteadOf: the longest matching prefix is rewritten (git-config(1)). One key with
  // several values: the GIT_CONFIG_COUNT form allows repeated keys.
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& form : url_forms()) out.emplace_back("url.file://" + path_seen_by_git + ".insteadOf", form);
  return out;
}

namespace {
std::vector<std::pair<std::string, std::string>> as_env(
    const std::vector<std::pair<std::string, std::string>>& config) {
  std::vector<std::pair<std::string, std::string>> env{{"GIT_CONFIG_COUNT", std::to_string(config.size())}};
  for (size_t i = 0; i < config.size(); ++i) {
    env.emplace_back(fmt::format("GIT_CONFIG_KEY_{}", i), config[i].first);
    env.emplace_back(fmt::format("GIT_CONFIG_VALUE_{}", i), config[i].second);
  }
  return env;
}
}  // namespace

void GitOrigin::clone_into(const fs::path& real_dir) const {
  fs::create_directories(real_dir.parent_path());
  git({"clone", "--quiet", "--branch", options_.branch, url(), real_dir.string()}, real_dir.parent_path(),
      as_env(rewrite_config(options_.dir.string())));
}

void GitOrigin::checkout(const fs::path& ws, const std::string& sha, int fetch_depth) const {
  // git resolves its working folder with getcwd(), which fails for a folder reached through
  // /proc/<pid>/root of another mount namespace (a sandboxed runner's workspace): the checkout is
  // made in a real folder beside the origin, then laid onto the workspace.
  static std::atomic<int> checkouts{0};
  const fs::path staged = options_.dir.parent_path() / "checkouts" / std::to_string(++checkouts);
  fs::remove_all(staged);
  fs::create_directories(staged);
  const auto env = as_env(rewrite_config(options_.dir.string()));
  // The commands actions/checkout@v4 runs (its log: git init, remote add, fetch, checkout).
  git({"init", "--quiet", staged.string()}, staged, env);
  git({"remote", "add", "origin", "https://github.com/" + options_.repository}, staged, env);
  std::vector<std::string> fetch{"-c",      "protocol.version=2",     "fetch", "--quiet", "--no-tags",
                                 "--prune", "--no-recurse-submodules"};
  if (fetch_depth > 0) fetch.push_back(fmt::format("--depth={}", fetch_depth));
  fetch.insert(fetch.end(), {"origin", fmt::format("+{}:refs/remotes/origin/{}", sha, options_.branch)});
  git(fetch, staged, env);
  git({"checkout", "--quiet", "--force", "-B", options_.branch, "refs/remotes/origin/" + options_.branch}, staged, env);
  fs::create_directories(ws);
  fs::copy(staged, ws,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing | fs::copy_options::copy_symlinks);
  fs::remove_all(staged);
}

void GitOrigin::export_tree(const std::string& sha, const fs::path& dest) const {
  fs::create_directories(dest);
  const fs::path index = dest.parent_path() / (dest.filename().string() + ".index");
  git({"--git-dir=" + options_.dir.string(), "--work-tree=" + dest.string(), "checkout", "--force", sha, "--", "."},
      dest, {{"GIT_INDEX_FILE", index.string()}});
  fs::remove(index);
}

}  // namespace bg::fakes
