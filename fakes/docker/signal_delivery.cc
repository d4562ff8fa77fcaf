#include "fakes/docker/signal_delivery.h"

#include <set>
#include <sstream>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

std::string basename(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Entrypoint scripts that end in `exec "$@"`: the command that follows them becomes PID 1.
bool execs_its_arguments(const std::string& program) {
  return program == "docker-entrypoint.sh" || program == "tini" || program == "dumb-init";
}

}  // namespace

SignalDelivery signal_delivery(const std::vector<std::string>& argv_in, bool init) {
  if (init) return {true, "tini", "init: true: tini forwards SIGTERM to the command"};
  std::vector<std::string> argv = argv_in;
  while (!argv.empty() && execs_its_arguments(basename(argv.front()))) argv.erase(argv.begin());
  if (argv.empty()) return {true, "node", "the app is PID 1"};
  std::string program = basename(argv.front());
  static const std::set<std::string> shells = {"sh", "bash", "ash", "dash"};
  if (shells.count(program) && argv.size() >= 3 && argv[1] == "-c") {
    std::vector<std::string> script = words(argv[2]);
    if (!script.empty() && script.front() == "exec") {
      script.erase(script.begin());
      return signal_delivery(script, false);
    }
    return {false, argv.front(), fmt::format("{} -c is PID 1 and does not forward SIGTERM", argv.front())};
  }
  static const std::set<std::string> package_managers = {"npm", "yarn", "pnpm", "npx"};
  if (package_managers.count(program))
    return {false, program, fmt::format("{} is PID 1 and does not forward SIGTERM to node", program)};
  return {true, program, fmt::format("{} is PID 1 and receives SIGTERM", program)};
}

}  // namespace bg::fakes
