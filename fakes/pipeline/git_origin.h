#pragma once
// GitOrigin: the run's GitHub repository, a local bare repository of the run holding one commit of
// the deploy folder per push (and an initial one: the state an admin cloned before the first
// deployment). It serves what GitHub serves in a deployment: the admin's `git clone` on the host
// (scenario.yaml `host.repos`), later `git pull` / `git fetch` there (the real git, pointed at this
// repository by url.<path>.insteadOf), actions/checkout's fetch of the pushed commit on the runner,
// and docker/build-push-action's Git context.
//
// Commits are deterministic: fixed author and committer, dates from the push number, the message
// naming the push, so a run with the same seed has the same shas. `git add -A` honours the folder's
// .gitignore, and keeps file modes (scripts stay executable), as a real push does.
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace bg::fakes {

struct GitOriginOptions {
  std::filesystem::path dir;            // the bare repository (created): run folder/github/<repo>.git
  std::string repository = "acme/web";  // owner/name
  std::string branch = "main";
  std::filesystem::path git = "/usr/bin/git";
};

class GitOrigin {
 public:
  explicit GitOrigin(GitOriginOptions options);  // `git init --bare`; throws std::runtime_error

  // Commits `folder`'s files as the branch's next commit; returns its sha. `push` numbers it
  // (0 = the initial commit), `message` is its subject line. Throws std::runtime_error.
  std::string commit(const std::filesystem::path& folder, int push, const std::string& message);
  std::string head() const;  // the branch's last commit ("" before the first)

  // The admin's clone: `git clone --branch <branch> <url>` into `real_dir` (a folder of the run
  // that is /home/ubuntu/web on the host), its origin the repository's GitHub URL.
  void clone_into(const std::filesystem::path& real_dir) const;
  // actions/checkout@v4 into `real_workspace`: git init, remote origin, fetch of `sha` with
  // `--depth=<fetch_depth>` (0: all), checkout -B <branch>. Throws std::runtime_error with git's text.
  void checkout(const std::filesystem::path& real_workspace, const std::string& sha, int fetch_depth) const;
  // The tree of `sha` written into `dest` (a build's Git context).
  void export_tree(const std::string& sha, const std::filesystem::path& dest) const;

  // How a clone names it: https://github.com/<repository>.git.
  std::string url() const;
  // Every URL form a remote of the repository may have (https with and without .git, ssh, scp-like).
  std::vector<std::string> url_forms() const;
  // `git -c` settings that send those URLs to the bare repository at `path_seen_by_git` (its path
  // where git runs: the real path here, /run/bluegreen/... inside a host), as key=value pairs.
  std::vector<std::pair<std::string, std::string>> rewrite_config(const std::string& path_seen_by_git) const;
  const std::filesystem::path& dir() const { return options_.dir; }
  const std::string& branch() const { return options_.branch; }
  const std::string& repository() const { return options_.repository; }

 private:
  std::string git(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                  const std::vector<std::pair<std::string, std::string>>& extra_env = {}) const;

  GitOriginOptions options_;
  mutable std::mutex mutex_;  // commits one at a time
};

}  // namespace bg::fakes
