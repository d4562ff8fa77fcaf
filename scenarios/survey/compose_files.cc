#include "scenarios/survey/compose_files.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <regex>

namespace bg::survey {
namespace {

// Compose's own default names (compose-spec: compose.yaml, compose.yml, docker-compose.yaml,
// docker-compose.yml) and the `-f` files teams name after them (docker-compose.blue.yml,
// docker-compose-green.yml, docker-compose.prod.yml).
bool is_compose_name(const std::string& name) {
  static const std::regex re(R"(^(docker-)?compose([.-][A-Za-z0-9_.-]+)?\.ya?ml$)");
  return std::regex_match(name, re);
}

// The node for `key` in a service, following YAML merge keys (`<<: *anchor`), which yaml-cpp 0.7
// keeps as a plain key.
// A missing key gives an undefined node (false); a default-constructed YAML::Node is a defined null.
YAML::Node lookup(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  if (map[key]) return map[key];
  const YAML::Node merge = map["<<"];
  if (merge && merge.IsMap()) return lookup(merge, key);
  if (merge && merge.IsSequence())
    for (const auto& m : merge)
      if (auto n = lookup(m, key)) return n;
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string one_line(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  std::string out;
  if (n.IsSequence())
    for (const auto& part : n) out += (out.empty() ? "" : " ") + (part.IsScalar() ? part.Scalar() : "...");
  return out;
}

std::map<std::string, std::string> read_dotenv(const TextFile* f) {
  std::map<std::string, std::string> env;
  if (!f) return env;
  static const std::regex line(R"(^\s*(export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$)");
  for (const auto& l : f->lines) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    std::string value = m[3];
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    env[m[2]] = value;
  }
  return env;
}

ComposeService read_service(const TextFile& f, const std::string& name, const YAML::Node& n) {
  auto at = [&](const YAML::Node& node) { return Source{f.path, node.Mark().line + 1}; };
  ComposeService s;
  s.name = name;
  s.at = at(n);
  if (auto image = lookup(n, "image"); image && image.IsScalar()) s.image = {image.Scalar(), at(image)};
  s.build = static_cast<bool>(lookup(n, "build"));
  if (auto cn = lookup(n, "container_name"); cn && cn.IsScalar()) s.container_name = cn.Scalar();
  if (auto ports = lookup(n, "ports"); ports && ports.IsSequence())
    for (const auto& p : ports)
      if (p.IsScalar()) s.ports.push_back({p.Scalar(), at(p)});
  if (auto hc = lookup(n, "healthcheck"); hc && hc.IsMap() && hc["test"])
    s.healthcheck = {one_line(hc["test"]), at(hc["test"])};
  if (auto volumes = lookup(n, "volumes"); volumes && volumes.IsSequence())
    for (const auto& v : volumes)
      if (v.IsScalar()) s.volumes.push_back({v.Scalar(), at(v)});
  return s;
}

}  // namespace

std::vector<ComposeFile> read_compose_files(const FolderFiles& folder) {
  std::vector<ComposeFile> out;
  for (const auto& f : folder.files()) {
    if (!is_compose_name(f.name())) continue;
    std::string text;
    for (const auto& l : f.lines) text += l + "\n";
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      throw SurveyError(fmt::format("{}:{}:{}: {}", f.path, e.mark.line + 1, e.mark.column + 1, e.msg));
    }
    if (!root.IsMap() || !root["services"] || !root["services"].IsMap()) continue;
    ComposeFile c;
    c.path = f.path;
    if (root["version"]) c.version_at = {f.path, root["version"].Mark().line + 1};
    for (const auto& kv : root["services"]) c.services.push_back(read_service(f, kv.first.Scalar(), kv.second));
    c.dotenv = read_dotenv(folder.find(f.folder().empty() ? ".env" : f.folder() + "/.env"));
    out.push_back(std::move(c));
  }
  return out;
}

bool interpolate(std::string& text, const std::map<std::string, std::string>& env) {
  static const std::regex var(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*))");
  bool complete = true;
  std::string out;
  auto begin = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), var), end; it != end; ++it) {
    const auto& m = *it;
    out.append(begin, m[0].first);
    const std::string name = m[1].matched ? m[1].str() : m[4].str();
    auto found = env.find(name);
    const bool empty_counts_unset = m[2].matched && m[2].str().rfind(":-", 0) == 0;
    if (found != env.end() && !(empty_counts_unset && found->second.empty()))
      out += found->second;
    else if (m[3].matched)
      out += m[3].str();
    else
      complete = false;
    begin = m[0].second;
  }
  out.append(begin, text.cend());
  text = out;
  return complete;
}

std::pair<std::string, std::string> port_parts(const std::string& published) {
  std::string p = published.substr(0, published.find('/'));  // "3000:3000/tcp"
  const auto last = p.rfind(':');
  if (last == std::string::npos) return {"", p};
  const std::string container = p.substr(last + 1);
  std::string host = p.substr(0, last);
  // "127.0.0.1:3001" and "[::1]:3001" bind an address; a ':' inside "${HOST_PORT:-3000}" does not.
  static const std::regex address(R"(^(\d+\.\d+\.\d+\.\d+|\[[^\]]*\]):(.*)$)");
  std::smatch m;
  if (std::regex_match(host, m, address)) host = m[2];
  return {host, container};
}

}  // namespace bg::survey
