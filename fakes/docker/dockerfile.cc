#include "fakes/docker/dockerfile.h"

#include <algorithm>
#include <set>
#include <sstream>

#include <fmt/format.h>
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

// ENV KEY value (legacy form) or ENV KEY=value KEY2="value 2".
void apply_env(const std::string& args, std::map<std::string, std::string>& env) {
  auto eq = args.find('=');
  auto space = args.find_first_of(" \t");
  if (eq == std::string::npos || (space != std::string::npos && space < eq)) {
    env[args.substr(0, space)] = space == std::string::npos ? "" : trim(args.substr(space));
    return;
  }
  std::istringstream in(args);
  for (std::string word; in >> std::quoted(word);) {
    auto e = word.find('=');
    if (e != std::string::npos) env[word.substr(0, e)] = word.substr(e + 1);
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
  static const std::set<std::string> known = {"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD",
                                              "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
                                              "STOPSIGNAL", "HEALTHCHECK", "SHELL"};
  Dockerfile df;
  for (auto& [line, content] : logical_lines(text)) {
    auto space = content.find_first_of(" \t");
    DockerfileInstruction ins;
    ins.keyword = upper(content.substr(0, space));
    ins.args = space == std::string::npos ? "" : trim(content.substr(space));
    ins.original = content;
    ins.line = line;
    if (!known.count(ins.keyword))
      throw DockerfileError(fmt::format("dockerfile parse error line {}: unknown instruction: {}", line, ins.keyword));
    if (ins.keyword == "FROM") {
      std::istringstream words(ins.args);
      words >> df.base_image;
      df.env.clear();
      df.cmd.clear();
      // The official node images' ENTRYPOINT (simplification: only node is known).
      df.entrypoint = df.base_image.rfind("node", 0) == 0 ? std::vector<std::string>{"docker-entrypoint.sh"}
                                                          : std::vector<std::string>{};
    } else if (ins.keyword == "ENV") {
      apply_env(ins.args, df.env);
    } else if (ins.keyword == "CMD") {
      df.cmd = exec_form(ins.args);
    } else if (ins.keyword == "ENTRYPOINT") {
      df.entrypoint = exec_form(ins.args);
    }
    df.instructions.push_back(std::move(ins));
  }
  if (df.instructions.empty()) throw DockerfileError("the Dockerfile (Dockerfile) cannot be empty");
  return df;
}

}  // namespace bg::fakes
