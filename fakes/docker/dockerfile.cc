#include "fakes/docker/dockerfile.h"

#include "fakes/docker/dockerfile_rules.h"

#include <algorithm>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace bg::fakes {
namespace {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// JSON form (["node", "server.js"]) or shell form (wrapped in /bin/sh -c, as Docker does).
std::vector<std::string> exec_form(const std::string& args) {
  if (!args.empty() && args.front() == '[') {
    try {
      return nlohmann::json::parse(args).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception&) {
      // Docker falls back to the shell form when the JSON does not parse.
    }
  }
  return {"/bin/sh", "-c", args};
}

// ENV KEY value (legacy form) or ENV KEY=value KEY2="value 2"; each key remembers its line.
void apply_env(const DockerfileInstruction& ins, Dockerfile& df) {
  const std::string& args = ins.args;
  auto eq = args.find('=');
  auto space = args.find_first_of(" \t");
  if (eq == std::string::npos || (space != std::string::npos && space < eq)) {
    const std::string key = args.substr(0, space);
    df.env[key] = space == std::string::npos ? "" : trim(args.substr(space));
    df.env_lines[key] = ins.line;
    return;
  }
  for (const auto& word : instruction_words(args)) {
    auto e = word.find('=');
    if (e == std::string::npos) continue;
    df.env[word.substr(0, e)] = word.substr(e + 1);
    df.env_lines[word.substr(0, e)] = ins.line;
  }
}

// Logical lines: comments and blank lines dropped, backslash continuations joined.
std::vector<std::pair<int, std::string>> logical_lines(std::string_view text) {
  std::vector<std::pair<int, std::string>> out;
  std::istringstream in{std::string(text)};
  std::string pending;
  int start = 0, number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    if (pending.empty()) start = number;
    bool continued = t.back() == '\\';
    if (continued) t.pop_back();
    pending += (pending.empty() ? "" : " ") + trim(t);
    if (!continued) {
      out.emplace_back(start, pending);
      pending.clear();
    }
  }
  if (!pending.empty()) out.emplace_back(start, pending);
  return out;
}

}  // namespace

std::string Dockerfile::display_command(const std::vector<std::string>& cmd_override) const {
  std::vector<std::string> words = entrypoint;
  const auto& c = cmd_override.empty() ? cmd : cmd_override;
  words.insert(words.end(), c.begin(), c.end());
  return fmt::format("{}", fmt::join(words, " "));
}

Dockerfile parse_dockerfile(std::string_view text) {
  static const std::set<std::string> known = {"FROM",    "RUN", "CMD",     "LABEL",      "MAINTAINER",  "EXPOSE",
                                              "ENV",     "ADD", "COPY",    "ENTRYPOINT", "VOLUME",      "USER",
                                              "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"};
  Dockerfile df;
  bool in_stage = false;
  for (auto& [line, content] : logical_lines(text)) {
    auto space = content.find_first_of(" \t");
    DockerfileInstruction ins;
    ins.keyword = upper(content.substr(0, space));
    ins.args = space == std::string::npos ? "" : trim(content.substr(space));
    ins.original = content;
    ins.line = line;
    if (!known.count(ins.keyword))
      throw DockerfileError(line,
                            fmt::format("dockerfile parse error line {}: unknown instruction: {}", line, ins.keyword));
    check_instruction(ins, in_stage);
    if (ins.keyword == "FROM") {
      in_stage = true;
      std::istringstream words(ins.args);
      words >> df.base_image;
      df.env.clear();
      df.env_lines.clear();
      df.cmd.clear();
      // The official node images' ENTRYPOINT (simplification: only node is known).
      df.entrypoint = df.base_image.rfind("node", 0) == 0 ? std::vector<std::string>{"docker-entrypoint.sh"}
                                                          : std::vector<std::string>{};
    } else if (ins.keyword == "ENV") {
      apply_env(ins, df);
    } else if (ins.keyword == "CMD") {
      df.cmd = exec_form(ins.args);
    } else if (ins.keyword == "ENTRYPOINT") {
      df.entrypoint = exec_form(ins.args);
    }
    df.instructions.push_back(std::move(ins));
  }
  if (df.instructions.empty()) throw DockerfileError(0, "the Dockerfile (Dockerfile) cannot be empty");
  return df;
}

void check_app_port(const Dockerfile& df) {
  auto it = df.env.find("PORT");
  if (it == df.env.end()) return;
  // JavaScript's parseInt: blanks, a sign, then digits; no digits is NaN, and NaN or 0 falls back to
  // 3000 through `|| 3000`. Values past 65535 are capped here only to keep the number finite.
  const std::string& v = it->second;
  size_t i = v.find_first_not_of(" \t");
  bool negative = false;
  if (i != std::string::npos && (v[i] == '-' || v[i] == '+')) negative = v[i++] == '-';
  long long port = 0;
  bool digits = false;
  for (; i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])); ++i, digits = true)
    port = std::min(port * 10 + (v[i] - '0'), 1'000'000'000LL);
  if (!digits || port == 0 || (!negative && port <= 65535)) return;
  // Node's message (lib/internal/errors.js ERR_SOCKET_BAD_PORT; Node 16 prints the value so).
  throw DockerfileError(df.env_lines.count("PORT") ? df.env_lines.at("PORT") : 0,
                        fmt::format("ENV PORT {}: the app cannot listen on it: Next.js's standalone server.js passes "
                                    "parseInt(PORT) to Node, which refuses it: RangeError [ERR_SOCKET_BAD_PORT]: "
                                    "options.port should be >= 0 and < 65536. Received {}{}.",
                                    v, negative ? "-" : "", port));
}

}  // namespace bg::fakes
