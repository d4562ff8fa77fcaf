#include "scenarios/survey/scenario_draft.h"

#include <fmt/format.h>

#include <regex>
#include <sstream>
#include <vector>

namespace bg::survey {
namespace {

// Comments start at this column when they fit on the setting's line, else go on the line above.
constexpr size_t kCommentColumn = 40;
constexpr size_t kMaxLine = 110;

struct Line {
  int indent = 0;
  std::string text;     // "os: ubuntu-22.04"
  std::string comment;  // without "# "
  bool active = true;   // false: written commented out (a default or an unknown)
};

// A top-level section; written commented out whole when nothing in it is active.
struct Section {
  std::string name;
  std::vector<Line> lines;
  bool any_active() const {
    for (const auto& l : lines)
      if (l.active) return true;
    return false;
  }
};

std::string comment_of(const Fact& f) {
  std::string text = f.why;
  const std::string at = sources_text(f.from);
  if (!at.empty()) text = at + (text.empty() ? "" : ": " + text);
  return f.basis == Basis::read ? text : "CHECK: " + text;
}

std::string comment_of(Basis basis, const Source& from, const std::string& why) {
  return comment_of(Fact{"x", basis, from.file.empty() ? std::vector<Source>{} : std::vector<Source>{from}, why});
}

void write_line(std::string& out, const Line& l, bool active) {
  const std::string indent(static_cast<size_t>(l.indent), ' ');
  const std::string lead = active ? indent : indent + "# ";
  std::string body = lead + l.text;
  if (l.comment.empty()) {
    out += body + "\n";
  } else if (std::max(body.size() + 2, kCommentColumn) + 2 + l.comment.size() <= kMaxLine) {
    body.resize(std::max(body.size() + 2, kCommentColumn), ' ');
    out += body + "# " + l.comment + "\n";
  } else {
    // A long comment goes above its setting, wrapped at word boundaries.
    std::string line = indent + "#";
    for (size_t pos = 0; pos < l.comment.size();) {
      size_t end = l.comment.find(' ', pos);
      if (end == std::string::npos) end = l.comment.size();
      const std::string word = l.comment.substr(pos, end - pos);
      if (line.size() + 1 + word.size() > kMaxLine - 10 && line.size() > indent.size() + 1) {
        out += line + "\n";
        line = indent + "#";
      }
      line += " " + word;
      pos = end + 1;
    }
    out += line + "\n" + body + "\n";
  }
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string delivery_text(const FolderSurvey& s) {
  if (s.delivery.value == "codedeploy") return "CodeDeploy's hooks (appspec.yml)";
  if (s.delivery.value == "workflow+codedeploy") return "a GitHub Actions workflow that hands each push to CodeDeploy";
  if (s.delivery.value == "ssh-action") return "GitHub Actions running the swap over appleboy/ssh-action";
  return "a way init could not tell";
}

std::string description(const FolderSurvey& s) {
  std::string nginx = s.proxy_container.known() ? "nginx runs in the container " + s.proxy_container.value
                      : s.proxy_config.known()  ? "nginx runs on the host with " + s.proxy_config.value
                      : s.host_nginx.known()    ? "nginx runs on the host"
                                                : "nginx's place is unknown";
  return fmt::format("Drafted by bluegreen init from this folder's files: it deploys through {}, on {}; {}.",
                     delivery_text(s), s.host_os.known() ? s.host_os.value : "a host init could not tell", nginx);
}

Section host_section(const FolderSurvey& s) {
  Section sec{"host", {}};
  sec.lines.push_back({2, "os: " + (s.host_os.known() ? s.host_os.value : "amazon-linux-2"),
                       s.host_os.known() ? comment_of(s.host_os) : "CHECK: the default; " + s.host_os.why,
                       s.host_os.known()});
  if (s.host_nginx.known()) sec.lines.push_back({2, "nginx: " + s.host_nginx.value, comment_of(s.host_nginx)});
  if (!s.host_files.empty()) sec.lines.push_back({2, "files:", "", true});
  for (const auto& f : s.host_files)
    sec.lines.push_back(
        {4, yaml_scalar(f.host_path) + ": " + yaml_scalar(f.folder_path), comment_of(f.basis, f.from, f.why)});
  if (!s.host_links.empty()) sec.lines.push_back({2, "symlinks:", "", true});
  for (const auto& l : s.host_links)
    sec.lines.push_back({4, yaml_scalar(l.link) + ": " + yaml_scalar(l.target), comment_of(l.basis, l.from, l.why)});
  if (!s.repos.empty()) sec.lines.push_back({2, "repos:", "the admin's clone that the ssh-action script pulls", true});
  for (const auto& r : s.repos)
    sec.lines.push_back({4, yaml_scalar(r.path) + ": " + yaml_scalar(r.branch), r.from.str()});
  return sec;
}

Section app_section(const FolderSurvey& s) {
  Section sec{"app", {}};
  if (s.next_version.known())
    sec.lines.push_back({2, "next_version: \"" + s.next_version.value + "\"", comment_of(s.next_version)});
  else
    sec.lines.push_back({2, "next_version: \"12.2\"", "CHECK: the default; " + s.next_version.why, false});
  sec.lines.push_back({2, "listen_delay: 2s",
                       "CHECK: the default; how long your app takes from its container's start "
                       "to listening (docker logs timestamps): it decides most verdicts",
                       false});
  sec.lines.push_back({2, "api_latency: {min: 0s, max: 0s}", "how long your API requests take", false});
  return sec;
}

Section docker_section(const FolderSurvey& s) {
  Section sec{"docker", {}};
  if (s.compose_version.known())
    sec.lines.push_back({2, "compose: \"" + s.compose_version.value + "\"", comment_of(s.compose_version)});
  else if (!s.compose_generation.value.empty())
    sec.lines.push_back({2, "compose: \"1.29.2\"",
                         "CHECK: " + s.compose_version.why + " (written out: bluegreen's default 2.5.0 applies)",
                         false});
  sec.lines.push_back(
      {2, "build_duration: 20s", "CHECK: the default; how long the image build takes on the host", false});
  if (!s.registry.empty()) sec.lines.push_back({2, "registry:", "images a pull finds (not built on the host)", true});
  for (const auto& r : s.registry)
    sec.lines.push_back({4, fmt::format("- {{image: {}, runs: {}}}", "\"" + r.image + "\"", r.runs),
                         comment_of(r.basis, r.from, r.why)});
  return sec;
}

Section proxy_section(const FolderSurvey& s) {
  Section sec{"proxy", {}};
  if (s.proxy_container.known())
    sec.lines.push_back({2, "container: " + yaml_scalar(s.proxy_container.value), comment_of(s.proxy_container)});
  if (s.proxy_config.known())
    sec.lines.push_back({2, "config: " + yaml_scalar(s.proxy_config.value), comment_of(s.proxy_config)});
  return sec;
}

Section traffic_section(const FolderSurvey& s) {
  Section sec{"traffic", {}};
  if (s.traffic_port.known()) sec.lines.push_back({2, "port: " + s.traffic_port.value, comment_of(s.traffic_port)});
  if (s.traffic_host.known())
    sec.lines.push_back({2, "host: " + yaml_scalar(s.traffic_host.value), comment_of(s.traffic_host)});
  sec.lines.push_back({2, "rate: 40", "the default: requests per scenario second, all clients together", false});
  sec.lines.push_back({2, "post_ratio: 0.2", "the default: the share of POST /api/echo", false});
  return sec;
}

Section run_section() {
  Section sec{"run", {}};
  sec.lines.push_back({2, "swaps: 2", "the default: deployments after the initial one", false});
  sec.lines.push_back(
      {2, "warmup: 5s", "CHECK: the default; traffic starts this long after the initial deployment", false});
  sec.lines.push_back({2, "swap_interval: 10s", "the default: traffic between deployments", false});
  return sec;
}

}  // namespace

std::string yaml_scalar(const std::string& value) {
  // Plain when it cannot be read as anything else: no indicator first, no ": " or " #", not a
  // number, a boolean or null.
  static const std::regex plain(R"(^[A-Za-z0-9_./~][A-Za-z0-9_./~@+-]*$)");
  static const std::regex special(R"(^([-+]?[0-9._]+([eE][-+]?[0-9]+)?|true|false|yes|no|on|off|null|~)$)",
                                  std::regex::icase);
  if (std::regex_match(value, plain) && !std::regex_match(value, special)) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string draft_scenario(const FolderSurvey& s) {
  std::string out =
      "# scenario.yaml drafted by `bluegreen init` from this folder's files; nothing in the folder was run.\n"
      "# Each setting says what it was read from (file:line). CHECK marks an assumption or a default only you\n"
      "# can confirm. Settings written out (# key: value) are bluegreen's defaults or what init could not\n"
      "# tell: the default applies until you write your own.\n";
  out += "name: " + yaml_scalar(s.name) + "\n";
  out += "description: >\n";
  std::string line = " ";
  for (const auto& word : words_of(description(s))) {
    if (line.size() + 1 + word.size() > kMaxLine - 10) {
      out += line + "\n";
      line = " ";
    }
    line += " " + word;
  }
  out += line + "\n";
  out += "seed: 1\n";
  write_line(out, {0, "time_scale: 0.1", "real seconds per scenario second: a script's sleep 10 takes 1 s", true},
             true);
  for (const Section& sec :
       {host_section(s), app_section(s), docker_section(s), proxy_section(s), traffic_section(s), run_section()}) {
    if (sec.lines.empty()) continue;
    const bool active = sec.any_active();
    out += (active ? "" : "# ") + sec.name + ":\n";
    for (const auto& l : sec.lines) write_line(out, l, active && l.active);
  }
  out +=
      "# expect:                              # add to make `bluegreen verify` pass only when zero downtime holds\n"
      "#   verdict: held\n";
  return out;
}

}  // namespace bg::survey
