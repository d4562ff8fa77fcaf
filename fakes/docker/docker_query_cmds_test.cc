// inspect, ps, images and network: what scripts parse, and the errors they meet.
#include "fakes/docker/docker_cli_test_support.h"

#include <nlohmann/json.hpp>

namespace bg::fakes {
namespace {
using test_support::CliWorld;

// Goal: inspect -f with the templates scripts use, Go's errors for a bad template (64) and a
// missing key (1), and --type for images and networks.
TEST(DockerInspect, TemplatesAndErrors) {
  CliWorld w;
  w.run({"network", "create", "app_net"});
  w.run({"run", "-d", "--name", "blue", "--network", "app_net", "--label", "color=blue", "-p", "8081:3000",
         "--health-cmd", "curl -f http://localhost:3000/", "web"});
  EXPECT_EQ(w.run({"inspect", "-f", "{{.State.Running}} {{.State.Health.Status}} {{.Name}}", "blue"}).out,
            "true starting /blue\n");
  EXPECT_EQ(w.run({"inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "blue"}).out,
            "172.18.0.2\n");
  EXPECT_EQ(w.run({"inspect", "-f", "[{{.NetworkSettings.IPAddress}}]", "blue"}).out, "[]\n");  // not on bridge
  EXPECT_EQ(w.run({"inspect", "-f", "{{.Config.Labels.nope}}|{{index .Config.Labels \"nope\"}}", "blue"}).out,
            "<no value>|\n");
  EXPECT_EQ(w.run({"inspect", "-f", "{{if eq .State.Status \"running\"}}up{{end}} {{.Config.Image}}", "blue"}).out,
            "up web\n");
  EXPECT_EQ(w.run({"inspect", "-f", "{{(index (index .NetworkSettings.Ports \"3000/tcp\") 0).HostPort}}", "blue"}).out,
            "8081\n");
  std::string json = w.run({"inspect", "-f", "{{json .State}}", "blue"}).out;
  EXPECT_EQ(json.rfind("{\"Status\":\"running\",\"Running\":true,\"Paused\":false", 0), 0u) << json;
  EXPECT_EQ(w.run({"inspect", "-f", "{{.Id}}", "blue"}).out, w.engine->inspect("blue")->id + "\n");  // raw fallback
  auto bad = w.run({"inspect", "-f", "{{.State.Running", "blue"});
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_EQ(bad.err, "Template parsing error: template: :1: unclosed action\n");
  auto missing = w.run({"inspect", "-f", "{{.State.Nope}}", "blue", "ghost"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "\n");
  EXPECT_EQ(missing.err,
            "Template parsing error: template: :1:8: executing \"\" at <.State.Nope>: map has no entry "
            "for key \"Nope\"\nError: No such object: ghost\n");
  EXPECT_EQ(w.run({"inspect", "-f", "{{html .Name}}", "blue"}).not_modelled, "Go template function html");
  EXPECT_EQ(w.run({"inspect", "--type", "image", "-f", "{{index .RepoTags 0}} {{.Os}}", "web"}).out,
            "web:latest linux\n");
  EXPECT_EQ(w.run({"inspect", "--type", "image", "blue"}).err, "Error: No such image: blue\n");
  EXPECT_EQ(
      w.run({"network", "inspect", "-f", "{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}", "app_net"}).out,
      "blue 172.18.0.2/16\n");
  auto all = nlohmann::json::parse(w.run({"inspect", "blue", "web"}).out);
  EXPECT_EQ(all[0]["HostConfig"]["PortBindings"]["3000/tcp"][0]["HostPort"], "8081");
  EXPECT_EQ(all[1]["RepoTags"][0], "web:latest");
}

// Goal: ps lists running containers (all with -a), filters by name (a regex, with and without
// the leading slash), status, label, ancestor and publish, and formats with Go templates and tables.
TEST(DockerPs, FiltersAndFormats) {
  CliWorld w;
  w.run({"run", "-d", "--name", "blue", "--label", "color=blue", "-p", "8081:3000", "web"});
  w.run({"run", "-d", "--name", "blue-old", "--label", "color=blue", "web"});
  w.run({"run", "-d", "--name", "green", "--label", "color=green", "web"});
  w.run({"stop", "-t", "0", "blue-old"});
  EXPECT_EQ(w.run({"ps", "--format", "{{.Names}}"}).out, "green\nblue\n");
  EXPECT_EQ(w.run({"ps", "-a", "--format", "{{.Names}}"}).out, "green\nblue-old\nblue\n");
  EXPECT_EQ(w.run({"ps", "-a", "--filter", "name=blue", "--format", "{{.Names}}"}).out, "blue-old\nblue\n");
  EXPECT_EQ(w.run({"ps", "-a", "--filter", "name=^/blue$", "--format", "{{.Names}}"}).out, "blue\n");
  EXPECT_EQ(w.run({"ps", "-a", "-f", "name=^blue$", "--format", "{{.Names}}"}).out, "blue\n");
  // The status ends in how long ago it exited ("Less than a second ago", "1 second ago"), which
  // depends on how fast this machine ran the commands above: only the fixed part is checked.
  EXPECT_EQ(w.run({"ps", "--filter", "status=exited", "--format", "{{.Names}} {{.Status}}"}).out.substr(0, 20),
            "blue-old Exited (0) ");
  EXPECT_EQ(w.run({"ps", "-q", "--filter", "label=color=green"}).out,
            w.engine->inspect("green")->id.substr(0, 12) + "\n");
  EXPECT_EQ(w.run({"ps", "--filter", "label=color", "--filter", "publish=8081", "--format", "{{.Names}}"}).out,
            "blue\n");
  EXPECT_EQ(w.run({"ps", "-a", "--filter", "ancestor=web", "-n", "1", "--format", "{{.Names}}"}).out, "green\n");
  EXPECT_EQ(w.run({"ps", "--format", "{{.Label \"color\"}} {{.Ports}}", "-f", "name=^blue$"}).out,
            "blue 0.0.0.0:8081->3000/tcp\n");
  std::string table = w.run({"ps", "--format", "table {{.Names}}\\t{{.State}}"}).out;
  EXPECT_EQ(table, "NAMES     STATE\ngreen     running\nblue      running\n");
  EXPECT_EQ(w.run({"ps", "--filter", "name=nobody"}).out,
            "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n");
  EXPECT_EQ(w.run({"ps", "--filter", "colour=x"}).err, "Error response from daemon: Invalid filter 'colour'\n");
  EXPECT_EQ(w.run({"ps", "--filter", "status=up"}).err, "Error response from daemon: Invalid filter 'status=up'\n");
  auto bad = w.run({"ps", "--filter", "name"});
  EXPECT_EQ(bad.exit_code, 125);
  EXPECT_EQ(bad.err,
            "invalid argument \"name\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\n"
            "See 'docker ps --help'.\n");
  EXPECT_EQ(w.run({"ps", "--format", "{{.Nope}}"}).err,
            "Template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type "
            "*formatter.ContainerContext\n\n");
  EXPECT_EQ(w.run({"container", "ls", "-q"}).out.size(), 26u);
}

// Goal: images, tag, rmi, prune and pull/push/login against the run's registry.
TEST(DockerImages, RegistryAndImageCommands) {
  CliWorld w;
  auto pull = w.run({"pull", "ghcr.io/acme/web"});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  EXPECT_EQ(pull.out.substr(0, pull.out.find('\n', pull.out.find('\n') + 1)),
            "Using default tag: latest\nlatest: Pulling from acme/web");
  EXPECT_EQ(pull.out.substr(pull.out.rfind('\n', pull.out.size() - 2) + 1), "ghcr.io/acme/web:latest\n");
  EXPECT_NE(w.run({"pull", "ghcr.io/acme/web"}).out.find("Status: Image is up to date for ghcr.io/acme/web:latest"),
            std::string::npos);
  EXPECT_EQ(w.run({"pull", "ghcr.io/acme/web:v9"}).err,
            "Error response from daemon: manifest for ghcr.io/acme/web:v9 not found: manifest unknown: manifest "
            "unknown\n");
  EXPECT_EQ(w.run({"tag", "web", "ghcr.io/acme/web:v2"}).exit_code, 0);
  EXPECT_EQ(w.run({"images", "--format", "{{.Repository}}:{{.Tag}}", "ghcr.io/acme/web"}).out,
            "ghcr.io/acme/web:v2\nghcr.io/acme/web:latest\n");  // newest image first
  std::string table = w.run({"images"}).out;
  // The CREATED column is as wide as its longest entry ("Less than a second ago", "3 seconds ago"),
  // which depends on how much scenario time passed since the builds: only the fixed part is checked.
  const std::string header = table.substr(0, table.find('\n'));
  EXPECT_EQ(header.substr(0, 55), "REPOSITORY         TAG       IMAGE ID       CREATED    ");
  EXPECT_EQ(header.substr(header.size() - 7), "   SIZE");
  EXPECT_NE(w.run({"push", "ghcr.io/acme/web:v2"}).out.find("The push refers to repository [ghcr.io/acme/web]\n"),
            std::string::npos);
  EXPECT_EQ(w.run({"push", "ghcr.io/acme/api:1"}).err,
            "Error response from daemon: An image does not exist locally with the tag: ghcr.io/acme/api\n");
  auto login = w.run({"login", "ghcr.io", "-u", "bot", "--password-stdin"}, "token\n");
  EXPECT_EQ(login.out, "Login Succeeded\n");
  EXPECT_EQ(w.run({"login", "ghcr.io"}).err, "Error: Cannot perform an interactive login from a non TTY device\n");
  EXPECT_EQ(w.run({"rmi", "ghcr.io/acme/web:v2"}).out, "Untagged: ghcr.io/acme/web:v2\n");
  w.run({"create", "--name", "old", "web"});
  w.run({"tag", "ghcr.io/acme/web", "web"});  // `web` moves: the old image is dangling, still used
  EXPECT_EQ(w.run({"image", "prune", "-f"}).out, "Total reclaimed space: 0B\n");
  w.run({"rm", "old"});
  std::string pruned = w.run({"image", "prune", "-f"}).out;
  EXPECT_EQ(pruned.rfind("Deleted Images:\ndeleted: sha256:", 0), 0u) << pruned;
  EXPECT_EQ(w.run({"image", "prune"}, "n\n").out,
            "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] Total reclaimed "
            "space: 0B\n");
}

// Goal: networks: create (id), ls, connect gives a running container an address, rm refuses one
// in use; unknown and unmodelled commands say which.
TEST(DockerNetwork, CreateConnectListRemove) {
  CliWorld w;
  auto created = w.run({"network", "create", "app_net"});
  EXPECT_TRUE(std::regex_match(created.out, std::regex("[0-9a-f]{64}\n")));
  EXPECT_EQ(w.run({"network", "create", "app_net"}).err,
            "Error response from daemon: network with name app_net already exists\n");
  w.run({"run", "-d", "--name", "blue", "web"});
  EXPECT_EQ(w.run({"network", "connect", "--alias", "app", "app_net", "blue"}).exit_code, 0);
  EXPECT_EQ(w.run({"inspect", "-f", "{{(index .NetworkSettings.Networks \"app_net\").IPAddress}}", "blue"}).out,
            "172.18.0.2\n");
  EXPECT_EQ(w.run({"network", "ls", "--format", "{{.Name}} {{.Driver}}"}).out,
            "app_net bridge\nbridge bridge\nhost host\nnone null\n");
  EXPECT_NE(w.run({"network", "rm", "app_net"}).err.find("has active endpoints"), std::string::npos);
  EXPECT_EQ(w.run({"network", "disconnect", "app_net", "blue"}).exit_code, 0);
  EXPECT_EQ(w.run({"network", "rm", "app_net"}).out, "app_net\n");
  EXPECT_EQ(w.run({"network", "rm", "app_net"}).err, "Error response from daemon: network app_net not found\n");
  EXPECT_EQ(w.run({"volume", "ls"}).not_modelled, "docker volume ls");
  EXPECT_EQ(w.run({"stats"}).not_modelled, "docker stats");
  EXPECT_EQ(w.run({"swarmy"}).err, "docker: 'swarmy' is not a docker command.\nSee 'docker --help'\n");
}

}  // namespace
}  // namespace bg::fakes
