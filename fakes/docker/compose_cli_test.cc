// ComposeCli against the fake engine, compose v2.5.0 unless a test names another version:
// golden outputs, exit codes, and the behaviour deploy scripts rely on.
#include "fakes/docker/compose_cli.h"

#include <fstream>

#include <gtest/gtest.h>

#include "fakes/docker/compose_test_support.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test_support::ComposeWorld;

constexpr const char* kHeader =
    "NAME                COMMAND                  SERVICE             STATUS              PORTS\n";

// Goal: `up -d` on a fresh project prints compose v2.5.0's plain progress on stderr (plain.go:
// ID, Text, StatusText joined by spaces: no leading space before v2.16), nothing on stdout, exit 0.
TEST(ComposeCli, UpOnAFreshProjectPrintsV2Progress) {
  ComposeWorld w;
  auto r = w.blue({"up", "-d"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "Network blue_default  Creating\n"
            "Network blue_default  Created\n"
            "Container blue-blue-1  Creating\n"
            "Container blue-blue-1  Created\n"
            "Container blue-blue-1  Starting\n"
            "Container blue-blue-1  Started\n");
}

// Goal: `ps` is the v2<2.15 table: header only when empty; running with ports; a stopped
// container still listed as `exited (0)` with no ports (race R10).
TEST(ComposeCli, PsGoldenOutputs) {
  ComposeWorld w;
  auto empty = w.blue({"ps"});
  EXPECT_EQ(empty.exit_code, 0);
  // No rows: every column at tabwriter's minwidth.
  EXPECT_EQ(empty.out, "NAME                COMMAND             SERVICE             STATUS              PORTS\n");
  w.blue({"up", "-d"});
  EXPECT_EQ(w.blue({"ps"}).out, std::string(kHeader) +
                                    "blue-blue-1         \"docker-entrypoint.s…\"   blue                running   "
                                    "          0.0.0.0:3000->3000/tcp\n");
  w.blue({"stop"});
  EXPECT_EQ(w.blue({"ps"}).out, std::string(kHeader) +
                                    "blue-blue-1         \"docker-entrypoint.s…\"   blue                exited (0)"
                                    "          \n");
  EXPECT_EQ(w.blue({"ps", "--status", "running", "-q"}).out, "");
  EXPECT_EQ(w.blue({"ps", "-q"}).out, w.engine->inspect("blue-blue-1")->id + "\n");
  EXPECT_EQ(w.blue({"ps", "--services"}).out, "blue\n");
  EXPECT_EQ(w.blue({"ps", "--services", "--status", "running"}).out, "\n");  // Println of an empty join
}

// Goal: `down` stops, removes and drops the network with v2's lines, frees the port, and an
// empty project reports it as a progress event named after the project (exit 0).
TEST(ComposeCli, DownGoldenOutputAndEmptyProjectWarning) {
  ComposeWorld w;
  w.blue({"up", "-d"});
  auto r = w.blue({"down"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err,
            "Container blue-blue-1  Stopping\n"
            "Container blue-blue-1  Stopped\n"
            "Container blue-blue-1  Removing\n"
            "Container blue-blue-1  Removed\n"
            "Network blue_default  Removing\n"
            "Network blue_default  Removed\n");
  EXPECT_EQ(test_support::probe(w.ports.map(3000)).connect_errno, ECONNREFUSED);
  auto again = w.run({"-p", "green", "-f", "docker-compose-green.yml", "down"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.err, "green  Warning: No resource found to remove\n");
}

// Goal: compose's recreate rule (race R13): same config and image -> left Running; a new image
// under the tag -> Recreate; --force-recreate always recreates.
TEST(ComposeCli, UpRecreatesOnlyOnChangedImageOrForce) {
  ComposeWorld w;
  w.blue({"up", "-d"});
  EXPECT_EQ(w.blue({"up", "-d"}).err, "Container blue-blue-1  Running\n");
  w.engine->build(parse_dockerfile("FROM node:16-alpine\nCMD [\"node\", \"server.js\"]\n"), "docker-image", {});
  std::string recreated =
      "Container blue-blue-1  Recreate\nContainer blue-blue-1  Recreated\n"
      "Container blue-blue-1  Starting\nContainer blue-blue-1  Started\n";
  EXPECT_EQ(w.blue({"up", "-d"}).err, recreated);
  EXPECT_EQ(w.blue({"up", "-d", "--force-recreate"}).err, recreated);
  EXPECT_EQ(w.blue({"up", "-d", "--no-recreate"}).err, "Container blue-blue-1  Running\n");
}

// Goal: a port already published by another project fails `up` with Docker's message, exit 1,
// and leaves the container `created` (races R10/R11).
TEST(ComposeCli, PortConflictFailsUpAndLeavesCreated) {
  ComposeWorld w;
  w.blue({"up", "-d"});
  w.write("other.yml", "services:\n  other:\n    image: docker-image\n    ports: [\"3000:3000\"]\n");
  auto r = w.run({"-p", "other", "-f", "other.yml", "up", "-d"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Container other-other-1  Starting\nError response from daemon: driver failed programming "
                       "external connectivity on endpoint other-other-1 ("),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Bind for 0.0.0.0:3000 failed: port is already allocated\n"), std::string::npos);
  EXPECT_NE(w.run({"-p", "other", "ps"}).out.find("   created   "), std::string::npos);
}

// Goal: a missing image is pulled and fails with the registry's refusal, exit 18 (metrics.go
// PullFailure; race R11, the article's docker-tag/docker-image mismatch).
TEST(ComposeCli, MissingImagePullFails) {
  ComposeWorld w;
  w.write("tag.yml", "services:\n  blue:\n    image: docker-tag\n    ports: [\"3000:3000\"]\n");
  auto r = w.run({"-p", "blue", "-f", "tag.yml", "up", "-d"});
  EXPECT_EQ(r.exit_code, 18);
  EXPECT_EQ(r.err,
            "blue Pulling \nblue Error \nError response from daemon: pull access denied for docker-tag, repository "
            "does not exist or may require 'docker login': denied: requested access to the resource is denied\n");
  EXPECT_TRUE(w.engine->containers("blue").empty());
}

// Goal: missing files, unknown subcommands and unknown flags get compose's wording and exit codes
// (14 file not found, 15 a file compose refuses, 16 command syntax); `logs` is not modelled.
TEST(ComposeCli, ErrorsUseComposeWordingAndExitCodes) {
  ComposeWorld w;
  auto missing = w.run({"-p", "blue", "-f", "nope.yml", "up", "-d"});
  EXPECT_EQ(missing.exit_code, 14);
  EXPECT_EQ(missing.err, "open " + (w.dir / "nope.yml").string() + ": no such file or directory\n");
  auto unknown = w.run({"upp"});
  EXPECT_EQ(unknown.exit_code, 16);
  EXPECT_EQ(unknown.err, "unknown docker command: \"compose upp\"\n");
  auto flag = w.blue({"up", "-d", "--pull", "always"});  // --pull arrived after v2.5.0
  EXPECT_EQ(flag.exit_code, 16);
  EXPECT_EQ(flag.err, "unknown flag: --pull\n");
  auto none = w.run({"ps"});
  EXPECT_EQ(none.exit_code, 14);
  EXPECT_EQ(none.err, "no configuration file provided: not found\n");
  w.write("typo.yml", "services:\n  web:\n    image: x\n    enviroment: [A=1]\n");
  auto typo = w.run({"-f", "typo.yml", "up", "-d"});
  EXPECT_EQ(typo.exit_code, 15);
  EXPECT_EQ(typo.err, "services.web Additional property enviroment is not allowed\n");
  auto logs = w.blue({"logs"});
  EXPECT_EQ(logs.exit_code, 2);
  EXPECT_EQ(logs.not_modelled, "docker compose logs");
}

// Goal: the cwd and -f are host paths: files are opened through the PathMap and named as the host
// names them; relative bind mounts resolve against the project folder on the host.
TEST(ComposeCli, PathsAreTheHostsThroughThePathMap) {
  ComposeWorld w;
  core::PathMap paths;
  paths.add("/home/ec2-user/temp", w.dir);
  ComposeCli compose(*w.engine, paths);
  auto r = compose.run({"-f", "nope.yml", "up", "-d"}, "/home/ec2-user/temp", {}, {});
  EXPECT_EQ(r.err, "open /home/ec2-user/temp/nope.yml: no such file or directory\n");
  w.write("docker-compose.yml", "services:\n  web:\n    image: docker-image\n    volumes: [./conf:/conf:ro]\n");
  auto config = compose.run({"config"}, "/home/ec2-user/temp", {}, {});
  EXPECT_EQ(config.exit_code, 0) << config.err;
  EXPECT_NE(config.out.find("source: /home/ec2-user/temp/conf\n"), std::string::npos) << config.out;
  EXPECT_EQ(compose.run({"up", "-d"}, "/home/ec2-user/temp", {}, {}).exit_code, 0);
  EXPECT_TRUE(w.engine->inspect("temp-web-1"));
}

// Goal: without -p the project is named after the compose file's folder (cwd here).
TEST(ComposeCli, DefaultProjectNameIsTheFolderName) {
  ComposeWorld w;
  w.write("docker-compose.yml", "services:\n  web:\n    image: docker-image\n");
  EXPECT_EQ(w.run({"up", "-d"}).exit_code, 0);
  EXPECT_TRUE(w.engine->inspect("temp-web-1"));
}

// Goal: `ports: - ${PORT}:3000` takes PORT from the caller's environment; unset, compose warns as
// logrus prints on a non-TTY, and publishes a random host port.
TEST(ComposeCli, InterpolatesFromTheCallersEnvironment) {
  ComposeWorld w;
  w.write("app.yml", "services:\n  app:\n    image: docker-image\n    ports:\n      - ${PORT}:3000\n");
  w.env["PORT"] = "3005";
  EXPECT_EQ(w.run({"-p", "a", "-f", "app.yml", "up", "-d"}).exit_code, 0);
  EXPECT_EQ(w.engine->inspect("a-app-1")->ports, (std::vector<PortMapping>{{"", 3005, 3000, "tcp"}}));
  w.env.clear();
  auto r = w.run({"-p", "b", "-f", "app.yml", "up", "-d"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err.rfind("time=\"", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("\" level=warning msg=\"The \\\"PORT\\\" variable is not set. Defaulting to a blank "
                       "string.\"\nNetwork b_default  Creating\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(w.engine->inspect("b-app-1")->ports, (std::vector<PortMapping>{{"", 0, 3000, "tcp"}}));
}

// Goal: the project's .env feeds interpolation, the caller's environment wins over it, and
// --env-file replaces it (relative to the cwd); a missing --env-file is an error.
TEST(ComposeCli, DotEnvAndEnvFilePrecedence) {
  ComposeWorld w;
  w.write("docker-compose.yml", "services:\n  app:\n    image: docker-image\n    ports: [\"${PORT:-3009}:3000\"]\n");
  w.write(".env", "PORT=3001\n");
  w.write("prod.env", "PORT=3003\n");
  auto port_of = [&](const std::string& project, std::vector<std::string> extra) {
    std::vector<std::string> args = {"-p", project};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"up", "-d"});
    auto r = w.run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto c = w.engine->inspect(project + "-app-1");
    return c ? c->ports.at(0).published : 0;
  };
  EXPECT_EQ(port_of("a", {}), 3001);
  w.env["PORT"] = "3002";
  EXPECT_EQ(port_of("b", {}), 3002);
  w.env.clear();
  EXPECT_EQ(port_of("c", {"--env-file", "prod.env"}), 3003);
  auto missing = w.run({"--env-file", "nope.env", "config"});
  EXPECT_EQ(missing.exit_code, 15);
  EXPECT_EQ(missing.err, "Couldn't find env file: nope.env\n");
}

// Goal: `${VAR:?reason}` fails with each generation's own message and exit code.
TEST(ComposeCli, RequiredVariableErrorsPerVersion) {
  const std::string file = "services:\n  app:\n    image: docker-image\n    ports: [\"${PORT:?set PORT}:3000\"]\n";
  ComposeWorld v25("2.5.0");
  v25.write("app.yml", file);
  auto a = v25.run({"-f", "app.yml", "up", "-d"});
  EXPECT_EQ(a.exit_code, 15);
  EXPECT_EQ(a.err,
            "invalid interpolation format for services.app.ports.[]: \"required variable PORT is missing a value: set "
            "PORT\". You may need to escape any $ with another $\n");
  ComposeWorld v220("2.20.2");
  v220.write("app.yml", file);
  auto b = v220.run({"-f", "app.yml", "up", "-d"});
  EXPECT_EQ(b.exit_code, 15);
  EXPECT_EQ(b.err,
            "error while interpolating services.app.ports.[]: required variable PORT is missing a value: set PORT\n");
  ComposeWorld v1("1.29.2");
  v1.write("app.yml", file);
  auto c = v1.run({"-f", "app.yml", "up", "-d"});
  EXPECT_EQ(c.exit_code, 1);
  EXPECT_EQ(c.err,
            "Missing mandatory value for \"ports\" option interpolating ['${PORT:?set PORT}:3000'] in service \"app\": "
            "set PORT\n");
}

}  // namespace
}  // namespace bg::fakes
