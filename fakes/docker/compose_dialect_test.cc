// Golden tests of each compose dialect's `ps`, `up` and `down` against semantics.md §3.
#include "fakes/docker/compose_dialect.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakes/docker/compose_test_support.h"
#include "fakes/docker/compose_v1_dialect.h"
#include "fakes/docker/docker_cli.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
using test_support::ComposeWorld;

ContainerRecord record(std::string name, std::string service, ContainerState state) {
  ContainerRecord c;
  c.id = std::string(64, 'a');
  c.name = std::move(name);
  c.service = std::move(service);
  c.project = c.service;
  c.state = state;
  c.image = "docker-image";
  c.command = "docker-entrypoint.sh node server.js";
  c.ports = {PortMapping{"", 3000, 3000, "tcp"}};
  return c;
}

// Goal: make_compose_dialect picks v1, v2 (<2.15) and v2.15+ from the scenario's version string.
TEST(ComposeDialect, VersionStringChoosesTheDialect) {
  EXPECT_EQ(make_compose_dialect("1.29.2")->container_name("blue", "blue", 1), "blue_blue_1");
  EXPECT_EQ(make_compose_dialect("2.5.0")->container_name("blue", "blue", 1), "blue-blue-1");
  EXPECT_TRUE(make_compose_dialect("v2.5")->ps_lists_stopped());
  EXPECT_FALSE(make_compose_dialect("2.20.2")->ps_lists_stopped());
  EXPECT_EQ(make_compose_dialect("1.29.2")->version_line(), "docker-compose version 1.29.2, build 5becea4c\n");
  EXPECT_EQ(make_compose_dialect("2.20.2")->version_line(), "Docker Compose version v2.20.2\n");
  EXPECT_THROW(make_compose_dialect("3.0.0"), std::invalid_argument);
  EXPECT_THROW(make_compose_dialect("1.25.0"), std::invalid_argument);
}

// Goal: §3 v1 ps is a texttable: centred headers, a dashes line, `Up`/`Exit 0`, the command cut
// to 26 characters + " ...", and only header + dashes for an empty project.
TEST(ComposeDialect, V1PsTableGolden) {
  auto v1 = make_compose_dialect("1.29.2");
  EXPECT_EQ(v1->ps_table({}, {}), "Name   Command   State   Ports\n------------------------------\n");
  EXPECT_EQ(v1->ps_table({record("blue_blue_1", "blue", ContainerState::running)}, {}),
            "   Name                  Command               State           Ports         \n"
            "-----------------------------------------------------------------------------\n"
            "blue_blue_1   docker-entrypoint.sh node  ...   Up      0.0.0.0:3000->3000/tcp\n");
  auto exited = record("blue_blue_1", "blue", ContainerState::exited);
  EXPECT_EQ(v1->ps_table({exited}, {}),
            "   Name                  Command               State    Ports\n"
            "-------------------------------------------------------------\n"
            "blue_blue_1   docker-entrypoint.sh node  ...   Exit 0        \n");
  // A container left `created` by a failed start reads as stopped too (R10).
  EXPECT_EQ(ComposeV1Dialect::state(record("x", "x", ContainerState::created)), "Exit 0");
  auto healthy = record("x", "x", ContainerState::running);
  healthy.health = "starting";
  EXPECT_EQ(ComposeV1Dialect::state(healthy), "Up (health: starting)");
}

// Goal: §3 v2.15+ ps: NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS, moby's human status.
TEST(ComposeDialect, V215PsTableGolden) {
  auto v2 = make_compose_dialect("2.20.2");
  auto blue = record("blue-blue-1", "blue", ContainerState::running);
  blue.created = core::Time(9s);
  blue.started = core::Time(10s);
  auto green = record("green-green-1", "green", ContainerState::exited);
  green.created = core::Time(-60s);
  green.finished = core::Time(12s);
  EXPECT_EQ(v2->ps_table({blue, green}, core::Time(15s)),
            "NAME            IMAGE          COMMAND                  SERVICE   CREATED              STATUS           "
            "          PORTS\n"
            "blue-blue-1     docker-image   \"docker-entrypoint.s…\"   blue      6 seconds ago        Up 5 seconds     "
            "          0.0.0.0:3000->3000/tcp\n"
            "green-green-1   docker-image   \"docker-entrypoint.s…\"   green     About a minute ago   Exited (0) 3 "
            "seconds ago   \n");
  EXPECT_EQ(v2->ps_format({blue, green}, core::Time(15s), "{{.Name}} {{.State}} {{.Service}}"),
            "blue-blue-1 running blue\ngreen-green-1 exited green\n");
  EXPECT_THROW(v2->ps_format({blue}, {}, "{{.Nope}}"), std::invalid_argument);
}

// Goal: v2 < 2.15 knows only pretty/json formats: a Go template is compose's parse error, exit 1.
TEST(ComposeDialect, V25RejectsGoTemplatesButPrintsJson) {
  ComposeWorld w("2.5.0");
  w.blue({"up", "-d"});
  auto tmpl = w.blue({"ps", "--format", "{{.State}}"});
  EXPECT_EQ(tmpl.exit_code, 1);
  EXPECT_EQ(tmpl.err, "format value \"{{.State}}\" could not be parsed: parsing failed\n");
  auto json = nlohmann::json::parse(w.blue({"ps", "--format", "json"}).out);
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["Name"], "blue-blue-1");
  EXPECT_EQ(json[0]["State"], "running");
}

// Goal: v1 up/down golden (§3): "Creating blue_blue_1 ... done", the network line, up-to-date,
// Stopping/Removing pairs, and the "not found" warning for an empty project.
TEST(ComposeDialect, V1UpAndDownGolden) {
  ComposeWorld w("1.29.2");
  auto up = w.blue({"up", "-d"});
  EXPECT_EQ(up.exit_code, 0);
  EXPECT_EQ(up.out, "");
  EXPECT_EQ(up.err,
            "Creating network \"blue_default\" with the default driver\n"
            "Creating blue_blue_1 ... \n"
            "Creating blue_blue_1 ... done\n");
  EXPECT_EQ(w.blue({"up", "-d"}).err, "blue_blue_1 is up-to-date\n");
  EXPECT_NE(w.blue({"ps"}).out.find("blue_blue_1   docker-entrypoint.sh node  ...   Up "), std::string::npos);
  auto down = w.blue({"down"});
  EXPECT_EQ(down.exit_code, 0);
  EXPECT_EQ(down.err,
            "Stopping blue_blue_1 ... \nStopping blue_blue_1 ... done\n"
            "Removing blue_blue_1 ... \nRemoving blue_blue_1 ... done\n"
            "Removing network blue_default\n");
  auto empty = w.run({"-p", "green", "-f", "docker-compose-green.yml", "down"});
  EXPECT_EQ(empty.exit_code, 0);
  // Logged warnings carry no "WARNING: " on a non-TTY stderr (main.py setup_console_handler).
  EXPECT_EQ(empty.err, "Removing network green_default\nNetwork green_default not found.\n");
}

// Goal: v1 lists a stopped container as `Exit 0` in plain `ps` (R10), and -q prints full ids;
// --filter filters `--services` only (main.py ps), so `ps -q --filter status=running` still
// prints the stopped container's id.
TEST(ComposeDialect, V1PsListsStoppedContainers) {
  ComposeWorld w("1.29.2");
  w.blue({"up", "-d"});
  EXPECT_EQ(w.blue({"ps", "--services", "--filter", "status=running"}).out, "blue\n");
  w.blue({"stop"});
  EXPECT_NE(w.blue({"ps"}).out.find("   Exit 0"), std::string::npos);
  EXPECT_EQ(w.blue({"ps", "-q"}).out, w.engine->inspect("blue_blue_1")->id + "\n");
  EXPECT_EQ(w.blue({"ps", "-q", "--filter", "status=running"}).out, w.engine->inspect("blue_blue_1")->id + "\n");
  EXPECT_EQ(w.blue({"ps", "--services", "--filter", "status=running"}).out, "\n");
  EXPECT_EQ(w.blue({"ps", "--services"}).out, "blue\n");
}

// Goal: v1's port clash: "... error", the host-in-use warning, ERROR for the container and the
// service (written to the stream by parallel.py, so prefixed even on a non-TTY), "Encountered
// errors" (logged: no prefix on a non-TTY), exit 1, container left created (§3).
TEST(ComposeDialect, V1PortConflictErrorLines) {
  ComposeWorld w("1.29.2");
  w.blue({"up", "-d"});
  w.write("other.yml", "services:\n  other:\n    image: docker-image\n    ports: [\"3000:3000\"]\n");
  auto r = w.run({"-p", "other", "-f", "other.yml", "up", "-d"});
  EXPECT_EQ(r.exit_code, 1);
  const std::string head =
      "Creating network \"other_default\" with the default driver\n"
      "Creating other_other_1 ... \n"
      "Creating other_other_1 ... error\n"
      "Host is already in use by another container\n\n"
      "ERROR: for other_other_1  Cannot start service other: driver failed programming external connectivity on "
      "endpoint other_other_1 (";
  EXPECT_EQ(r.err.substr(0, head.size()), head);
  EXPECT_NE(r.err.find("\n\nERROR: for other  Cannot start service other: driver failed programming external"),
            std::string::npos);
  EXPECT_NE(r.err.find("port is already allocated\nEncountered errors while bringing up the project.\n"),
            std::string::npos);
  EXPECT_EQ(w.engine->inspect("other_other_1")->state, ContainerState::created);
}

// Goal: v1 rejects flags it never had (--status, --format, --wait) with the command's docopt help
// and exit 1, unknown commands with "No such command", a missing -f file with Python's error.
TEST(ComposeDialect, V1UsageErrors) {
  ComposeWorld w("1.29.2");
  auto status = w.blue({"ps", "--status", "running"});
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_EQ(status.err.rfind("List containers.\n\nUsage: ps [options] [--] [SERVICE...]\n", 0), 0u) << status.err;
  auto wait = w.blue({"up", "-d", "--wait"});
  EXPECT_EQ(wait.exit_code, 1);
  EXPECT_NE(wait.err.find("Usage: up [options]"), std::string::npos);
  auto unknown = w.run({"upp"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err.substr(0, 31), "No such command: upp\n\nCommands:");
  auto missing = w.run({"-f", "nope.yml", "ps"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, ".FileNotFoundError: [Errno 2] No such file or directory: './nope.yml'\n");
  DockerCli docker(*w.engine, *w.compose);
  auto plugin = docker.run({"compose", "ps"}, w.dir, {});
  EXPECT_EQ(plugin.exit_code, 1);
  EXPECT_EQ(plugin.err, "docker: 'compose' is not a docker command.\nSee 'docker --help'\n");
}

// Goal: v2.15+ `ps` hides stopped containers unless -a or a status filter (R10's fix), and the
// up/down lines are v2's, with the project named in the empty-down warning.
TEST(ComposeDialect, V220PsHidesStoppedAndUpDownGolden) {
  ComposeWorld w("2.20.2");
  auto up = w.blue({"up", "-d"});
  EXPECT_EQ(up.err,
            " Network blue_default  Creating\n Network blue_default  Created\n"
            " Container blue-blue-1  Creating\n Container blue-blue-1  Created\n"
            " Container blue-blue-1  Starting\n Container blue-blue-1  Started\n");
  EXPECT_EQ(w.blue({"ps", "--format", "{{.Name}}:{{.State}}"}).out, "blue-blue-1:running\n");
  w.blue({"stop"});
  auto ps = w.blue({"ps"});
  EXPECT_EQ(ps.out.find("blue-blue-1"), std::string::npos) << ps.out;
  EXPECT_EQ(ps.out.substr(0, 4), "NAME");
  EXPECT_EQ(w.blue({"ps", "-a", "--format", "{{.Name}} {{.State}}"}).out, "blue-blue-1 exited\n");
  EXPECT_EQ(w.blue({"ps", "--status", "exited", "--format", "{{.Service}}"}).out, "blue\n");
  EXPECT_EQ(w.blue({"ps", "--status", "running", "-q"}).out, "");
  auto down = w.blue({"down"});
  EXPECT_EQ(down.err,
            " Container blue-blue-1  Stopping\n Container blue-blue-1  Stopped\n"
            " Container blue-blue-1  Removing\n Container blue-blue-1  Removed\n"
            " Network blue_default  Removing\n Network blue_default  Removed\n");
  EXPECT_EQ(w.blue({"down"}).err, "Warning: No resource found to remove for project \"blue\".\n");
}

}  // namespace
}  // namespace bg::fakes
