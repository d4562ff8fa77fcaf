#include "fakes/host/host_layout.h"

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "core/run_folder.h"
#include "core/sanitizer_logs.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;

// Top-level folders of the machine seen through an overlay: the system the scripts run on (its
// programs, libraries and configuration), copy-on-write so that nothing a script does reaches it.
const std::set<std::string> kOverlaid = {"usr", "etc", "var", "bin", "sbin", "lib", "lib32", "lib64", "libx32"};
// Folders a fresh instance has but whose contents on this machine are nobody's business of the run.
// /usr/local is the instance's own too: whatever this machine installed there by hand (its own docker
// client, say) is not on the instance.
const std::vector<std::string> kOwn = {"/home", "/root",  "/opt",     "/srv",       "/tmp",
                                       "/mnt",  "/media", "/var/www", "/etc/nginx", "/usr/local"};
// Device nodes a script may use; everything else of the machine's /dev stays out of reach.
const char* const kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace

HostOs parse_host_os(const std::string& name) {
  if (name == "amazon-linux-2") return HostOs::amazon_linux_2;
  if (name == "ubuntu-22.04") return HostOs::ubuntu_22_04;
  throw std::invalid_argument(fmt::format("unknown host os \"{}\" (expected amazon-linux-2 or ubuntu-22.04)", name));
}

const char* host_os_name(HostOs os) { return os == HostOs::amazon_linux_2 ? "amazon-linux-2" : "ubuntu-22.04"; }

void HostLayout::remove_run_folder(const fs::path& run_dir, std::error_code& ec) {
  ec = core::remove_tree(run_dir) ? std::error_code{} : std::make_error_code(std::errc::permission_denied);
}

HostLayout::HostLayout(HostLayoutOptions options) : o_(std::move(options)) {}

const std::vector<std::string>& HostLayout::own_folders() { return kOwn; }

fs::path HostLayout::own_folder(const std::string& host_path) const {
  return o_.run_dir / "host" / fs::path(host_path).relative_path();
}

fs::path HostLayout::shim_socket() const { return o_.run_dir / "ctl" / "shim.sock"; }

std::string HostLayout::default_user() const {
  if (!o_.user.empty()) return o_.user;
  return o_.os == HostOs::amazon_linux_2 ? "ec2-user" : "ubuntu";
}

std::string HostLayout::default_home() const { return "/home/" + default_user(); }

MountPlan HostLayout::prepare() const {
  MountPlan plan;
  plan.root = (o_.run_dir / "root").string();
  plan.hostname = "ip-172-31-7-10";  // an EC2 instance's default host name
  plan.user_namespace = o_.user_namespace;
  plan.own_network = true;
  fs::create_directories(plan.root);
  auto step = [&](MountStep::Kind kind, std::string target, std::string source = "", std::string options = "") {
    MountStep s;
    s.kind = kind;
    s.target = std::move(target);
    s.source = std::move(source);
    s.options = std::move(options);
    plan.steps.push_back(std::move(s));
  };
  // The root itself: a small tmpfs holding the mount points and top-level links.
  step(MountStep::Kind::tmpfs, "/", "", "size=16m,mode=755");
  for (const auto& entry : fs::directory_iterator(o_.machine_root)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_symlink()) {
      step(MountStep::Kind::symlink, "/" + name, fs::read_symlink(entry.path()).string());
    } else if (entry.is_directory() && kOverlaid.count(name)) {
      const fs::path layer = o_.run_dir / "layer" / name;
      fs::create_directories(layer / "upper");
      fs::create_directories(layer / "work");
      MountStep s;
      s.kind = MountStep::Kind::overlay;
      s.target = "/" + name;
      s.source = entry.path().string();
      s.upper = (layer / "upper").string();
      s.work = (layer / "work").string();
      // Unprivileged overlays keep their whiteouts in user.* extended attributes.
      if (o_.user_namespace) s.options = "userxattr";
      plan.steps.push_back(s);
    }
  }
  for (const auto& folder : kOwn) {
    fs::create_directories(own_folder(folder));
    MountStep s;
    s.kind = MountStep::Kind::bind;
    s.target = folder;
    s.source = own_folder(folder).string();
    plan.steps.push_back(s);
  }
  fs::permissions(own_folder("/tmp"), fs::perms::all | fs::perms::sticky_bit);
  for (const char* d : {"bin", "sbin", "lib", "etc", "include", "share", "src"})
    fs::create_directories(own_folder("/usr/local") / d);
  fs::create_directories(own_folder(default_home()));
  fs::create_directories(own_folder("/opt/codedeploy-agent/deployment-root"));

  step(MountStep::Kind::proc, "/proc");
  step(MountStep::Kind::mkdir, "/sys");
  step(MountStep::Kind::tmpfs, "/dev", "", "size=1m,mode=755");
  for (const char* d : kDevices) {
    step(MountStep::Kind::file, std::string("/dev/") + d);
    MountStep s;
    s.kind = MountStep::Kind::bind;
    s.target = std::string("/dev/") + d;
    s.source = (o_.machine_root / "dev" / d).string();
    plan.steps.push_back(s);
  }
  step(MountStep::Kind::devpts, "/dev/pts", "", "newinstance,ptmxmode=0666,mode=620");
  step(MountStep::Kind::symlink, "/dev/ptmx", "pts/ptmx");
  step(MountStep::Kind::tmpfs, "/dev/shm", "", "size=64m,mode=1777");
  step(MountStep::Kind::symlink, "/dev/fd", "/proc/self/fd");
  step(MountStep::Kind::symlink, "/dev/stdin", "/proc/self/fd/0");
  step(MountStep::Kind::symlink, "/dev/stdout", "/proc/self/fd/1");
  step(MountStep::Kind::symlink, "/dev/stderr", "/proc/self/fd/2");
  step(MountStep::Kind::tmpfs, "/run", "", "size=16m,mode=755");

  // /run/bluegreen: the shims' socket and binary, and the real programs they hand work back to.
  // The binaries are bound read-only onto empty files, not copied: a copy was 11 MB written per run
  // (the shim alone is 7 MB), a tenth of a sim case's CPU.
  const fs::path ctl = o_.run_dir / "ctl";
  fs::create_directories(ctl / "real");
  std::vector<std::pair<std::string, fs::path>> binaries = {{"/run/bluegreen/bluegreen-shim", o_.shim_binary}};
  for (const auto& name : o_.real_programs)
    for (const char* dir : {"usr/bin", "usr/sbin", "bin"})
      if (fs::exists(o_.machine_root / dir / name)) {
        binaries.emplace_back(std::string(kRealProgramsInside) + "/" + name, o_.machine_root / dir / name);
        break;
      }
  MountStep run_bluegreen;
  run_bluegreen.kind = MountStep::Kind::bind;
  run_bluegreen.target = "/run/bluegreen";
  run_bluegreen.source = ctl.string();
  plan.steps.push_back(run_bluegreen);
  for (const auto& [inside, real] : binaries) {
    step(MountStep::Kind::file, inside);
    MountStep s;
    s.kind = MountStep::Kind::bind;
    s.target = inside;
    s.source = real.string();
    s.read_only = true;
    plan.steps.push_back(s);
  }
  for (const auto& [inside, real] : o_.extra_binds) {
    MountStep s;
    s.kind = MountStep::Kind::bind;
    s.target = inside;
    s.source = real.string();
    plan.steps.push_back(s);
  }
  // A sanitized build (tools/sanitize.sh): the folder its reports go to, at the same path, so a
  // shim's report lands there like any other process's instead of failing to open a path the host
  // lacks. Never in a normal build.
  if (const auto logs = core::sanitizer_log_dir()) {
    MountStep s;
    s.kind = MountStep::Kind::bind;
    s.target = logs->string();
    s.source = logs->string();
    plan.steps.push_back(s);
  }

  write_users();
  write_os_release();
  place_shims();
  if (o_.user_namespace) let_root_write();
  return plan;
}

// Without real root, the machine's root-owned folders appear inside as owned by nobody and cannot be
// written, even by the host's root. A folder that also exists in an overlay's upper layer takes the
// upper one's owner (us, which is root inside), so /etc's folders are mirrored there: scripts can then
// add files where an admin would (/etc/systemd/system/app.service). Existing files of the machine
// stay read-only (simplified: run as root for the full host, as CI does).
void HostLayout::let_root_write() const {
  const fs::path etc_upper = o_.run_dir / "layer/etc/upper";
  std::error_code ec;
  for (auto it =
           fs::recursive_directory_iterator(o_.machine_root / "etc", fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec))
      fs::create_directories(etc_upper / it->path().lexically_relative(o_.machine_root / "etc"), ec);
  }
}

// The instance's default user and its group, as a fresh AMI has them (uid 1000). Everything still
// runs as root: the run's host has one real user (simplified; `sudo -u` and appspec `runas` run as root).
void HostLayout::write_users() const {
  const fs::path upper = o_.run_dir / "layer/etc/upper";
  const std::string user = default_user();
  std::string passwd = read_text(o_.machine_root / "etc/passwd");
  std::string group = read_text(o_.machine_root / "etc/group");
  if (passwd.find("\n" + user + ":") == std::string::npos) {
    if (!passwd.empty() && passwd.back() != '\n') passwd += '\n';
    passwd += fmt::format("{0}:x:1000:1000::/home/{0}:/bin/bash\n", user);
  }
  if (group.find("\n" + user + ":") == std::string::npos) {
    if (!group.empty() && group.back() != '\n') group += '\n';
    group += fmt::format("{0}:x:1000:\ndocker:x:1001:{0}\n", user);
  }
  write_text(upper / "passwd", passwd);
  write_text(upper / "group", group);
}

void HostLayout::write_os_release() const {
  const fs::path path = o_.run_dir / "layer/etc/upper/os-release";
  if (o_.os == HostOs::amazon_linux_2)
    write_text(path,
               "NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=\"2\"\n"
               "PRETTY_NAME=\"Amazon Linux 2\"\n");
  else
    write_text(path,
               "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\n"
               "VERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nID=ubuntu\nID_LIKE=debian\n");
}

// Each shim is a symlink in the overlay's upper layer at the real program's path, so scripts that
// call /usr/local/bin/docker-compose by its full path reach it as well as those that use PATH.
void HostLayout::place_shims() const {
  auto own = [](const std::string& path) {
    for (const auto& folder : kOwn)
      if (path.rfind(folder + "/", 0) == 0) return true;
    return false;
  };
  for (const auto& shim : o_.shims)
    for (const auto& path : shim.paths) {
      const fs::path rel = fs::path(path).relative_path();
      const std::string top = rel.begin()->string();
      if (!own(path) && !kOverlaid.count(top))
        throw std::logic_error("a shim must live in a folder of the host: " + path);
      fs::path link = own(path) ? own_folder(path) : o_.run_dir / "layer" / top / "upper" / rel.lexically_relative(top);
      fs::create_directories(link.parent_path());
      std::error_code ignored;
      fs::remove(link, ignored);
      fs::create_symlink("/run/bluegreen/bluegreen-shim", link);
    }
}

}  // namespace bg::fakes
