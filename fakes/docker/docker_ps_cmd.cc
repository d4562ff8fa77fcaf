// `docker ps` (docker/cli cli/command/container/list.go and formatter/container.go@v20.10.17): the
// daemon's list (newest first; running ones unless -a, a status filter or -n/-l), --filter
// (PsFilter), and the table or --format over formatter.ContainerContext.
#include <algorithm>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "fakes/docker/compose_dialect.h"
#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_cli_support.h"
#include "fakes/docker/docker_formatter.h"
#include "fakes/docker/ps_filter.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

const CommandSpec kPs{"docker ps",
                      "docker ps [OPTIONS]",
                      "List containers",
                      {{'a', "all", false},
                       {'f', "filter", true},
                       {0, "format", true},
                       {'n', "last", true},
                       {'l', "latest", false},
                       {0, "no-trunc", false},
                       {'q', "quiet", false},
                       {'s', "size", false}}};

const std::map<std::string, std::string> kHeaders = {{"ID", "CONTAINER ID"},
                                                     {"Names", "NAMES"},
                                                     {"Image", "IMAGE"},
                                                     {"Command", "COMMAND"},
                                                     {"CreatedAt", "CREATED AT"},
                                                     {"RunningFor", "CREATED"},
                                                     {"Ports", "PORTS"},
                                                     {"State", "STATE"},
                                                     {"Status", "STATUS"},
                                                     {"Size", "SIZE"},
                                                     {"Labels", "LABELS"},
                                                     {"Mounts", "MOUNTS"},
                                                     {"LocalVolumes", "LOCAL VOLUMES"},
                                                     {"Networks", "NETWORKS"}};

// formatter.DisplayablePorts: exposed-only ports, then the published mappings (IPv4 only, as
// elsewhere in the simulation), of a running container.
std::string displayable_ports(const ContainerInfo& c) {
  if (c.record.state != ContainerState::running && c.record.state != ContainerState::paused) return "";
  std::vector<std::string> exposed_only, mapped;
  std::vector<std::string> exposed = c.image.exposed;
  exposed.insert(exposed.end(), c.spec.expose.begin(), c.spec.expose.end());
  std::sort(exposed.begin(), exposed.end());
  exposed.erase(std::unique(exposed.begin(), exposed.end()), exposed.end());
  for (const auto& e : exposed) {
    bool published = false;
    for (const auto& p : c.record.ports) published = published || fmt::format("{}/{}", p.target, p.protocol) == e;
    if (!published) exposed_only.push_back(e);
  }
  for (const auto& p : c.record.ports)
    mapped.push_back(p.published == 0 ? fmt::format("{}/{}", p.target, p.protocol)
                                      : fmt::format("{}:{}->{}/{}", p.host_ip.empty() ? "0.0.0.0" : p.host_ip,
                                                    p.published, p.target, p.protocol));
  exposed_only.insert(exposed_only.end(), mapped.begin(), mapped.end());
  return fmt::format("{}", fmt::join(exposed_only, ", "));
}

}  // namespace

// formatter.ContainerContext: its methods as the fields of a struct (sorted, as its MarshalJSON
// prints them), and Label(name) as a method.
static gotmpl::Value ps_context(const ContainerInfo& c, const std::string& shown_image, core::Time now, bool trunc) {
  using V = gotmpl::Value;
  const ContainerRecord& r = c.record;
  std::vector<std::string> labels, mounts, networks;
  for (const auto& [k, v] : c.spec.labels) labels.push_back(k + "=" + v);
  int local = 0;
  for (const auto& m : c.spec.mounts) {
    mounts.push_back(trunc ? ellipsis(m.source, 15) : m.source);
    local += m.named || m.source.empty();
  }
  for (const auto& [name, e] : c.networks) networks.push_back(name);
  V ctx = V::structure("*formatter.ContainerContext");
  ctx.field("Command", V::string(go_quote(trunc ? ellipsis(r.command, 20) : r.command)))
      .field("CreatedAt", V::string(fmt::format("{:%Y-%m-%d %H:%M:%S} +0000 UTC",
                                                fmt::gmtime(static_cast<time_t>(unix_seconds(r.created))))))
      .field("ID", V::string(trunc ? r.id.substr(0, 12) : r.id))
      .field("Image", V::string(shown_image))
      .field("Labels", V::string(fmt::format("{}", fmt::join(labels, ","))))
      .field("LocalVolumes", V::string(std::to_string(local)))
      .field("Mounts", V::string(fmt::format("{}", fmt::join(mounts, ","))))
      .field("Names", V::string(r.name))
      .field("Networks", V::string(fmt::format("{}", fmt::join(networks, ","))))
      .field("Ports", V::string(displayable_ports(c)))
      .field("RunningFor", V::string(human_duration(core::to_seconds(now - r.created)) + " ago"))
      .field("Size", V::string("0B"))
      .field("State", V::string(state_name(r.state)))
      .field("Status", V::string(engine_status(r, now)));
  std::map<std::string, std::string> label_map = c.spec.labels;
  ctx.method("Label", {1, [label_map](const std::vector<V>& a) {
                         auto it = label_map.find(a[0].as_string());
                         return V::string(it == label_map.end() ? "" : it->second);
                       }});
  return ctx;
}

core::CommandResult DockerCli::ps(const Args& args) {
  CliArgs a = parse_command(kPs, args);
  require_none(kPs, a);
  PsFilter filter = PsFilter::parse(a.values["filter"]);
  int limit = a.has("latest") ? 1 : int_flag(kPs, a, "last", -1);
  bool all = a.has("all") || filter.lists_all();
  bool trunc = !a.has("no-trunc");
  std::vector<std::string> ancestors;
  for (const auto& ref : filter.values("ancestor"))
    if (auto image = engine_.image(ref)) ancestors.push_back(image->id);
  std::vector<ContainerInfo> infos = engine_.infos();
  std::stable_sort(infos.begin(), infos.end(),
                   [](const ContainerInfo& x, const ContainerInfo& y) { return x.record.created > y.record.created; });
  core::Time now = engine_.clock().now();
  std::vector<gotmpl::Value> rows;
  for (const auto& c : infos) {
    if (limit > 0 && static_cast<int>(rows.size()) == limit) break;
    if (c.record.state != ContainerState::running && !all && limit <= 0) continue;
    if (!filter.matches(c, ancestors)) continue;
    // moby refreshImage: when the reference now names another image, the container's image id.
    std::string shown = c.record.image;
    auto current = engine_.image(c.record.image);
    if (!current || current->id != c.record.image_id)
      shown = trunc ? c.record.image_id.substr(0, 12) : "sha256:" + c.record.image_id;
    rows.push_back(ps_context(c, shown, now, trunc));
  }
  std::string format = a.value("format");
  if (format.empty() || format == "table")
    format = a.has("quiet")
                 ? "{{.ID}}"
                 : "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
  if (a.has("size") && format.rfind("table", 0) == 0 && format.find("{{.Size}}") == std::string::npos)
    format += "\t{{.Size}}";
  return {0, format_rows(format, rows, kHeaders), ""};
}

}  // namespace bg::fakes
