#include "fakes/docker/compose_flags.h"

#include <map>
#include <set>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

using Flags = std::vector<FlagSpec>;
using Table = std::map<std::string, Flags>;

// docker/compose v2.5.0 cmd/compose (hidden and deprecated flags included: scripts still pass them).
const Table& v25() {
  static const Table t = {
      {"up",
       {{'d', "detach", false},
        {0, "force-recreate", false},
        {0, "no-recreate", false},
        {0, "wait", false},
        {0, "remove-orphans", false},
        {0, "build", false},
        {0, "no-build", false},
        {0, "no-start", false},
        {'t', "timeout", true},
        {0, "quiet-pull", false},
        {0, "no-deps", false},
        {0, "always-recreate-deps", false},
        {'V', "renew-anon-volumes", false},
        {0, "no-color", false},
        {0, "no-log-prefix", false},
        {0, "abort-on-container-exit", false},
        {0, "attach-dependencies", false},
        {0, "attach", true},
        {0, "exit-code-from", true},
        {0, "scale", true}}},
      {"down", {{'t', "timeout", true}, {0, "remove-orphans", false}, {'v', "volumes", false}, {0, "rmi", true}}},
      {"stop", {{'t', "timeout", true}}},
      {"start", {}},
      {"restart", {{'t', "timeout", true}}},
      {"rm", {{'f', "force", false}, {'s', "stop", false}, {'v', "volumes", false}, {'a', "all", false}}},
      {"pull",
       {{'q', "quiet", false},
        {0, "include-deps", false},
        {0, "ignore-pull-failures", false},
        {0, "parallel", false},
        {0, "no-parallel", false}}},
      {"ps",
       {{'a', "all", false},
        {'q', "quiet", false},
        {0, "services", false},
        {0, "status", true},
        {0, "filter", true},
        {0, "format", true}}},
      {"logs",
       {{'f', "follow", false},
        {0, "no-color", false},
        {0, "no-log-prefix", false},
        {0, "since", true},
        {0, "tail", true},
        {'t', "timestamps", false},
        {0, "until", true}}},
      {"build",
       {{0, "build-arg", true},
        {0, "no-cache", false},
        {0, "progress", true},
        {0, "pull", false},
        {'q', "quiet", false},
        {0, "ssh", true},
        {'m', "memory", true},
        {0, "compress", false},
        {0, "force-rm", false},
        {0, "no-rm", false},
        {0, "parallel", false}}},
      {"version", {{'f', "format", true}, {0, "short", false}}},
      {"exec",
       {{'d', "detach", false},
        {'e', "env", true},
        {0, "index", true},
        {'T', "no-TTY", false},
        {0, "privileged", false},
        {'u', "user", true},
        {'w', "workdir", true}}},
      {"config",
       {{0, "format", true},
        {0, "hash", true},
        {0, "images", false},
        {0, "no-interpolate", false},
        {0, "no-normalize", false},
        {'o', "output", true},
        {0, "profiles", false},
        {'q', "quiet", false},
        {0, "resolve-image-digests", false},
        {0, "services", false},
        {0, "volumes", false}}},
  };
  return t;
}

// v2.20.2: what v2.5.0 has, and the flags added since (docs/reference/compose_*.md at v2.20.2).
const Table& v220() {
  static const Table t = [] {
    Table t = v25();
    for (auto& [command, flags] : t) flags.push_back({0, "dry-run", false});
    auto add = [&](const char* c, std::vector<FlagSpec> more) { t[c].insert(t[c].end(), more.begin(), more.end()); };
    add("up", {{0, "pull", true}, {0, "wait-timeout", true}, {0, "no-attach", true}, {0, "timestamps", false}});
    add("restart", {{0, "no-deps", false}});
    add("pull", {{0, "ignore-buildable", false}});
    add("build", {{0, "builder", true}, {0, "push", false}});
    add("config", {{0, "no-consistency", false}, {0, "no-path-resolution", false}});
    for (auto& f : t["logs"])
      if (f.long_name == "tail") f.short_name = 'n';
    return t;
  }();
  return t;
}

// docker-compose 1.29.2 compose/cli/main.py docstrings.
const Table& v1() {
  static const Table t = {
      {"up",
       {{'d', "detach", false},
        {0, "no-color", false},
        {0, "quiet-pull", false},
        {0, "no-deps", false},
        {0, "force-recreate", false},
        {0, "always-recreate-deps", false},
        {0, "no-recreate", false},
        {0, "no-build", false},
        {0, "no-start", false},
        {0, "build", false},
        {0, "abort-on-container-exit", false},
        {0, "attach-dependencies", false},
        {'t', "timeout", true},
        {'V', "renew-anon-volumes", false},
        {0, "remove-orphans", false},
        {0, "exit-code-from", true},
        {0, "scale", true},
        {0, "no-log-prefix", false}}},
      {"down", {{0, "rmi", true}, {'v', "volumes", false}, {0, "remove-orphans", false}, {'t', "timeout", true}}},
      {"stop", {{'t', "timeout", true}}},
      {"start", {}},
      {"restart", {{'t', "timeout", true}}},
      {"rm", {{'f', "force", false}, {'s', "stop", false}, {'v', "volumes", false}, {'a', "all", false}}},
      {"pull",
       {{0, "ignore-pull-failures", false},
        {0, "parallel", false},
        {0, "no-parallel", false},
        {'q', "quiet", false},
        {0, "include-deps", false}}},
      {"ps", {{'q', "quiet", false}, {0, "services", false}, {0, "filter", true}, {'a', "all", false}}},
      {"logs",
       {{0, "no-color", false},
        {'f', "follow", false},
        {'t', "timestamps", false},
        {0, "tail", true},
        {0, "no-log-prefix", false}}},
      {"build",
       {{0, "build-arg", true},
        {0, "compress", false},
        {0, "force-rm", false},
        {'m', "memory", true},
        {0, "no-cache", false},
        {0, "no-rm", false},
        {0, "parallel", false},
        {0, "progress", true},
        {0, "pull", false},
        {'q', "quiet", false}}},
      {"version", {{0, "short", false}}},
      {"exec",
       {{'d', "detach", false},
        {0, "privileged", false},
        {'u', "user", true},
        {'T', "no-TTY", false},
        {0, "index", true},
        {'e', "env", true},
        {'w', "workdir", true}}},
      {"config",
       {{0, "resolve-image-digests", false},
        {0, "no-interpolate", false},
        {'q', "quiet", false},
        {0, "services", false},
        {0, "volumes", false},
        {0, "profiles", false},
        {0, "hash", true}}},
  };
  return t;
}

// What the fakes do not act on, per command ("" for the global flags), and why it matters:
// - up --scale / deploy several containers; --always-recreate-deps recreates what `up` would keep;
//   --pull (other than missing) pulls what is there; attached modes (--abort-on-container-exit,
//   --attach, --exit-code-from) stream logs, which a deploy script would wait on;
// - down --rmi removes the images the next `up` needs; config --hash/--images/--no-interpolate/
//   --resolve-image-digests/--output print what the fakes do not compute; build --ssh/--push;
// - exec --detach leaves the command running after compose returns;
// - globals: --context/--host talk to another daemon, --compatibility renames containers,
//   --dry-run does nothing.
const std::map<std::string, std::set<std::string>>& unmodelled() {
  static const std::map<std::string, std::set<std::string>> u = {
      {"",
       {"context", "host", "tlsverify", "tls", "tlscacert", "tlscert", "tlskey", "skip-hostname-check", "compatibility",
        "dry-run", "log-level"}},
      {"up",
       {"scale", "always-recreate-deps", "abort-on-container-exit", "attach", "attach-dependencies", "exit-code-from",
        "no-attach", "timestamps", "dry-run"}},
      {"down", {"rmi", "dry-run"}},
      {"config",
       {"hash", "images", "no-interpolate", "no-normalize", "resolve-image-digests", "output", "no-consistency",
        "no-path-resolution", "dry-run"}},
      {"build", {"ssh", "push", "builder", "dry-run"}},
      {"exec", {"detach", "dry-run"}},
      {"stop", {"dry-run"}},
      {"start", {"dry-run"}},
      {"restart", {"dry-run"}},
      {"rm", {"dry-run"}},
      {"pull", {"dry-run"}},
      {"ps", {"dry-run"}},
      {"version", {"dry-run"}},
  };
  return u;
}

}  // namespace

const std::vector<FlagSpec>& compose_global_flags(int major, int minor) {
  static const Flags v2 = {{'p', "project-name", true}, {'f', "file", true},   {0, "project-directory", true},
                           {0, "workdir", true},        {0, "env-file", true}, {0, "profile", true},
                           {0, "ansi", true},           {0, "no-ansi", false}, {0, "compatibility", false},
                           {'v', "version", false},     {0, "verbose", false}, {'h', "help", false}};
  static const Flags v2_20 = [] {
    Flags f = v2;
    f.push_back({0, "dry-run", false});
    f.push_back({0, "parallel", true});
    f.push_back({0, "progress", true});
    return f;
  }();
  static const Flags v1_flags = {{'f', "file", true},
                                 {'p', "project-name", true},
                                 {0, "profile", true},
                                 {'c', "context", true},
                                 {0, "verbose", false},
                                 {0, "log-level", true},
                                 {0, "ansi", true},
                                 {0, "no-ansi", false},
                                 {'v', "version", false},
                                 {'H', "host", true},
                                 {0, "tls", false},
                                 {0, "tlscacert", true},
                                 {0, "tlscert", true},
                                 {0, "tlskey", true},
                                 {0, "tlsverify", false},
                                 {0, "skip-hostname-check", false},
                                 {0, "project-directory", true},
                                 {0, "compatibility", false},
                                 {0, "env-file", true},
                                 {'h', "help", false}};
  if (major == 1) return v1_flags;
  return minor >= 17 ? v2_20 : v2;
}

const std::vector<FlagSpec>* compose_command_flags(int major, int minor, const std::string& command) {
  const Table& t = major == 1 ? v1() : minor >= 17 ? v220() : v25();
  std::string c = command == "convert" && major == 2 ? "config" : command;
  auto it = t.find(c);
  return it == t.end() ? nullptr : &it->second;
}

std::string unmodelled_compose_flag(const std::string& program, const std::string& command, const CliArgs& flags) {
  auto it = unmodelled().find(command);
  if (it == unmodelled().end()) return "";
  for (const auto& [name, values] : flags.values)
    if (it->second.count(name)) return fmt::format("{}{}{} --{}", program, command.empty() ? "" : " ", command, name);
  return "";
}

}  // namespace bg::fakes
