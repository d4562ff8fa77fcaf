// The run's GitHub repository and git on the deploy host: commits per push, the admin's clone,
// `git pull` / `git fetch` + `git reset` run by the real git against it, and what is refused.
#include "fakes/pipeline/git_origin.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "fakes/codedeploy/codedeploy_test_support.h"
#include "fakes/pipeline/git_command.h"
#include "fakes/pipeline/local_command.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;
using test_support::read_file;
using test_support::TempDir;
using test_support::write_file;

class GitOriginTest : public ::testing::Test {
 protected:
  GitOriginTest() {
    write_file(dir_ / "src/scripts/deploy.sh", "#!/bin/bash\necho deploy\n", true);
    write_file(dir_ / "src/docker-compose.yml", "services: {}\n");
    write_file(dir_ / "src/.gitignore", "node_modules/\n");
    write_file(dir_ / "src/node_modules/x.js", "ignored\n");
    origin_ = std::make_unique<GitOrigin>(GitOriginOptions{dir_ / "github/acme/web.git", "acme/web", "main"});
    context_.origin = origin_.get();
    context_.origin_path_in_host = origin_->dir().string();
    context_.remote_url = [](const std::string& d, const std::string& n) { return git_remote_url(d, n); };
    context_.remotes = [](const std::string& d) { return git_remotes(d); };
  }

  // What the shim side does: the plan, then the real git with the plan's variables.
  LocalCommandResult host_git(const std::vector<std::string>& args, const fs::path& cwd) {
    GitCommandPlan plan = plan_git_command(args, cwd.string(), context_);
    if (plan.answer) return {plan.answer->exit_code, plan.answer->out, plan.answer->err + plan.answer->not_modelled};
    std::vector<std::string> argv{"/usr/bin/git"};
    argv.insert(argv.end(), plan.args.begin(), plan.args.end());
    std::map<std::string, std::string> env = {
        {"PATH", "/usr/bin:/bin"}, {"HOME", (dir_ / "home").string()}, {"GIT_CONFIG_NOSYSTEM", "1"}};
    for (const auto& [k, v] : plan.env) env[k] = v;
    return run_local_command(argv, cwd, env);
  }

  std::string head_of(const fs::path& repo) { return host_git({"rev-parse", "HEAD"}, repo).out; }

  TempDir dir_;
  std::unique_ptr<GitOrigin> origin_;
  GitCommandContext context_;
};

// Goal: a commit per push, deterministic, .gitignore honoured, modes kept; the clone sees it.
TEST_F(GitOriginTest, CommitsPushesAndClonesThem) {
  const std::string first = origin_->commit(dir_ / "src", 0, "initial");
  EXPECT_EQ(first.size(), 40u);
  EXPECT_EQ(origin_->head(), first);
  origin_->clone_into(dir_ / "host/home/ubuntu/web");
  const fs::path clone = dir_ / "host/home/ubuntu/web";
  EXPECT_EQ(read_file(clone / "scripts/deploy.sh"), "#!/bin/bash\necho deploy\n");
  EXPECT_TRUE((fs::status(clone / "scripts/deploy.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
  EXPECT_FALSE(fs::exists(clone / "node_modules"));
  EXPECT_EQ(git_remote_url(clone.string(), "origin"), "https://github.com/acme/web.git");
  // The same folder and push number give the same sha in another run.
  TempDir other;
  GitOrigin again(GitOriginOptions{other / "web.git", "acme/web", "main"});
  EXPECT_EQ(again.commit(dir_ / "src", 0, "initial"), first);
}

// Goal: `git pull origin main` and `git fetch origin main` + `git reset --hard origin/main` in the
// clone bring the pushed commit, through the real git.
TEST_F(GitOriginTest, PullAndFetchResetBringThePushedCommit) {
  origin_->commit(dir_ / "src", 0, "initial");
  const fs::path clone = dir_ / "host/home/ubuntu/web";
  origin_->clone_into(clone);
  write_file(dir_ / "src/scripts/deploy.sh", "#!/bin/bash\necho deploy v2\n", true);
  const std::string second = origin_->commit(dir_ / "src", 1, "push 1");
  auto pull = host_git({"pull", "origin", "main"}, clone);
  EXPECT_EQ(pull.exit_code, 0) << pull.err;
  EXPECT_EQ(head_of(clone), second + "\n");
  EXPECT_EQ(read_file(clone / "scripts/deploy.sh"), "#!/bin/bash\necho deploy v2\n");

  const std::string third = origin_->commit(dir_ / "src", 2, "push 2");
  EXPECT_EQ(host_git({"fetch", "origin", "main"}, clone).exit_code, 0);
  EXPECT_EQ(host_git({"reset", "--hard", "origin/main"}, clone).exit_code, 0);
  EXPECT_EQ(head_of(clone), third + "\n");
  EXPECT_EQ(host_git({"-C", clone.string(), "log", "-1", "--format=%s"}, dir_.path()).out, "push 2\n");
}

// Goal: actions/checkout puts the pushed commit in the runner's workspace.
TEST_F(GitOriginTest, CheckoutFetchesThePushedCommit) {
  origin_->commit(dir_ / "src", 0, "initial");
  const std::string sha = origin_->commit(dir_ / "src", 1, "push 1");
  const fs::path ws = dir_ / "runner/work/web/web";
  origin_->checkout(ws, sha, 1);
  EXPECT_TRUE(fs::exists(ws / "docker-compose.yml"));
  EXPECT_TRUE(fs::exists(ws / ".git"));
  EXPECT_EQ(head_of(ws), sha + "\n");
  origin_->export_tree(sha, dir_ / "context");
  EXPECT_TRUE(fs::exists(dir_ / "context/scripts/deploy.sh"));
  EXPECT_FALSE(fs::exists(dir_ / "context/.git"));
}

// Goal: anything that would reach another server is not modelled; local commands run as they are.
TEST_F(GitOriginTest, RefusesWhatWouldReachTheNetwork) {
  origin_->commit(dir_ / "src", 0, "initial");
  const fs::path clone = dir_ / "host/home/ubuntu/web";
  origin_->clone_into(clone);
  auto not_modelled = [&](const std::vector<std::string>& args) {
    return plan_git_command(args, clone.string(), context_).answer.value_or(core::CommandResult{}).not_modelled;
  };
  EXPECT_NE(not_modelled({"push", "origin", "main"}), "");
  EXPECT_NE(not_modelled({"pull", "https://github.com/someone/else.git", "main"}), "");
  EXPECT_NE(not_modelled({"submodule", "update", "--init"}), "");
  EXPECT_NE(not_modelled({"-c", "url.https://x/.insteadOf=https://github.com/", "pull"}), "");
  EXPECT_EQ(not_modelled({"pull"}), "");
  EXPECT_EQ(not_modelled({"clone", "git@github.com:acme/web.git", "/srv/web"}), "");
  EXPECT_EQ(not_modelled({"status"}), "");
  EXPECT_TRUE(plan_git_command({"status"}, clone.string(), context_).env.empty());
  // A remote pointed elsewhere is caught by its URL.
  EXPECT_EQ(host_git({"remote", "set-url", "origin", "https://gitlab.com/acme/web.git"}, clone).exit_code, 0);
  EXPECT_NE(not_modelled({"fetch", "origin", "main"}), "");
  EXPECT_NE(not_modelled({"fetch", "--all"}), "");
}

}  // namespace
}  // namespace bg::fakes
