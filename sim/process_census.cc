#include "sim/process_census.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace bg::sim {
namespace fs = std::filesystem;

namespace {

// Inodes of sockets in LISTEN state (st == 0A) from /proc/net/tcp and tcp6.
std::set<std::string> listening_inodes() {
  std::set<std::string> out;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string sl, local, remote, st, queues, tr, retr, uid, timeout, inode;
      fields >> sl >> local >> remote >> st >> queues >> tr >> retr >> uid >> timeout >> inode;
      if (st == "0A") out.insert(inode);
    }
  }
  return out;
}

}  // namespace

ProcessCensus ProcessCensus::take() {
  ProcessCensus c;
  const auto listening = listening_inodes();
  for (const auto& fd : fs::directory_iterator("/proc/self/fd")) {
    ++c.fds;
    std::error_code ec;
    auto target = fs::read_symlink(fd.path(), ec).string();
    if (target.rfind("socket:[", 0) == 0 && listening.count(target.substr(8, target.size() - 9))) ++c.listening;
  }
  for ([[maybe_unused]] const auto& t : fs::directory_iterator("/proc/self/task")) ++c.threads;
  const std::string me = std::to_string(::getpid());
  for (const auto& p : fs::directory_iterator("/proc")) {
    const std::string name = p.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(p.path() / "stat");
    std::string content;
    std::getline(stat, content);
    // pid (comm) state ppid ...: comm may contain spaces, so read after the last ')'.
    auto close = content.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(content.substr(close + 1));
    std::string state, ppid;
    rest >> state >> ppid;
    if (ppid == me) {
      ++c.children;
      c.children_detail += content.substr(0, close + 1) + " " + state + "; ";
    }
  }
  return c;
}

}  // namespace bg::sim
