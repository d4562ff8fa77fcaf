#include "fakes/codedeploy/bash_env.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

// A single-quoted bash word for any text (a quote inside becomes '\'').
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// One `case` branch: `prefix` itself or anything below it maps to the same place under `real`.
std::string case_branch(const std::string& prefix, const std::string& real) {
  if (prefix == "/")  // everything is below "/": keep the rest of the path, leading slash included
    return fmt::format("    /*) printf '%s\\n' {}\"${{1#/}}\" ;;\n", quote(real + "/"));
  const std::string q = quote(prefix);
  return fmt::format("    {0}|{0}/*) printf '%s\\n' {1}\"${{1#{0}}}\" ;;\n", q, quote(real));
}

}  // namespace

std::string bash_env_text(const core::PathMap& paths) {
  // Longest prefix first, so /etc/nginx/conf.d wins over /etc/nginx, as in core::PathMap.
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& [virt, real] : paths.entries()) {
    std::string r = real.lexically_normal().string();
    while (r.size() > 1 && r.back() == '/') r.pop_back();
    entries.emplace_back(virt, r);
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::string text =
      "# Written by bluegreen (BASH_ENV): maps the deployment's absolute paths to this run's folders so\n"
      "# scripts run unmodified. Only bash reads this file; /bin/sh scripts do not.\n"
      "__bluegreen_map_path() {\n"
      "  case \"$1\" in\n";
  for (const auto& [virt, real] : entries) text += case_branch(virt, real);
  text +=
      "    *) printf '%s\\n' \"$1\" ;;\n"
      "  esac\n"
      "}\n"
      "cd() {\n"
      "  local __bg_args=() __bg_a\n"
      "  for __bg_a in \"$@\"; do __bg_args+=(\"$(__bluegreen_map_path \"$__bg_a\")\"); done\n"
      "  builtin cd \"${__bg_args[@]}\"\n"
      "}\n"
      "pushd() {\n"
      "  local __bg_args=() __bg_a\n"
      "  for __bg_a in \"$@\"; do __bg_args+=(\"$(__bluegreen_map_path \"$__bg_a\")\"); done\n"
      "  builtin pushd \"${__bg_args[@]}\"\n"
      "}\n";
  return text;
}

void write_bash_env(const std::filesystem::path& path, const core::PathMap& paths) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bash_env_text(paths);
  out.close();
  if (!out) throw std::runtime_error(fmt::format("cannot write the BASH_ENV file {}", path.string()));
}

}  // namespace bg::fakes
