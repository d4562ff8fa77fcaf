// bluegreen-host: the init of a run's sandboxed host. `bluegreen-host PLAN.json` with descriptor 3
// open for writing: it enters new user (when the plan says), mount, PID, UTS, IPC and network
// namespaces, forks the host's PID 1, which carries out the MountPlan, pivots into the new root and
// then only reaps orphans until it is killed. Every process of the host (deploy scripts and all they
// start, setsid'd daemons included) is in its PID namespace, so the kernel kills them all when this
// init ends; the harness ends it, and PR_SET_PDEATHSIG ends it when the harness dies first.
//
// Protocol on descriptor 3: "pid <init pid as the harness sees it>\n" from this process and
// "ready\n" or "error <what failed>\n" from the init, in either order (two processes write), then
// end of file once both have closed it.
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/sanitizer_logs.h"
#include "fakes/host/mount_plan.h"

namespace {

namespace fs = std::filesystem;
using bg::fakes::MountPlan;
using bg::fakes::MountStep;

constexpr int kReportFd = 3;

void report(const std::string& line) {
  const std::string text = line + "\n";
  ssize_t ignored = ::write(kReportFd, text.data(), text.size());
  (void)ignored;
}

[[noreturn]] void fail(const std::string& what) {
  report("error " + what + ": " + std::strerror(errno));
  ::_exit(1);
}

void write_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) fail("write " + path);
  ::close(fd);
}

// Root inside a user namespace of our own: the only mapping an unprivileged process may write.
void map_to_root(uid_t uid, gid_t gid) {
  write_file("/proc/self/setgroups", "deny");
  write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
  write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
}

void make_dirs(const fs::path& p) {
  std::error_code ec;
  fs::create_directories(p, ec);
  if (ec && !fs::is_directory(p)) {
    errno = ec.value();
    fail("mkdir " + p.string());
  }
}

void mount_or_fail(const char* source, const fs::path& target, const char* type, unsigned long flags,
                   const std::string& data, const std::string& what) {
  if (::mount(source, target.c_str(), type, flags, data.empty() ? nullptr : data.c_str()) != 0) fail(what);
}

// The flags a bind mount took from its source's mount that a remount must keep: in a user namespace
// the kernel locks nosuid, nodev, noexec and the atime flags of mounts from a more privileged one,
// and a remount that drops one fails with EPERM (bubblewrap keeps them the same way).
unsigned long kept_flags(const fs::path& target) {
  struct statvfs st {};
  if (::statvfs(target.c_str(), &st) != 0) return 0;
  unsigned long flags = 0;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

void run_step(const fs::path& root, const MountStep& s) {
  const fs::path target = root / fs::path(s.target).relative_path();
  switch (s.kind) {
    case MountStep::Kind::mkdir:
      make_dirs(target);
      return;
    case MountStep::Kind::symlink:
      make_dirs(target.parent_path());
      if (::symlink(s.source.c_str(), target.c_str()) != 0 && errno != EEXIST) fail("symlink " + s.target);
      return;
    case MountStep::Kind::file: {
      make_dirs(target.parent_path());
      int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0) fail("create " + s.target);
      ::close(fd);
      return;
    }
    case MountStep::Kind::tmpfs:
      make_dirs(target);
      mount_or_fail("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, s.options, "mount tmpfs on " + s.target);
      return;
    case MountStep::Kind::overlay: {
      make_dirs(target);
      make_dirs(s.upper);
      make_dirs(s.work);
      std::string data = "lowerdir=" + s.source + ",upperdir=" + s.upper + ",workdir=" + s.work;
      if (!s.options.empty()) data += "," + s.options;
      mount_or_fail("overlay", target, "overlay", 0, data, "mount overlay on " + s.target);
      return;
    }
    case MountStep::Kind::bind: {
      if (fs::is_directory(s.source)) make_dirs(target);
      mount_or_fail(s.source.c_str(), target, nullptr, MS_BIND | MS_REC, "", "bind " + s.source + " on " + s.target);
      if (s.read_only)
        mount_or_fail(nullptr, target, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | kept_flags(target), "",
                      "remount read-only " + s.target);
      return;
    }
    case MountStep::Kind::proc:
      make_dirs(target);
      mount_or_fail("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "", "mount proc on " + s.target);
      return;
    case MountStep::Kind::devpts:
      make_dirs(target);
      mount_or_fail("devpts", target, "devpts", MS_NOSUID | MS_NOEXEC, s.options, "mount devpts on " + s.target);
      return;
  }
}

// Loopback up, nothing else: the host's only ways out are the shims.
void loopback_up() {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) fail("SIOCGIFFLAGS lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (::ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) fail("SIOCSIFFLAGS lo");
  ::close(fd);
}

void enter_root(const fs::path& root) {
  const fs::path old = root / ".oldroot";
  make_dirs(old);
  if (::syscall(SYS_pivot_root, root.c_str(), old.c_str()) != 0) fail("pivot_root");
  if (::chdir("/") != 0) fail("chdir /");
  if (::umount2("/.oldroot", MNT_DETACH) != 0) fail("umount the old root");
  ::rmdir("/.oldroot");
}

[[noreturn]] void be_init(const MountPlan& plan) {
  // Dies with the process that made the namespaces (which dies with the harness).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail("make mounts private");
  const fs::path root = plan.root;
  for (const auto& step : plan.steps) run_step(root, step);
  if (!plan.hostname.empty() && ::sethostname(plan.hostname.data(), plan.hostname.size()) != 0) fail("sethostname");
  if (plan.own_network) loopback_up();
  enter_root(root);
  report("ready");
  ::close(kReportFd);
  // PID 1: reap every orphan the host's processes leave, until killed.
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, nullptr);
  for (;;) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    siginfo_t info;
    ::sigwaitinfo(&chld, &info);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: bluegreen-host PLAN.json [PARENT] (descriptor 3 open for the report)\n");
    return 2;
  }
  // PARENT: the harness's pid. The host dies with the harness's thread that started it, and the
  // init with the host (below); a harness already gone before this point is noticed here.
  if (argc == 3) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != static_cast<pid_t>(std::atol(argv[2]))) return 1;
  }
  MountPlan plan;
  try {
    std::ifstream in(argv[1]);
    std::stringstream text;
    text << in.rdbuf();
    plan = nlohmann::json::parse(text.str()).get<MountPlan>();
  } catch (const std::exception& e) {
    report(std::string("error reading the plan ") + argv[1] + ": " + e.what());
    return 1;
  }
  // After the unshare below this process forks only the init; once the init is gone it can fork
  // nothing, not even LeakSanitizer's tracer at exit, so a sanitized build checks it here.
  bg::core::leak_check_now();
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (plan.user_namespace) {
    if (::unshare(CLONE_NEWUSER) != 0) fail("unshare(CLONE_NEWUSER)");
    map_to_root(uid, gid);
  }
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
  if (plan.own_network) flags |= CLONE_NEWNET;
  if (::unshare(flags) != 0) fail("unshare(mount, PID, UTS, IPC, network namespaces)");
  const pid_t init = ::fork();
  if (init < 0) fail("fork");
  if (init == 0) be_init(plan);
  report("pid " + std::to_string(init));
  ::close(kReportFd);
  // Stay as the init's parent, so its PR_SET_PDEATHSIG follows ours; end as it ends.
  for (int s : {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGTSTP}) ::signal(s, SIG_IGN);
  int status = 0;
  while (::waitpid(init, &status, 0) < 0 && errno == EINTR) {
  }
  // _exit: nothing is left to flush, and the exit handlers (LeakSanitizer's) would need a fork.
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}
