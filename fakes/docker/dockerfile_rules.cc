#include "fakes/docker/dockerfile_rules.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <regex>

namespace bg::fakes {
namespace {

// The parse stage's errors carry the line, as the legacy builder prints them (the fake's wording
// throughout, see dockerfile.h); dispatch errors (EXPOSE's ports) are said as they are.
[[noreturn]] void parse_error(const DockerfileInstruction& ins, const std::string& what) {
  throw DockerfileError(ins.line, fmt::format("dockerfile parse error line {}: {}", ins.line, what));
}

// Words separated by blanks; quotes keep blanks inside a word and are removed (parseWords).
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '"' || c == '\'') {
      quote = c, in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word), word.clear(), in_word = false;
    } else {
      word += c, in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

// parseNameVal: `ENV KEY value` (the old form: the rest is the value) or `ENV A=1 B="2 3"`.
void check_name_values(const DockerfileInstruction& ins) {
  const auto words = split_words(ins.args);
  if (words.empty()) parse_error(ins, fmt::format("{} requires at least one argument", ins.keyword));
  if (words[0].find('=') == std::string::npos) {
    if (words.size() < 2) parse_error(ins, fmt::format("{} must have two arguments", ins.keyword));
    return;
  }
  for (const auto& w : words) {
    if (w.find('=') == std::string::npos)
      parse_error(ins, fmt::format("Syntax error - can't find = in \"{}\". Must be of the form: name=value", w));
    if (w.front() == '=') parse_error(ins, fmt::format("{} names can not be blank", ins.keyword));
  }
}

void check_from(const DockerfileInstruction& ins) {
  const auto words = instruction_words(ins.args);
  static const std::regex stage_name("[a-z][a-z0-9-_.]*");
  auto is_as = [](std::string w) {
    std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::toupper(c); });
    return w == "AS";
  };
  if (words.size() == 3 && is_as(words[1])) {
    std::string name = words[2];
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!std::regex_match(name, stage_name))
      parse_error(ins,
                  fmt::format("invalid name for build stage: \"{}\", name can't start with a number or contain symbols",
                              words[2]));
  } else if (words.size() != 1) {
    parse_error(ins, "FROM requires either one or three arguments");
  }
}

bool valid_port_range(const std::string& text) {
  auto port = [](std::string_view s) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty() && v <= 65535;
  };
  const auto dash = text.find('-');
  if (dash == std::string::npos) return port(text);
  return port(std::string_view(text).substr(0, dash)) && port(std::string_view(text).substr(dash + 1));
}

// nat.ParsePortSpec, at dispatch: "3000", "3000/udp", "8000-8010/tcp".
void check_expose(const DockerfileInstruction& ins) {
  const auto words = instruction_words(ins.args);
  if (words.empty()) parse_error(ins, "EXPOSE requires at least one argument");
  for (const auto& w : words) {
    const auto slash = w.find('/');
    const std::string port = w.substr(0, slash);
    std::string proto = slash == std::string::npos ? "tcp" : w.substr(slash + 1);
    std::transform(proto.begin(), proto.end(), proto.begin(), [](unsigned char c) { return std::tolower(c); });
    if (port.empty()) throw DockerfileError(ins.line, fmt::format("no port specified: {}<empty>", w));
    if (proto != "tcp" && proto != "udp" && proto != "sctp") throw DockerfileError(ins.line, "invalid proto: " + proto);
    if (!valid_port_range(port)) throw DockerfileError(ins.line, "invalid containerPort: " + port);
  }
}

}  // namespace

std::vector<std::string> instruction_words(const std::string& args) {
  std::vector<std::string> words;
  if (!args.empty() && args.front() == '[') {
    try {
      return nlohmann::json::parse(args).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception&) {
      // not a JSON array of strings: Docker reads it as words (parseMaybeJSONToList)
    }
  }
  for (auto& w : split_words(args))
    if (!(words.empty() && w.rfind("--", 0) == 0)) words.push_back(std::move(w));
  return words;
}

void check_instruction(const DockerfileInstruction& ins, bool in_stage) {
  const std::string& k = ins.keyword;
  if (!in_stage && k != "FROM" && k != "ARG") parse_error(ins, "no build stage in current context");
  const auto words = instruction_words(ins.args);
  if (k == "FROM")
    check_from(ins);
  else if (k == "ENV" || k == "LABEL")
    check_name_values(ins);
  else if (k == "EXPOSE")
    check_expose(ins);
  else if ((k == "COPY" || k == "ADD") && words.size() < 2)
    parse_error(ins, fmt::format("{} requires at least two arguments, but only one was provided. Destination could not "
                                 "be determined",
                                 k));
  else if ((k == "WORKDIR" || k == "USER" || k == "MAINTAINER" || k == "STOPSIGNAL") && ins.args.empty())
    parse_error(ins, fmt::format("{} requires exactly one argument", k));
  else if ((k == "ARG" || k == "VOLUME" || k == "ONBUILD" || k == "HEALTHCHECK") && words.empty())
    parse_error(ins, fmt::format("{} requires at least one argument", k));
  else if (k == "ARG" && std::any_of(words.begin(), words.end(), [](const auto& w) { return w.front() == '='; }))
    parse_error(ins, "ARG names can not be blank");
  else if (k == "HEALTHCHECK") {
    std::string type = words[0];
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
    if (type != "NONE" && type != "CMD")
      parse_error(ins, fmt::format("Unknown type \"{}\" in HEALTHCHECK (try CMD)", type));
  }
}

}  // namespace bg::fakes
