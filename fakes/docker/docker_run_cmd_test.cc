// `docker run` and the container verbs: what scripts see on stdout, stderr and in the exit code.
#include "fakes/docker/docker_cli_test_support.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
using test_support::CliWorld;

// Goal: `docker run -d` with the flags swap scripts use creates and starts the container, prints
// its id, and inspect sees what was asked (env from -e, --env-file and the caller's environment).
TEST(DockerRun, DetachedRunAppliesItsFlags) {
  CliWorld w;
  w.write("/home/app/.env", "# a comment\nAPP_ENV=prod\n\nQUOTED=\"kept\"\n");
  auto r =
      w.run({"run",        "-d",         "--name",          "blue",       "-p",        "8081:3000", "-e",
             "COLOR=blue", "-e",         "SECRET",          "--env-file", ".env",      "--restart", "unless-stopped",
             "--label",    "color=blue", "--network-alias", "x",          "--network", "bridge",    "web"});
  EXPECT_EQ(r.exit_code, 125);  // aliases need a user network
  EXPECT_EQ(r.err,
            "docker: Error response from daemon: network-scoped alias is supported only for containers in "
            "user defined networks.\nSee 'docker run --help'.\n");
  r = w.run({"run", "-d", "--name", "blue", "-p", "8081:3000", "-e", "COLOR=blue", "-e", "SECRET", "--env-file", ".env",
             "--restart", "unless-stopped", "--label", "color=blue", "web"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("[0-9a-f]{64}\n"))) << r.out;
  EXPECT_EQ(r.err, "");
  auto env = w.run({"inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", "blue"}).out;
  EXPECT_NE(env.find("COLOR=blue\n"), std::string::npos);
  EXPECT_NE(env.find("SECRET=from-env\n"), std::string::npos);
  EXPECT_NE(env.find("APP_ENV=prod\n"), std::string::npos);
  EXPECT_NE(env.find("QUOTED=\"kept\"\n"), std::string::npos);  // env files keep quotes
  EXPECT_EQ(w.run({"inspect", "-f",
                   "{{.HostConfig.RestartPolicy.Name}} {{index .Config.Labels \"color\"}} {{.State.Status}}", "blue"})
                .out,
            "unless-stopped blue running\n");
  EXPECT_EQ(w.run({"port", "blue"}).out, "3000/tcp -> 0.0.0.0:8081\n");
  EXPECT_EQ(w.run({"port", "blue", "3000"}).out, "0.0.0.0:8081\n");
  EXPECT_EQ(w.run({"port", "blue", "80"}).err, "Error: No public port '80/tcp' published for blue\n");
}

// Goal: run's failures have docker's words and codes: name conflict and port conflict 125, a
// missing env file, a typo in a flag (pflag, 125), a flag docker has but the simulation does not
// model, and an attached run.
TEST(DockerRun, FailuresUseDockersWordsAndCodes) {
  CliWorld w;
  ASSERT_EQ(w.run({"run", "-d", "--name", "blue", "-p", "8081:3000", "web"}).exit_code, 0);
  std::string id = w.engine->inspect("blue")->id;
  auto dup = w.run({"run", "-d", "--name", "blue", "web"});
  EXPECT_EQ(dup.exit_code, 125);
  EXPECT_EQ(dup.err,
            "docker: Error response from daemon: Conflict. The container name \"/blue\" is already in use by "
            "container \"" +
                id +
                "\". You have to remove (or rename) that container to be able to reuse that "
                "name.\nSee 'docker run --help'.\n");
  auto port = w.run({"run", "-d", "--name", "green", "-p", "8081:3000", "web"});
  EXPECT_EQ(port.exit_code, 125);
  EXPECT_TRUE(std::regex_match(port.err, std::regex("docker: Error response from daemon: driver failed programming "
                                                    "external connectivity on endpoint green \\([0-9a-f]{64}\\): Bind "
                                                    "for 0.0.0.0:8081 failed: port is already allocated.\n")))
      << port.err;
  EXPECT_EQ(w.engine->inspect("green")->state, ContainerState::created);
  EXPECT_EQ(w.run({"run", "-d", "--env-file", "nope.env", "web"}).err,
            "docker: open nope.env: no such file or directory.\nSee 'docker run --help'.\n");
  auto typo = w.run({"run", "-d", "--detatch", "web"});
  EXPECT_EQ(typo.exit_code, 125);
  EXPECT_EQ(typo.err, "unknown flag: --detatch\nSee 'docker run --help'.\n");
  EXPECT_EQ(w.run({"run", "-d", "--tmpfs", "/run", "web"}).not_modelled, "docker run --tmpfs");
  EXPECT_EQ(w.run({"run", "web"}).not_modelled,
            "docker run without -d (the attached container would block the script)");
  EXPECT_EQ(w.run({"run", "-d", "--rm", "--restart", "always", "web"}).err,
            "docker: Conflicting options: --restart and --rm.\nSee 'docker run --help'.\n");
  EXPECT_EQ(w.run({"run", "-d", "--restart", "sometimes", "web"}).err,
            "docker: Error response from daemon: invalid restart policy 'sometimes'.\nSee 'docker run --help'.\n");
  EXPECT_EQ(w.run({"run", "-d", "--health-interval", "5", "web"}).err,
            "invalid argument \"5\" for \"--health-interval\" flag: time: missing unit in duration \"5\"\nSee 'docker "
            "run --help'.\n");
}

// Goal: an image that is not local is pulled from the run's registry, with docker's progress on
// stderr; one the registry does not have fails with the daemon's refusal.
TEST(DockerRun, PullsMissingImagesFromTheRegistry) {
  CliWorld w;
  auto r = w.run({"run", "-d", "--name", "proxy", "-p", "8080:80", "nginx:1.25-alpine"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.substr(0, r.err.find('\n', r.err.find('\n') + 1)),
            "Unable to find image 'nginx:1.25-alpine' locally\n1.25-alpine: Pulling from library/nginx");
  EXPECT_NE(r.err.find("Status: Downloaded newer image for nginx:1.25-alpine\n"), std::string::npos);
  EXPECT_EQ(w.run({"inspect", "-f", "{{.Config.StopSignal}}", "proxy"}).out, "SIGQUIT\n");
  auto denied = w.run({"run", "-d", "acme/api:2"});
  EXPECT_EQ(denied.exit_code, 125);
  EXPECT_EQ(denied.err,
            "Unable to find image 'acme/api:2' locally\ndocker: Error response from daemon: pull access "
            "denied for acme/api, repository does not exist or may require 'docker login': denied: "
            "requested access to the resource is denied.\nSee 'docker run --help'.\n");
  auto never = w.run({"run", "-d", "--pull", "never", "ghcr.io/acme/web"});
  EXPECT_EQ(never.err,
            "docker: Error response from daemon: No such image: ghcr.io/acme/web:latest.\nSee 'docker run "
            "--help'.\n");
}

// Goal: rm refuses a running container without -f, rm -f removes it, and rm -f of a missing one
// is reported but succeeds; stop/start/restart print the names; kill of a stopped container says so.
TEST(DockerRun, ContainerVerbsPrintNamesAndDaemonErrors) {
  CliWorld w;
  w.run({"run", "-d", "--name", "blue", "web"});
  std::string id = w.engine->inspect("blue")->id;
  auto rm = w.run({"rm", "blue"});
  EXPECT_EQ(rm.exit_code, 1);
  EXPECT_EQ(rm.err, "Error response from daemon: You cannot remove a running container " + id +
                        ". Stop the container before attempting removal or force remove\n");
  EXPECT_EQ(w.run({"stop", "-t", "1", "blue"}).out, "blue\n");
  auto kill = w.run({"kill", "blue"});
  EXPECT_EQ(kill.err, "Error response from daemon: Cannot kill container: blue: Container " + id + " is not running\n");
  EXPECT_EQ(w.run({"start", "blue"}).out, "blue\n");
  EXPECT_EQ(w.run({"restart", "blue"}).out, "blue\n");
  EXPECT_EQ(w.run({"stop", "-t", "x", "blue"}).err,
            "invalid argument \"x\" for \"-t, --time\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee "
            "'docker stop --help'.\n");
  auto rmf = w.run({"rm", "-f", "blue", "ghost"});
  EXPECT_EQ(rmf.exit_code, 0);
  EXPECT_EQ(rmf.out, "blue\n");
  EXPECT_EQ(rmf.err, "Error response from daemon: No such container: ghost\n");
  EXPECT_FALSE(w.engine->inspect("blue"));
  auto none = w.run({"stop"});
  EXPECT_EQ(none.err,
            "\"docker stop\" requires at least 1 argument.\nSee 'docker stop --help'.\n\nUsage:  docker stop "
            "[OPTIONS] CONTAINER [CONTAINER...]\n\nStop one or more running containers\n");
}

// Goal: logs shows what the process printed (with -t timestamps), rename keeps the container,
// wait prints the exit code; by id prefix too.
TEST(DockerRun, LogsRenameAndWait) {
  CliWorld w;
  std::string id = w.run({"run", "-d", "--name", "blue", "web"}).out.substr(0, 64);
  ASSERT_TRUE(test_support::wait_until([&] { return !w.engine->logs("blue").empty(); }, 1s, "blue's first log line"));
  EXPECT_EQ(w.run({"logs", "blue"}).out.rfind("echo listening on ", 0), 0u);
  EXPECT_TRUE(std::regex_search(w.run({"logs", "-t", "blue"}).out, std::regex("^2024-01-01T00:00:[0-9.]+Z echo")));
  EXPECT_EQ(w.run({"logs", "ghost"}).err, "Error: No such container: ghost\n");
  EXPECT_EQ(w.run({"rename", "blue", "blue-old"}).exit_code, 0);
  EXPECT_EQ(w.run({"rename", "ghost", "x"}).err,
            "Error response from daemon: No such container: ghost\nError: failed to rename container named ghost\n");
  w.run({"kill", id.substr(0, 8)});
  EXPECT_EQ(w.run({"wait", "blue-old"}).out, "137\n");
}

// Goal: exec goes to the container's process (the test process models nothing, so: not modelled,
// named); a stopped container refuses.
TEST(DockerRun, ExecReachesTheProcess) {
  CliWorld w;
  w.run({"create", "--name", "blue", "web"});
  std::string id = w.engine->inspect("blue")->id;
  auto stopped = w.run({"exec", "blue", "ls"});
  EXPECT_EQ(stopped.err, "Error response from daemon: Container " + id + " is not running\n");
  w.run({"start", "blue"});
  EXPECT_EQ(w.run({"exec", "-i", "blue", "sh", "-c", "cat > /x"}).not_modelled, "docker exec sh in web:latest");
  EXPECT_EQ(w.run({"exec", "ghost", "ls"}).err, "Error: No such container: ghost\n");
  EXPECT_EQ(w.run({"exec", "blue"}).exit_code, 1);
}

// Goal: cp writes into the container's own layer or, through a bind mount, the host file, and
// reads back out; docker's rules for directories and missing paths.
TEST(DockerRun, CpWorksOnTheContainersFilesystem) {
  CliWorld w;
  w.write("/srv/nginx/app.conf", "server { listen 80; }\n");
  w.write("/home/app/default.conf", "upstream app { server blue:3000; }\n");
  ASSERT_EQ(
      w.run({"run", "-d", "--name", "proxy", "-v", "/srv/nginx/app.conf:/etc/nginx/conf.d/app.conf", "web"}).exit_code,
      0);
  ASSERT_EQ(w.run({"exec", "proxy", "true"}).exit_code, 2);  // sanity: not modelled, exit 2
  EXPECT_EQ(w.run({"cp", "default.conf", "proxy:/etc/nginx/conf.d/default.conf"}).err,
            "Error response from daemon: Could not find the file /etc/nginx/conf.d in container proxy\n");
  std::filesystem::create_directories(w.engine->info("proxy")->filesystem.resolve("/etc/nginx/conf.d"));
  EXPECT_EQ(w.run({"cp", "default.conf", "proxy:/etc/nginx/conf.d/"}).exit_code, 0);
  core::PathMap fs = w.engine->info("proxy")->filesystem;
  EXPECT_EQ(w.read(fs.resolve("/etc/nginx/conf.d/default.conf")), "upstream app { server blue:3000; }\n");
  // Through the bind mount the host's file changes.
  ASSERT_EQ(w.run({"cp", "default.conf", "proxy:/etc/nginx/conf.d/app.conf"}).exit_code, 0);
  EXPECT_EQ(w.read(w.root / "srv/nginx/app.conf"), "upstream app { server blue:3000; }\n");
  EXPECT_EQ(w.run({"cp", "proxy:/etc/nginx/conf.d/default.conf", "copy.conf"}).exit_code, 0);
  EXPECT_EQ(w.read(w.root / "home/app/copy.conf"), "upstream app { server blue:3000; }\n");
  EXPECT_EQ(w.run({"cp", "proxy:/nope", "."}).err, "Error: No such container:path: proxy:/nope\n");
  EXPECT_EQ(w.run({"cp", "missing.conf", "proxy:/tmp/"}).err,
            "lstat /home/app/missing.conf: no such file or directory\n");
  EXPECT_EQ(w.run({"cp", "a", "b"}).err, "must specify at least one container source\n");
}

// Goal: a container run with --restart always comes back after a crash and `docker ps` shows it
// running again; the restart count is in inspect.
TEST(DockerRun, RestartPolicyThroughTheCli) {
  CliWorld w;
  w.run({"run", "-d", "--name", "api", "--restart", "always", "web"});
  w.engine->kill("api");  // a crash
  EXPECT_TRUE(test_support::wait_until(
      [&] {
        return w.run({"inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "api"}).out == "1 running\n";
      },
      2s, "api restarted once and running"));
  EXPECT_EQ(w.run({"inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "api"}).out, "1 running\n");
}

}  // namespace
}  // namespace bg::fakes
