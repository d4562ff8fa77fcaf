#include "fakes/docker/compose_cli.h"

#include <fstream>

#include <gtest/gtest.h>

#include "fakes/docker/compose_test_world.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testing::ComposeWorld;

constexpr const char* kHeader = "NAME                COMMAND                  SERVICE             STATUS              PORTS\n";

// Goal: `up -d` on a fresh project prints compose v2.5.0's non-TTY progress on stderr, nothing on
// stdout, exit 0.
TEST(ComposeCli, UpOnAFreshProjectPrintsV2Progress) {
  ComposeWorld w;
  auto r = w.blue({"up", "-d"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            " Network blue_default  Creating\n"
            " Network blue_default  Created\n"
            " Container blue-blue-1  Creating\n"
            " Container blue-blue-1  Created\n"
            " Container blue-blue-1  Starting\n"
            " Container blue-blue-1  Started\n");
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
}

// Goal: `down` stops, removes and drops the network with v2's lines, frees the port, and an
// empty project only warns (exit 0).
TEST(ComposeCli, DownGoldenOutputAndEmptyProjectWarning) {
  ComposeWorld w;
  w.blue({"up", "-d"});
  auto r = w.blue({"down"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err,
            " Container blue-blue-1  Stopping\n"
            " Container blue-blue-1  Stopped\n"
            " Container blue-blue-1  Removing\n"
            " Container blue-blue-1  Removed\n"
            " Network blue_default  Removing\n"
            " Network blue_default  Removed\n");
  EXPECT_EQ(testing::probe(w.ports.map(3000)).connect_errno, ECONNREFUSED);
  auto again = w.run({"-p", "green", "-f", "docker-compose-green.yml", "down"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.err, "Warning: No resource found to remove\n");
}

// Goal: compose's recreate rule (race R13): same config and image -> left Running; a new image
// under the tag -> Recreate; --force-recreate always recreates.
TEST(ComposeCli, UpRecreatesOnlyOnChangedImageOrForce) {
  ComposeWorld w;
  w.blue({"up", "-d"});
  EXPECT_EQ(w.blue({"up", "-d"}).err, " Container blue-blue-1  Running\n");
  w.engine->build(parse_dockerfile("FROM node:16-alpine\nCMD [\"node\", \"server.js\"]\n"), "docker-image", {});
  std::string recreated =
      " Container blue-blue-1  Recreate\n Container blue-blue-1  Recreated\n"
      " Container blue-blue-1  Starting\n Container blue-blue-1  Started\n";
  EXPECT_EQ(w.blue({"up", "-d"}).err, recreated);
  EXPECT_EQ(w.blue({"up", "-d", "--force-recreate"}).err, recreated);
  EXPECT_EQ(w.blue({"up", "-d", "--no-recreate"}).err, " Container blue-blue-1  Running\n");
}

// Goal: a port already published by another project fails `up` with Docker's message, exit 1,
// and leaves the container `created` (races R10/R11).
TEST(ComposeCli, PortConflictFailsUpAndLeavesCreated) {
  ComposeWorld w;
  w.blue({"up", "-d"});
  w.write("other.yml", "services:\n  other:\n    image: docker-image\n    ports: [\"3000:3000\"]\n");
  auto r = w.run({"-p", "other", "-f", "other.yml", "up", "-d"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(" Container other-other-1  Starting\nError response from daemon: driver failed programming "
                       "external connectivity on endpoint other-other-1 ("),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Bind for 0.0.0.0:3000 failed: port is already allocated\n"), std::string::npos);
  EXPECT_NE(w.run({"-p", "other", "ps"}).out.find("   created   "), std::string::npos);
}

// Goal: a missing image is pulled and fails with the registry's refusal (race R11, the article's
// docker-tag/docker-image mismatch).
TEST(ComposeCli, MissingImagePullFails) {
  ComposeWorld w;
  w.write("tag.yml", "services:\n  blue:\n    image: docker-tag\n    ports: [\"3000:3000\"]\n");
  auto r = w.run({"-p", "blue", "-f", "tag.yml", "up", "-d"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            " blue  Pulling\n blue  Error\nError response from daemon: pull access denied for docker-tag, repository "
            "does not exist or may require 'docker login': denied: requested access to the resource is denied\n");
  EXPECT_TRUE(w.engine->containers("blue").empty());
}

// Goal: missing files, unknown subcommands and unknown flags get compose's wording and exit codes.
TEST(ComposeCli, ErrorsUseComposeWordingAndExitCodes) {
  ComposeWorld w;
  auto missing = w.run({"-p", "blue", "-f", "nope.yml", "up", "-d"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "open " + (w.dir / "nope.yml").string() + ": no such file or directory\n");
  auto unknown = w.run({"upp"});
  EXPECT_EQ(unknown.exit_code, 16);
  EXPECT_EQ(unknown.err, "unknown docker command: \"compose upp\"\n");
  auto flag = w.blue({"up", "-d", "--pull", "always"});  // --pull arrived after v2.5.0
  EXPECT_EQ(flag.exit_code, 16);
  EXPECT_EQ(flag.err, "unknown flag: --pull\n");
  auto none = w.run({"ps"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, "no configuration file provided: not found\n");
  auto unmodelled = w.blue({"logs"});
  EXPECT_EQ(unmodelled.exit_code, 1);
  EXPECT_NE(unmodelled.err.find("not modelled"), std::string::npos);
}

// Goal: with the run's PathMap, messages name paths as the script sees them (appspec destination).
TEST(ComposeCli, MessagesUseVirtualPaths) {
  ComposeWorld w;
  core::PathMap paths;
  paths.add("/home/ec2-user/temp", w.dir);
  ComposeCli compose(*w.engine, paths);
  auto r = compose.run({"-f", "nope.yml", "up", "-d"}, w.dir, {});
  EXPECT_EQ(r.err, "open /home/ec2-user/temp/nope.yml: no such file or directory\n");
}

// Goal: without -p the project is named after the compose file's folder (cwd here).
TEST(ComposeCli, DefaultProjectNameIsTheFolderName) {
  ComposeWorld w;
  w.write("docker-compose.yml", "services:\n  web:\n    image: docker-image\n");
  EXPECT_EQ(w.run({"up", "-d"}).exit_code, 0);
  EXPECT_TRUE(w.engine->inspect("temp-web-1"));
}

}  // namespace
}  // namespace bg::fakes
