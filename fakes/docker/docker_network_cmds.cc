// `docker network` (docker/cli cli/command/network/*.go@v20.10.17) over the engine's NetworkStore,
// and `docker volume` (not modelled: named volumes exist only as -v/--mount sources).
#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_cli_support.h"
#include "fakes/docker/docker_formatter.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

const CommandSpec kCreate{"docker network create",
                          "docker network create [OPTIONS] NETWORK",
                          "Create a network",
                          {{'d', "driver", true},
                           {0, "label", true},
                           {0, "internal", false},
                           {0, "attachable", false},
                           {0, "subnet", true},
                           {0, "gateway", true},
                           {0, "ip-range", true},
                           {0, "ipv6", false},
                           {'o', "opt", true},
                           {0, "scope", true},
                           {0, "config-from", true},
                           {0, "config-only", false},
                           {0, "ingress", false},
                           {0, "aux-address", true},
                           {0, "ipam-driver", true},
                           {0, "ipam-opt", true}},
                          true,
                          {"subnet", "gateway", "ip-range", "ipv6", "opt", "scope", "config-from", "config-only",
                           "ingress", "aux-address", "ipam-driver", "ipam-opt"}};
const CommandSpec kConnect{"docker network connect",
                           "docker network connect [OPTIONS] NETWORK CONTAINER",
                           "Connect a container to a network",
                           {{0, "alias", true},
                            {0, "ip", true},
                            {0, "ip6", true},
                            {0, "link", true},
                            {0, "link-local-ip", true},
                            {0, "driver-opt", true}},
                           true,
                           {"ip", "ip6", "link", "link-local-ip", "driver-opt"}};
const CommandSpec kDisconnect{"docker network disconnect",
                              "docker network disconnect [OPTIONS] NETWORK CONTAINER",
                              "Disconnect a container from a network",
                              {{'f', "force", false}}};
const CommandSpec kLs{"docker network ls",
                      "docker network ls [OPTIONS]",
                      "List networks",
                      {{'f', "filter", true}, {0, "format", true}, {0, "no-trunc", false}, {'q', "quiet", false}}};
const CommandSpec kRm{"docker network rm", "docker network rm NETWORK [NETWORK...]", "Remove one or more networks", {}};

bool regex_match_any(const std::vector<std::string>& values, const std::string& s) {
  for (const auto& v : values) {
    if (v == s) return true;
    try {
      if (std::regex_search(s, std::regex(v))) return true;
    } catch (const std::regex_error&) {
    }
  }
  return values.empty();
}

}  // namespace

core::CommandResult DockerCli::network(const Args& args) {
  if (args.empty())
    return failed(
        "\nUsage:  docker network COMMAND\n\nManage networks\n\nRun 'docker network COMMAND --help' for more "
        "information on a command.");
  const std::string& verb = args[0];
  Args rest(args.begin() + 1, args.end());
  if (verb == "create") {
    CliArgs a = parse_command(kCreate, rest);
    require_exact(kCreate, a, 1);
    std::string driver = a.value("driver", "bridge");
    if (driver != "bridge") return core::not_modelled_result("docker network create --driver " + driver);
    std::map<std::string, std::string> labels;
    for (const auto& l : a.values["label"])
      labels[l.substr(0, l.find('='))] = l.find('=') == std::string::npos ? "" : l.substr(l.find('=') + 1);
    NetworkRecord n = engine_.create_network(a.positional[0], driver, labels, a.has("internal"), a.has("attachable"));
    return {0, n.id + "\n", ""};
  }
  if (verb == "connect" || verb == "disconnect") {
    const CommandSpec& spec = verb == "connect" ? kConnect : kDisconnect;
    CliArgs a = parse_command(spec, rest);
    require_exact(spec, a, 2);
    std::string container = engine_.resolve(a.positional[1]);
    if (verb == "connect")
      engine_.connect_network(a.positional[0], container, a.values["alias"]);
    else
      engine_.disconnect_network(a.positional[0], container);
    return {};
  }
  if (verb == "ls" || verb == "list") {
    CliArgs a = parse_command(kLs, rest);
    require_none(kLs, a);
    std::map<std::string, std::vector<std::string>> filters;
    for (const auto& f : a.values["filter"]) {
      size_t eq = f.find('=');
      if (eq == std::string::npos)
        return failed(fmt::format("invalid argument {} for \"-f, --filter\" flag: bad format of filter (expected "
                                  "name=value)\nSee 'docker network ls --help'.",
                                  go_quote(f)),
                      125);
      std::string key = f.substr(0, eq);
      if (key != "name" && key != "driver" && key != "id" && key != "label" && key != "scope" && key != "type" &&
          key != "dangling")
        return failed(daemon_error(fmt::format("Invalid filter '{}'", key)));
      if (key == "type" || key == "dangling") return core::not_modelled_result("docker network ls --filter " + key);
      filters[key].push_back(f.substr(eq + 1));
    }
    std::vector<gotmpl::Value> rows;
    bool trunc = !a.has("no-trunc");
    for (const auto& n : engine_.networks()) {
      if (!regex_match_any(filters["name"], n.name) || !regex_match_any(filters["id"], n.id)) continue;
      if (!filters["driver"].empty() &&
          std::find(filters["driver"].begin(), filters["driver"].end(), n.driver) == filters["driver"].end())
        continue;
      if (!filters["scope"].empty() &&
          std::find(filters["scope"].begin(), filters["scope"].end(), n.scope) == filters["scope"].end())
        continue;
      bool labelled = true;
      for (const auto& l : filters["label"]) {
        auto it = n.labels.find(l.substr(0, l.find('=')));
        labelled = labelled && it != n.labels.end() &&
                   (l.find('=') == std::string::npos || it->second == l.substr(l.find('=') + 1));
      }
      if (!labelled) continue;
      using V = gotmpl::Value;
      V row = V::structure("*formatter.networkContext");
      row.field("CreatedAt", V::string(docker_time(n.created, false)))
          .field("Driver", V::string(n.driver))
          .field("ID", V::string(trunc ? n.id.substr(0, 12) : n.id))
          .field("IPv6", V::string("false"))
          .field("Internal", V::string(n.internal ? "true" : "false"))
          .field("Labels", V::string(""))
          .field("Name", V::string(n.name))
          .field("Scope", V::string(n.scope));
      rows.push_back(row);
    }
    std::string format = a.value("format");
    if (format.empty() || format == "table")
      format = a.has("quiet") ? "{{.ID}}" : "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
    static const std::map<std::string, std::string> headers = {
        {"CreatedAt", "CREATED"}, {"Driver", "DRIVER"}, {"ID", "NETWORK ID"}, {"IPv6", "IPV6"},
        {"Internal", "INTERNAL"}, {"Labels", "LABELS"}, {"Name", "NAME"},     {"Scope", "SCOPE"}};
    return {0, format_rows(format, rows, headers), ""};
  }
  if (verb == "rm" || verb == "remove") {
    CliArgs a = parse_command(kRm, rest);
    require_min(kRm, a, 1);
    core::CommandResult r;
    for (const auto& name : a.positional) {
      try {
        engine_.delete_network(name);
        r.out += name + "\n";
      } catch (const DockerError& e) {
        r.err += daemon_error(e.what()) + "\n";
        r.exit_code = 1;
      }
    }
    return r;
  }
  if (verb == "inspect") return inspect(rest, "network");
  if (verb == "prune") return core::not_modelled_result("docker network prune");
  return failed(
      "\nUsage:  docker network COMMAND\n\nManage networks\n\nRun 'docker network COMMAND --help' for more "
      "information on a command.");
}

core::CommandResult DockerCli::volume(const Args& args) {
  return core::not_modelled_result("docker volume" + (args.empty() ? std::string() : " " + args[0]));
}

}  // namespace bg::fakes
