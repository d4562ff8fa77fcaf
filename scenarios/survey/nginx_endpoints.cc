#include "scenarios/survey/nginx_endpoints.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace bg::survey {
namespace {

// compose-spec's default file names: a compose call without -f reads one of these.
bool default_compose_name(const std::string& name) {
  return name == "compose.yaml" || name == "compose.yml" || name == "docker-compose.yaml" ||
         name == "docker-compose.yml";
}

std::string name_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }
std::string folder_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// The project a compose file is run as: a literal -p of a call that reads it, else compose's
// default, the name of the file's folder on the host, lower-cased (compose-go's normalisation;
// simplified: characters compose would drop are kept).
Fact compose_project(const NginxInputs& in, const ComposeFile& file) {
  for (const auto& facts : in.scripts)
    for (const auto& call : facts.compose) {
      const bool reads = call.files.empty() ? default_compose_name(name_of(file.path))
                                            : std::any_of(call.files.begin(), call.files.end(),
                                                          [&](auto& f) { return name_of(f) == name_of(file.path); });
      if (reads && !call.project.empty() && call.project.find('$') == std::string::npos)
        return {call.project, Basis::read, {call.at}, fmt::format("-p {}", call.project)};
    }
  std::string dir = in.host_dir_of(folder_of(file.path));
  if (dir.empty()) return {};
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  std::string project = name_of(dir);
  std::transform(project.begin(), project.end(), project.begin(), [](unsigned char c) { return std::tolower(c); });
  return {project, Basis::read, {}, fmt::format("the name of {}, where the compose file is on the host", dir)};
}

void container_of_service(const NginxInputs& in, const ComposeFile& file, const ComposeService& svc, FolderSurvey& s) {
  if (!svc.container_name.empty()) {
    s.proxy_container = {
        svc.container_name, Basis::read, {svc.at}, fmt::format("container_name of compose service {}", svc.name)};
    return;
  }
  const Fact project = compose_project(in, file);
  if (!project.known()) {
    s.checks.push_back(
        fmt::format("proxy.container: the name of compose service {} ({}) depends on its project's name, "
                    "which the folder does not say",
                    svc.name, svc.at.str()));
    return;
  }
  const std::string v2 = fmt::format("{}-{}-1", project.value, svc.name),
                    v1 = fmt::format("{}_{}_1", project.value, svc.name);
  if (s.compose_generation.value == "v2") {
    auto from = project.from;
    from.insert(from.begin(), svc.at);
    s.proxy_container = {
        v2, Basis::read, from,
        fmt::format("compose v2 names service {} of project {} ({}) {}", svc.name, project.value, project.why, v2)};
  } else {
    s.checks.push_back(
        fmt::format("proxy.container: compose service {} ({}) is the container {} with compose v2 and {} "
                    "with v1; write the one your host's compose makes",
                    svc.name, svc.at.str(), v2, v1));
  }
}

// The host port published for the container's port 80.
void published_port(const std::vector<Named>& ports, const std::map<std::string, std::string>& env, FolderSurvey& s) {
  for (const auto& p : ports) {
    std::string text = p.value;
    interpolate(text, env);
    const auto [host, container] = port_parts(text);
    if (container == "80" && !host.empty() && host.find_first_not_of("0123456789") == std::string::npos)
      s.traffic_port = {host, Basis::read, {p.at}, "the host port published for nginx's port 80"};
  }
}

}  // namespace

std::string NginxInputs::host_dir_of(const std::string& folder_path) const {
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& d : dirs)
    if (folder_path.rfind(d.first, 0) == 0 && (!best || d.first.size() > best->first.size())) best = &d;
  if (!best || best->second.empty()) return "";
  std::string dir = best->second;
  if (dir.back() != '/') dir += '/';
  return dir + folder_path.substr(best->first.size());
}

NginxContainers find_nginx_containers(const NginxInputs& in, FolderSurvey& s) {
  NginxContainers out;
  for (const auto& file : in.compose) {
    for (const auto& svc : file.services) {
      std::string image = svc.image.value;
      interpolate(image, file.dotenv);
      if (out.found || !is_nginx_image(image)) continue;
      out.found = true;
      out.at = svc.image.at;
      container_of_service(in, file, svc, s);
      published_port(svc.ports, file.dotenv, s);
      // Bind mounts of the folder's files (`./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro`).
      for (const auto& v : svc.volumes) {
        std::string src = v.value.substr(0, v.value.find(':'));
        if (src.empty() || src.front() == '/' || src.front() == '$') continue;
        if (src.rfind("./", 0) == 0) src.erase(0, 2);
        const std::string path = folder_of(file.path) + src;
        out.mounted.push_back(path);
        out.mounted.push_back(path + (path.back() == '/' ? "" : "/"));
      }
    }
  }
  for (const auto& facts : in.scripts)
    for (const auto& run : facts.runs) {
      if (out.found || !is_nginx_image(run.image)) continue;
      out.found = true;
      out.at = run.at;
      if (!run.name.empty() && run.name.find('$') == std::string::npos)
        s.proxy_container = {run.name, Basis::read, {run.at}, "docker run --name of the nginx image"};
      else
        s.checks.push_back(
            fmt::format("proxy.container: {} runs nginx in a container without a fixed --name", run.at.str()));
      std::vector<Named> ports;
      for (const auto& p : run.publish) ports.push_back({p, run.at});
      published_port(ports, {}, s);
    }
  return out;
}

void place_traffic(const std::vector<const NginxFile*>& served, FolderSurvey& s) {
  static const std::regex port(R"((?:.*:)?(\d+)$)");
  const NginxServer* app = nullptr;
  for (const NginxFile* n : served)
    for (const auto& server : n->servers) {
      if (!server.proxies) continue;
      if (!app) app = &server;
      for (const auto& name : server.names) {
        if (s.traffic_host.known() || name == "_" || name == "localhost" || name.empty() ||
            name.find_first_of("~*$") != std::string::npos || name.front() == '.')
          continue;
        s.traffic_host = {name, Basis::read, {server.at}, "server_name of the server that passes requests on"};
      }
    }
  if (!app) return;
  std::smatch m;
  if (!s.traffic_port.known() && !app->listens.empty() && std::regex_match(app->listens.front(), m, port) &&
      m[1] != "80")
    s.traffic_port = {m[1], Basis::read, {app->at}, "listen of the server that passes requests on"};
  // Debian's stock default site is the default server of port 80: a request for localhost reaches
  // it, not a server named `_` elsewhere.
  const bool stock_default = s.host_os.value == "ubuntu-22.04" && s.host_nginx.value == "stock" &&
                             std::none_of(s.host_files.begin(), s.host_files.end(),
                                          [](auto& f) { return f.host_path == "/etc/nginx/sites-available/default"; });
  if (!s.traffic_host.known() && stock_default && !app->default_server)
    s.checks.push_back(
        fmt::format("traffic.host: the server at {} has no server_name of its own and is not the "
                    "default_server, so Ubuntu's stock default site answers requests for localhost",
                    app->at.str()));
}

}  // namespace bg::survey
