#include "sim/process_tree.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace bg::sim {
namespace fs = std::filesystem;

namespace {

struct Proc {
  pid_t ppid = 0, pgid = 0;
};

// pid -> (ppid, pgid) of every process, from /proc/<pid>/stat ("pid (comm) state ppid pgrp ...").
std::map<pid_t, Proc> process_table() {
  std::map<pid_t, Proc> out;
  std::error_code ec;
  for (const auto& p : fs::directory_iterator("/proc", ec)) {
    const std::string name = p.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(p.path() / "stat");
    std::string content;
    if (!std::getline(stat, content)) continue;
    const auto close = content.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) continue;
    std::istringstream rest(content.substr(close + 1));
    std::string state;
    Proc proc;
    if (rest >> state >> proc.ppid >> proc.pgid) out[static_cast<pid_t>(std::stol(name))] = proc;
  }
  return out;
}

}  // namespace

std::vector<pid_t> descendants(pid_t root) {
  const auto table = process_table();
  std::multimap<pid_t, pid_t> children;
  for (const auto& [pid, proc] : table) children.emplace(proc.ppid, pid);
  std::vector<pid_t> out;
  std::vector<pid_t> frontier{root};
  while (!frontier.empty()) {
    std::vector<pid_t> next;
    for (pid_t parent : frontier) {
      auto [from, to] = children.equal_range(parent);
      for (auto it = from; it != to; ++it) {
        out.push_back(it->second);
        next.push_back(it->second);
      }
    }
    frontier = std::move(next);
  }
  return out;
}

int kill_descendants() {
  const pid_t me = ::getpid();
  const pid_t my_group = ::getpgrp();
  int killed = 0;
  for (int round = 0; round < 5; ++round) {
    const auto found = descendants(me);
    if (found.empty()) break;
    std::set<pid_t> groups;
    for (pid_t pid : found) {
      const pid_t group = ::getpgid(pid);
      if (group > 0 && group != my_group) groups.insert(group);
    }
    for (pid_t group : groups) ::kill(-group, SIGKILL);
    for (pid_t pid : found) killed += ::kill(pid, SIGKILL) == 0;
    ::usleep(20000);  // let them die before looking again
  }
  return killed;
}

}  // namespace bg::sim
