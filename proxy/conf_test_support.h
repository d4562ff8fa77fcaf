#pragma once
// Test helpers for nginx.conf loading: a temporary folder standing for a host's root (a PathMap
// with add("/", dir)), files and symlinks written into it, our parse's outcome as one line, and
// the real nginx binary's `nginx -t` outcome on the same files for comparison.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/not_modelled.h"
#include "core/path_map.h"
#include "proxy/nginx_config_loader.h"

namespace bg::proxy::test_support {

class HostDir {
 public:
  explicit HostDir(const std::string& tag) {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name)
      if (c == '/') c = '_';
    root_ = std::filesystem::temp_directory_path() / ("bg_host_" + tag + "_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "etc/nginx");
    paths_.add("/", root_);
  }
  ~HostDir() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  HostDir(const HostDir&) = delete;
  HostDir& operator=(const HostDir&) = delete;

  // Writes `text` at host path `path` (absolute, or relative to /etc/nginx).
  void write(const std::string& path, const std::string& text) const {
    auto real = real_path(path);
    std::filesystem::create_directories(real.parent_path());
    std::ofstream(real, std::ios::binary | std::ios::trunc) << text;
  }
  void symlink(const std::string& target, const std::string& link) const {
    auto real = real_path(link);
    std::filesystem::create_directories(real.parent_path());
    std::filesystem::create_symlink(target, real);
  }
  std::filesystem::path real_path(const std::string& path) const {
    return path[0] == '/' ? root_ / path.substr(1) : root_ / "etc/nginx" / path;
  }
  const std::filesystem::path& root() const { return root_; }
  const core::PathMap& paths() const { return paths_; }

  // "ok", "not modelled: <what>" or the NginxConfigError's message, for /etc/nginx/nginx.conf.
  std::string outcome(const HostResolver& resolve = {}) const {
    try {
      parse_nginx_config("/etc/nginx/nginx.conf", paths_, resolve);
      return "ok";
    } catch (const NginxConfigError& e) {
      return e.what();
    } catch (const core::NotModelled& e) {
      return "not modelled: " + e.subject();
    }
  }
  NginxConfig parse(const HostResolver& resolve = {}) const {
    return parse_nginx_config("/etc/nginx/nginx.conf", paths_, resolve);
  }

 private:
  std::filesystem::path root_;
  core::PathMap paths_;
};

}  // namespace bg::proxy::test_support
