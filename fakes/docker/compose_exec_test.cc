// `docker compose exec` / `docker-compose exec` (2eced57): the command runs in the service's
// container through its process; compose's own errors when there is none, v1's TTY refusal, and
// where exec's flags end.
#include <gtest/gtest.h>

#include "fakes/docker/compose_cli.h"
#include "fakes/docker/compose_test_support.h"

namespace bg::fakes {
namespace {
using test_support::ComposeWorld;

constexpr const char* kColors = R"(services:
  blue:
    image: docker-image
    environment: {APP_COLOR: blue}
  green:
    image: docker-image
)";

// A world whose containers answer `echo`, `printenv`, `pwd`, `whoami` and `exit N` through exec.
struct ExecWorld : ComposeWorld {
  explicit ExecWorld(std::string_view version) : ComposeWorld(version) {
    answers_exec = true;
    write("docker-compose.yml", kColors);
  }
  core::CommandResult p(std::vector<std::string> args) {
    args.insert(args.begin(), {"-p", "p"});
    return run(args);
  }
};

// Goal: v2 (both dialects the fakes have) runs the command in the service's running container and
// returns its output and exit code as they are; -e (with a value, or the caller's own), -u and -w
// reach the command; the container's environment is the command's.
TEST(ComposeExec, V2RunsTheCommandInTheServicesContainer) {
  for (const char* version : {"2.5.0", "2.20.2"}) {
    SCOPED_TRACE(version);
    ExecWorld w(version);
    w.env["FROM_SCRIPT"] = "scripted";
    ASSERT_EQ(w.p({"up", "-d", "blue"}).exit_code, 0);
    auto hello = w.p({"exec", "blue", "echo", "hello", "world"});
    EXPECT_EQ(hello.exit_code, 0) << hello.err;
    EXPECT_EQ(hello.out, "hello world\n");
    EXPECT_EQ(hello.err, "");
    EXPECT_EQ(hello.not_modelled, "");
    EXPECT_EQ(w.p({"exec", "-T", "blue", "printenv", "APP_COLOR"}).out, "blue\n");
    EXPECT_EQ(w.p({"exec", "-e", "GREETING=hey", "blue", "printenv", "GREETING"}).out, "hey\n");
    EXPECT_EQ(w.p({"exec", "--env", "FROM_SCRIPT", "blue", "printenv", "FROM_SCRIPT"}).out, "scripted\n");
    EXPECT_EQ(w.p({"exec", "-u", "node", "blue", "whoami"}).out, "node\n");
    EXPECT_EQ(w.p({"exec", "-w", "/app", "blue", "pwd"}).out, "/app\n");
    auto failed = w.p({"exec", "blue", "exit", "3"});
    EXPECT_EQ(failed.exit_code, 3);
    EXPECT_EQ(failed.err, "");
    // What the process does not model stays not modelled, named.
    auto ls = w.p({"exec", "blue", "ls", "/"});
    EXPECT_EQ(ls.exit_code, 2);
    EXPECT_EQ(ls.not_modelled.rfind("docker exec ls in ", 0), 0u) << ls.not_modelled;
  }
}

// Goal: v2 looks among the service's running containers: a stopped one, a service never started,
// or --index past the containers there are is `service "x" is not running container #N`, exit 1,
// and the command does not run.
TEST(ComposeExec, V2ServiceNotRunningContainer) {
  ExecWorld w("2.20.2");
  ASSERT_EQ(w.p({"up", "-d", "blue"}).exit_code, 0);
  auto index2 = w.p({"exec", "--index", "2", "blue", "echo", "x"});
  EXPECT_EQ(index2.exit_code, 1);
  EXPECT_EQ(index2.err, "service \"blue\" is not running container #2\n");
  EXPECT_EQ(index2.out, "");
  EXPECT_EQ(w.p({"exec", "--index=1", "blue", "echo", "x"}).out, "x\n");
  auto never = w.p({"exec", "green", "echo", "x"});
  EXPECT_EQ(never.exit_code, 1);
  EXPECT_EQ(never.err, "service \"green\" is not running container #1\n");
  ASSERT_EQ(w.p({"stop", "blue"}).exit_code, 0);
  auto stopped = w.p({"exec", "-T", "blue", "echo", "x"});
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_EQ(stopped.err, "service \"blue\" is not running container #1\n");
  EXPECT_EQ(stopped.out, "");
}

// Goal: exec's flags end at SERVICE: what follows is the command's, flags and all (`echo -n`,
// even a compose flag name); `--` before SERVICE ends them too.
TEST(ComposeExec, FlagsAfterTheServiceBelongToTheCommand) {
  ExecWorld w("2.20.2");
  ASSERT_EQ(w.p({"up", "-d", "blue"}).exit_code, 0);
  auto n = w.p({"exec", "-T", "blue", "echo", "-n", "hi"});
  EXPECT_EQ(n.exit_code, 0) << n.err;
  EXPECT_EQ(n.out, "hi");
  EXPECT_EQ(w.p({"exec", "blue", "echo", "--index", "2", "-d"}).out, "--index 2 -d\n");
  auto dashes = w.p({"exec", "-T", "--", "blue", "echo", "after", "dashes"});
  EXPECT_EQ(dashes.exit_code, 0) << dashes.err;
  EXPECT_EQ(dashes.out, "after dashes\n");
}

// Goal: v2 usage errors: fewer than two words is cobra's MinimumNArgs message with the exit code
// of compose's other usage errors (an unknown flag), as is an --index that is not a number;
// `exec -d` is not modelled (the command would outlive compose), named.
TEST(ComposeExec, V2UsageErrorsAndDetach) {
  ExecWorld w("2.20.2");
  ASSERT_EQ(w.p({"up", "-d", "blue"}).exit_code, 0);
  auto unknown = w.p({"exec", "--nope", "blue", "echo"});
  ASSERT_NE(unknown.exit_code, 0);
  auto one = w.p({"exec", "blue"});
  EXPECT_EQ(one.exit_code, unknown.exit_code);
  EXPECT_EQ(one.err, "requires at least 2 arg(s), only received 1\n");
  auto none = w.p({"exec"});
  EXPECT_EQ(none.exit_code, unknown.exit_code);
  EXPECT_EQ(none.err, "requires at least 2 arg(s), only received 0\n");
  auto index = w.p({"exec", "--index", "two", "blue", "echo"});
  EXPECT_EQ(index.exit_code, unknown.exit_code);
  EXPECT_EQ(index.err,
            "invalid argument \"two\" for \"--index\" flag: strconv.ParseInt: parsing \"two\": invalid syntax\n");
  auto detached = w.p({"exec", "-d", "blue", "echo", "x"});
  EXPECT_EQ(detached.exit_code, 2);
  EXPECT_EQ(detached.not_modelled, "docker compose exec --detach");
  EXPECT_EQ(detached.out, "");
}

// Goal: docker-compose 1.29.2: without -T it runs `docker exec -i -t`, which a script (no
// terminal) fails with "the input device is not a TTY", exit 1, the command never run; with -T the
// command runs and its exit code is compose's.
TEST(ComposeExec, V1NeedsNoTTYFlagInAScript) {
  ExecWorld w("1.29.2");
  ASSERT_EQ(w.p({"up", "-d", "blue"}).exit_code, 0);
  auto tty = w.p({"exec", "blue", "echo", "hi"});
  EXPECT_EQ(tty.exit_code, 1);
  EXPECT_EQ(tty.err, "the input device is not a TTY\n");
  EXPECT_EQ(tty.out, "");
  auto ok = w.p({"exec", "-T", "blue", "echo", "-n", "hi"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "hi");
  EXPECT_EQ(w.p({"exec", "-T", "blue", "exit", "4"}).exit_code, 4);
  EXPECT_EQ(w.p({"exec", "-T", "blue", "printenv", "APP_COLOR"}).out, "blue\n");
  auto detached = w.p({"exec", "-d", "blue", "echo", "x"});
  EXPECT_EQ(detached.not_modelled, "docker-compose exec --detach");
}

// Goal: v1's own errors: a service the files do not have is "No such service"; a service with no
// running container #N (stopped, never created, or --index past them) is "No container found for
// x_N" (service.get_container lists running containers only), exit 1; too few words print exec's
// docopt help, exit 1.
TEST(ComposeExec, V1ErrorsNameTheServiceOrContainer) {
  ExecWorld w("1.29.2");
  ASSERT_EQ(w.p({"up", "-d", "blue"}).exit_code, 0);
  auto nope = w.p({"exec", "-T", "nope", "echo", "x"});
  EXPECT_EQ(nope.exit_code, 1);
  EXPECT_EQ(nope.err, "No such service: nope\n");
  auto green = w.p({"exec", "-T", "green", "echo", "x"});
  EXPECT_EQ(green.exit_code, 1);
  EXPECT_EQ(green.err, "No container found for green_1\n");
  EXPECT_EQ(w.p({"exec", "-T", "--index", "2", "blue", "echo", "x"}).err, "No container found for blue_2\n");
  ASSERT_EQ(w.p({"stop", "blue"}).exit_code, 0);
  auto stopped = w.p({"exec", "-T", "blue", "echo", "x"});
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_EQ(stopped.err, "No container found for blue_1\n");
  EXPECT_EQ(stopped.out, "");
  auto usage = w.p({"exec", "blue"});
  EXPECT_EQ(usage.exit_code, 1);
  EXPECT_EQ(usage.err.rfind("Execute a command in a running container\n\n"
                            "Usage: exec [options] [-e KEY=VAL...] [--] SERVICE COMMAND [ARGS...]\n",
                            0),
            0u)
      << usage.err;
}

}  // namespace
}  // namespace bg::fakes
