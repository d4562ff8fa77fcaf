#pragma once
// HostLayout: what the run's sandboxed host looks like — an EC2-like Linux host in folders of the
// run. The machine's own /usr, /etc and /var are seen through copy-on-write overlays (writes land in
// the run's folder, the machine is never changed); /home, /root, /opt, /srv, /var/www, /tmp and
// /etc/nginx are folders of the run, so the host starts as a fresh instance would (the machine's own
// files there are not visible); /proc, /dev and /run are the host's own; the shims stand where
// the real docker, nginx, curl, sudo, systemctl... are installed. `prepare()` lays the folders out
// and returns the MountPlan that bluegreen-host carries out.
#include <filesystem>
#include <string>
#include <vector>

#include "fakes/host/mount_plan.h"

namespace bg::fakes {

// Which instance the deploy files were written for (home folders, default user, /etc/os-release).
enum class HostOs { amazon_linux_2, ubuntu_22_04 };
HostOs parse_host_os(const std::string& name);  // throws std::invalid_argument naming the choices
const char* host_os_name(HostOs os);

struct HostLayoutOptions {
  std::filesystem::path run_dir;  // everything of the host lives below run_dir/host-*
  HostOs os = HostOs::amazon_linux_2;
  std::filesystem::path shim_binary;  // bluegreen-shim, bound at /run/bluegreen/bluegreen-shim
  // Programs the shims stand in for, each at the host paths where the real one is installed.
  struct Shim {
    std::string name;                // basename the shim sees as argv[0]: "docker"
    std::vector<std::string> paths;  // "/usr/bin/docker", ...
  };
  std::vector<Shim> shims;
  // Real programs the shims hand work back to (`timeout`), bound read-only at /run/bluegreen/real/<name>
  // because the shims take their usual paths.
  std::vector<std::string> real_programs;
  // The machine's root as the host's lower layers see it ("/"; tests may point elsewhere).
  std::filesystem::path machine_root = "/";
  bool user_namespace = false;  // not root: map our uid to root inside
  // The instance's default user when not the OS's own ("runner" on a GitHub-hosted runner).
  std::string user;
  // More folders of the run the host sees (host path -> real folder), e.g. the run's GitHub.
  std::vector<std::pair<std::string, std::filesystem::path>> extra_binds;
};

class HostLayout {
 public:
  explicit HostLayout(HostLayoutOptions options);

  // Creates the run's host folders (homes, /etc/nginx, the overlays' upper layers with the shims
  // and the host's users) and returns the plan. Throws std::filesystem::filesystem_error.
  MountPlan prepare() const;

  // Folders of the run the host sees as its own, by host path ("/etc/nginx" -> run_dir/host/etc/nginx).
  std::filesystem::path own_folder(const std::string& host_path) const;
  // The run-side socket the shims reach the harness through (/run/bluegreen/shim.sock inside).
  std::filesystem::path shim_socket() const;
  // Where the shims find the socket, inside the host.
  static constexpr const char* kShimSocketInside = "/run/bluegreen/shim.sock";
  static constexpr const char* kRealProgramsInside = "/run/bluegreen/real";
  // The host's default user and home ("ec2-user", "/home/ec2-user").
  std::string default_user() const;
  std::string default_home() const;
  // The host folders that are the run's own (not overlays of the machine's).
  static const std::vector<std::string>& own_folders();
  // Removes a run folder with a host in it, once the host has stopped: overlayfs leaves its work
  // folders without permissions (mode 000), which a non-root harness must give back first
  // (core::remove_tree does both).
  static void remove_run_folder(const std::filesystem::path& run_dir, std::error_code& ec);

 private:
  void write_users() const;
  void write_os_release() const;
  void place_shims() const;
  void let_root_write() const;

  HostLayoutOptions o_;
};

}  // namespace bg::fakes
