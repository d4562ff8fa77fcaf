#pragma once
// FuzzSandbox: a temporary folder of this fuzzer process, for parsers that read files by path
// (scenario.yaml in a folder, nginx.conf and its includes). Removed when the process exits normally;
// a crash leaves it under $TMPDIR as bg_fuzz_<name>_<pid>, named after the process that left it.
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include <unistd.h>

namespace bg::fuzz {

class FuzzSandbox {
 public:
  explicit FuzzSandbox(std::string_view name)
      : root_(std::filesystem::temp_directory_path() /
              ("bg_fuzz_" + std::string(name) + "_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(root_);
  }
  FuzzSandbox(const FuzzSandbox&) = delete;
  FuzzSandbox& operator=(const FuzzSandbox&) = delete;
  ~FuzzSandbox() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  const std::filesystem::path& root() const { return root_; }

  // Writes `bytes` to root/relative (creating its folders) and returns that path.
  std::filesystem::path write(const std::filesystem::path& relative, std::string_view bytes) const {
    const auto path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }

 private:
  std::filesystem::path root_;
};

// The input as text (every parser here takes text; NUL bytes stay in it).
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace bg::fuzz
