#include "fakes/docker/ps_formatter.h"

#include <stdexcept>

#include <fmt/format.h>

#include "fakes/docker/compose_dialect.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

// docker/cli's formatter replaces the escapes a shell leaves literal before parsing the template.
std::string expand_escapes(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 't' || s[i + 1] == 'n')) {
      out += s[i + 1] == 't' ? '\t' : '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// A template as literal text and actions ("{{.Name}}" -> action ".Name").
struct Piece {
  bool action = false;
  std::string text;
  size_t column = 0;  // 1-based position of the action, for Go's error message
};

std::vector<Piece> parse(const std::string& tmpl) {
  std::vector<Piece> pieces;
  size_t pos = 0;
  while (pos < tmpl.size()) {
    size_t open = tmpl.find("{{", pos);
    if (open == std::string::npos) {
      pieces.push_back({false, tmpl.substr(pos), 0});
      break;
    }
    if (open > pos) pieces.push_back({false, tmpl.substr(pos, open - pos), 0});
    size_t close = tmpl.find("}}", open);
    if (close == std::string::npos) throw std::invalid_argument("template: :1: unclosed action");
    pieces.push_back({true, trim(tmpl.substr(open + 2, close - open - 2)), open + 3});
    pos = close + 2;
  }
  return pieces;
}

std::string eval(const Piece& p, const std::map<std::string, std::string>& fields, const nlohmann::json& json) {
  if (p.text == "json .") return json.dump();
  if (p.text.size() > 1 && p.text.front() == '.' && p.text.find(' ') == std::string::npos) {
    auto it = fields.find(p.text.substr(1));
    if (it != fields.end()) return it->second;
    throw std::invalid_argument(
        fmt::format("template: :1:{}: executing \"\" at <{}>: can't evaluate field {} in type "
                    "formatter.ContainerContext",
                    p.column, p.text, p.text.substr(1)));
  }
  throw std::invalid_argument(
      fmt::format("template: :1: function \"{}\" not defined (not modelled by the simulation)", p.text));
}

}  // namespace

std::map<std::string, std::string> PsFormatter::fields(const ContainerRecord& c, core::Time now) {
  return {{"ID", c.id.substr(0, 12)},
          {"Name", c.name},
          {"Names", c.name},
          {"Image", c.image},
          {"Command", go_quote(ellipsis(c.command, 20))},
          {"Project", c.project},
          {"Service", c.service},
          {"State", state_name(c.state)},
          {"Status", engine_status(c, now)},
          {"Health", c.health},
          {"ExitCode", std::to_string(c.exit_code)},
          {"Ports", ComposeV2Dialect::ports(c)},
          {"RunningFor", human_duration(core::to_seconds(now - c.created)) + " ago"},
          {"Networks", c.project + "_default"}};
}

std::string PsFormatter::header(const std::string& field) {
  static const std::map<std::string, std::string> names = {
      {"ID", "CONTAINER ID"}, {"RunningFor", "CREATED"}, {"ExitCode", "EXIT CODE"}, {"Names", "NAMES"}};
  if (auto it = names.find(field); it != names.end()) return it->second;
  std::string upper;
  for (char ch : field) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return upper;
}

std::string PsFormatter::render(const std::string& format, const std::vector<ContainerRecord>& containers,
                                core::Time now) {
  bool table = format.rfind("table", 0) == 0;
  std::string tmpl = expand_escapes(table ? trim(format.substr(5)) : format);
  std::vector<Piece> pieces = parse(tmpl);
  auto line = [&](const std::map<std::string, std::string>& f, const nlohmann::json& j) {
    std::string out;
    for (const auto& p : pieces) out += p.action ? eval(p, f, j) : p.text;
    return out;
  };
  if (!table) {
    std::string out;
    for (const auto& c : containers) out += line(fields(c, now), json(c, now, false)) + "\n";
    return out;
  }
  // `table`: the header names each field; tabs become tabwriter columns (docker/cli: minwidth 10,
  // padding 3).
  std::map<std::string, std::string> headers;
  for (const auto& [k, v] : fields(ContainerRecord{}, now)) headers[k] = header(k);
  TabWriter writer(10, 3);
  auto split = [](const std::string& s) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (size_t tab; (tab = s.find('\t', start)) != std::string::npos; start = tab + 1)
      cells.push_back(s.substr(start, tab - start));
    cells.push_back(s.substr(start));
    return cells;
  };
  writer.row(split(line(headers, nlohmann::json::object())));
  for (const auto& c : containers) writer.row(split(line(fields(c, now), json(c, now, false))));
  return writer.str();
}

nlohmann::json PsFormatter::json(const ContainerRecord& c, core::Time now, bool legacy) {
  nlohmann::json publishers = nlohmann::json::array();
  for (const auto& p : c.ports)
    publishers.push_back({{"URL", p.host_ip.empty() ? "0.0.0.0" : p.host_ip},
                          {"TargetPort", p.target},
                          {"PublishedPort", c.state == ContainerState::running ? p.published : 0},
                          {"Protocol", p.protocol}});
  nlohmann::json j = {{"ID", c.id},           {"Name", c.name},          {"Command", c.command},
                      {"Project", c.project}, {"Service", c.service},    {"State", state_name(c.state)},
                      {"Health", c.health},   {"ExitCode", c.exit_code}, {"Publishers", publishers}};
  if (legacy) return j;
  auto f = fields(c, now);
  j["Command"] = f["Command"];
  j["Image"] = c.image;
  j["Names"] = c.name;
  j["Status"] = f["Status"];
  j["RunningFor"] = f["RunningFor"];
  j["Ports"] = f["Ports"];
  j["Networks"] = f["Networks"];
  return j;
}

}  // namespace bg::fakes
