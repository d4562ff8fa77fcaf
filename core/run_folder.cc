#include "core/run_folder.h"

#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/magic.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace bg::core {
namespace fs = std::filesystem;

namespace {

constexpr const char* kOwnerFile = "owner";

// Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. With the pid
// it names one process for good (a pid alone may be reused by an unrelated one).
std::string start_time_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string content;
  if (!std::getline(in, content)) return "";
  const auto close = content.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return "";
  std::istringstream rest(content.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i)
    if (i == 22) return field;
  return "";
}

struct Owner {
  pid_t pid = 0;
  std::string start_time;
};

std::optional<Owner> owner_of(const fs::path& folder) {
  std::ifstream in(folder / kOwnerFile);
  Owner o;
  if (!(in >> o.pid >> o.start_time) || o.pid <= 0) return std::nullopt;
  return o;
}

// The folders this process made and has not removed.
struct Made {
  std::mutex mutex;
  std::set<fs::path> folders;
};
Made& made() {
  static Made m;
  return m;
}

bool is_run_folder(const fs::directory_entry& entry) {
  std::error_code ec;
  if (!entry.is_directory(ec) || entry.is_symlink(ec)) return false;
  const std::string name = entry.path().filename().string();
  for (const char* prefix : kRunFolderPrefixes)
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

// Adds the owner's rights to every folder under `dir` it can reach (each is opened before the walk
// descends into it).
void open_folders(const fs::path& dir) {
  std::error_code walk;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, walk);
       !walk && it != fs::recursive_directory_iterator(); it.increment(walk))
    if (it->is_directory(walk) && !it->is_symlink(walk))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, walk);
}

template <class Pred>
int remove_folders_where(const fs::path& dir, Pred remove) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!is_run_folder(entry)) continue;
    const auto owner = owner_of(entry.path());
    if (!owner || !remove(*owner)) continue;
    if (remove_tree(entry.path())) ++removed;
  }
  return removed;
}

// /dev/shm as world_folder_parent() describes it: a tmpfs we may write and execute from (Docker's
// default /dev/shm is noexec, and the host's /opt, where scripts run from, is bound from the run
// folder), with room, whose folders take a user.* attribute (tried on a folder made for the
// purpose, under a name no sweep takes for a run's, and removed at once).
bool shm_serves_runs() {
  const fs::path shm = "/dev/shm";
  struct statfs st {};
  if (::statfs(shm.c_str(), &st) != 0 || st.f_type != TMPFS_MAGIC) return false;
  struct statvfs flags {};
  if (::statvfs(shm.c_str(), &flags) != 0 || (flags.f_flag & (ST_NOEXEC | ST_RDONLY))) return false;
  // A run folder holds under 1 MB with the fake app; with real Next.js each build it runs is about
  // 24 MB (copied: the build cache is on another file system). Docker's 64 MB /dev/shm is too small.
  constexpr unsigned long long kRoom = 1ULL << 30;
  if (static_cast<unsigned long long>(st.f_bavail) * st.f_bsize < kRoom) return false;
  std::string probe = (shm / "bg-shm-probe-XXXXXX").string();
  if (!::mkdtemp(probe.data())) return false;
  const bool xattrs = ::setxattr(probe.c_str(), "user.bluegreen", "1", 1, 0) == 0;
  ::rmdir(probe.c_str());
  return xattrs;
}

}  // namespace

const fs::path& world_folder_parent() {
  static const fs::path parent = shm_serves_runs() ? fs::path("/dev/shm") : fs::path("/tmp");
  return parent;
}

std::vector<fs::path> run_folder_parents() {
  std::vector<fs::path> out;
  std::error_code ec;
  // /dev/shm whether or not this process would use it: another's run may have, and its leftovers
  // are looked for there too.
  for (const fs::path& p : {world_folder_parent(), fs::path("/tmp"), fs::temp_directory_path(ec), fs::path("/dev/shm")})
    if (!p.empty() && fs::is_directory(p, ec) && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  return out;
}

std::vector<fs::path> run_folders() {
  std::vector<fs::path> out;
  for (const auto& parent : run_folder_parents()) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(parent, ec))
      if (is_run_folder(entry)) out.push_back(entry.path());
  }
  return out;
}

fs::path make_run_folder(const fs::path& dir, const std::string& prefix) {
  std::string templ = (dir / (prefix + "XXXXXX")).string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot create a run folder " + templ);
  const fs::path folder = templ;
  {
    std::lock_guard lock(made().mutex);
    made().folders.insert(folder);
  }
  std::ofstream out(folder / kOwnerFile);
  out << ::getpid() << ' ' << start_time_of(::getpid()) << '\n';
  if (!out) throw std::runtime_error("cannot write " + (folder / kOwnerFile).string());
  return folder;
}

bool owner_alive(const fs::path& folder) {
  const auto owner = owner_of(folder);
  return owner && start_time_of(owner->pid) == owner->start_time;
}

int remove_stale_run_folders(const fs::path& dir) {
  return remove_folders_where(dir, [](const Owner& o) { return start_time_of(o.pid) != o.start_time; });
}

bool remove_tree(const fs::path& folder) {
  std::error_code ec;
  fs::remove_all(folder, ec);
  // A sandboxed host's overlayfs work folders are left mode 000: open what can be reached and try
  // again, a level deeper each time (bounded: the work folders are two levels down).
  for (int pass = 0; ec && pass < 3; ++pass) {
    ec.clear();
    open_folders(folder);
    fs::remove_all(folder, ec);
  }
  return !ec && !fs::exists(folder, ec);
}

void remove_run_folder(const fs::path& folder) {
  remove_tree(folder);
  // Forgotten only once removed: a forced stop meanwhile still finds it.
  std::lock_guard lock(made().mutex);
  made().folders.erase(folder);
}

void keep_run_folder(const fs::path& folder) {
  std::error_code ignored;
  fs::remove(folder / kOwnerFile, ignored);
  std::lock_guard lock(made().mutex);
  made().folders.erase(folder);
}

std::vector<fs::path> own_run_folders() {
  std::lock_guard lock(made().mutex);
  return {made().folders.begin(), made().folders.end()};
}

}  // namespace bg::core
