#include "fakes/pipeline/ssh_action.h"

#include <cctype>
#include <cmath>

namespace bg::fakes {

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Go's strings.TrimSpace, reporting how many lines the leading part held.
std::string trim_space(const std::string& s, int* leading_newlines = nullptr) {
  size_t a = 0, b = s.size();
  int newlines = 0;
  while (a < b && is_space(s[a])) newlines += s[a++] == '\n';
  while (b > a && is_space(s[b - 1])) --b;
  if (leading_newlines) *leading_newlines = newlines;
  return s.substr(a, b - a);
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    const size_t nl = s.find('\n', pos);
    out.push_back(s.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (nl == std::string::npos) return out;
    pos = nl + 1;
  }
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

constexpr const char* kStopCheck =
    "DRONE_SSH_PREV_COMMAND_EXIT_CODE=$? ; if [ $DRONE_SSH_PREV_COMMAND_EXIT_CODE -ne 0 ]; then exit "
    "$DRONE_SSH_PREV_COMMAND_EXIT_CODE; fi;";

}  // namespace

std::string shell_single_quote(const std::string& value) { return "'" + replace_all(value, "'", "'\\''") + "'"; }

std::vector<std::string> split_string_slice(const std::string& value) {
  std::vector<std::string> out;
  if (value.empty()) return out;
  size_t pos = 0;
  while (true) {
    const size_t comma = value.find(',', pos);
    out.push_back(trim_space(value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos)));
    if (comma == std::string::npos) return out;
    pos = comma + 1;
  }
}

SshCommand build_ssh_command(const std::string& script, bool script_stop, const std::vector<std::string>& envs,
                             bool allenvs, const std::string& envs_format,
                             const std::map<std::string, std::string>& action_env) {
  SshCommand out;
  auto add = [&](const std::string& text, int first_script_line) {
    // One command may span lines; each line keeps its script line.
    int line = first_script_line;
    for (const auto& l : split_lines(text)) {
      out.command += (out.command.empty() && out.script_lines.empty() ? "" : "\n") + l;
      out.script_lines.push_back(line ? line++ : 0);
    }
  };
  std::vector<std::string> names = envs;
  if (allenvs)  // findEnvs("DRONE_", "PLUGIN_", "INPUT_", "GITHUB_"), in the environment's order
    for (const auto& [name, value] : action_env)
      for (const char* prefix : {"DRONE_", "PLUGIN_", "INPUT_", "GITHUB_"})
        if (name.rfind(prefix, 0) == 0) {
          names.push_back(name);
          break;
        }
  const std::string format = envs_format.empty() ? "export {NAME}={VALUE}" : envs_format;
  for (const auto& raw : names) {
    const std::string key = upper(raw);
    auto it = action_env.find(key);
    if (key.empty() || it == action_env.end()) continue;
    // strings.NewReplacer("{NAME}", key, "{VALUE}", escapeArg(val)): one pass, left to right.
    std::string line;
    for (size_t i = 0; i < format.size();) {
      if (format.compare(i, 6, "{NAME}") == 0) {
        line += key;
        i += 6;
      } else if (format.compare(i, 7, "{VALUE}") == 0) {
        line += shell_single_quote(it->second);
        i += 7;
      } else {
        line += format[i++];
      }
    }
    add(line, 0);
  }
  if (!script_stop) {
    int skipped = 0;
    const std::string cmd = trim_space(script, &skipped);
    if (!cmd.empty()) add(cmd, 1 + skipped);
    return out;
  }
  const auto lines = split_lines(script);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string cmd = trim_space(lines[i]);
    if (cmd.empty()) continue;
    add(cmd, static_cast<int>(i) + 1);
    if (cmd.back() != '\\') add(kStopCheck, 0);
  }
  return out;
}

std::map<std::string, std::string> ssh_session_environment(const std::string& user, const std::string& home,
                                                           bool amazon_linux) {
  // A GitHub-hosted runner's address on the instance's side (documentation range: any runner).
  const std::string client = "198.51.100.7 52144 22";
  return {{"USER", user},
          {"LOGNAME", user},
          {"HOME", home},
          {"SHELL", "/bin/bash"},
          {"MAIL", "/var/mail/" + user},
          // Ubuntu: /etc/environment through pam_env; Amazon Linux 2: its sshd's compiled-in path.
          {"PATH",
           amazon_linux
               ? "/usr/local/bin:/usr/bin"
               : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin"},
          {"LANG", amazon_linux ? "en_US.UTF-8" : "C.UTF-8"},
          {"SSH_CLIENT", client},
          {"SSH_CONNECTION", "198.51.100.7 52144 172.31.7.10 22"}};
}

}  // namespace bg::fakes
