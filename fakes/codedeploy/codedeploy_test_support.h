#pragma once
// Test helpers for the CodeDeploy fake: a temporary folder removed at the end of the test, and
// writing small files and executable scripts into it.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_support/wait.h"

namespace bg::fakes::test_support {

// The shared test support (waits with deadlines), reachable as fakes::test_support:: too.
using namespace bg::test_support;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bg-codedeploy-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& p, const std::string& text, bool executable = false) {
  std::filesystem::create_directories(p.parent_path());
  { std::ofstream(p, std::ios::binary | std::ios::trunc) << text; }
  if (executable) ::chmod(p.c_str(), 0755);
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace bg::fakes::test_support
