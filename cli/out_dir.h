#pragma once
// OutDir: the folder a command writes its reports into, made, checked and locked before anything
// runs. A file where the folder should be, a folder that cannot be made or written, or another
// bluegreen command using the same folder is found at once (exit 2), not after a run whose results
// would then be lost or mixed with another run's.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace bg::cli {

class OutDirError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class OutDir {
 public:
  // The lock file in the folder: an flock on it marks the folder in use; it holds the pid and the
  // command line of the holder so that a second run can say which run it waits for.
  static constexpr const char* kLockName = ".bluegreen.lock";

  // Makes `dir` if needed and locks it for this process. `option` names where the folder came from
  // ("--out"), `command` is this command line. Throws OutDirError saying what is wrong.
  static OutDir claim(const std::filesystem::path& dir, const std::string& option, const std::string& command);

  OutDir(OutDir&& other) noexcept;
  OutDir& operator=(OutDir&&) = delete;
  ~OutDir();  // the lock goes with the descriptor (also when the process is killed)

  const std::filesystem::path& path() const { return dir_; }

 private:
  OutDir(std::filesystem::path dir, int fd) : dir_(std::move(dir)), fd_(fd) {}

  std::filesystem::path dir_;
  int fd_ = -1;
};

// This process's command line, each word shell-quoted: what the lock file says of its holder.
std::string command_line(int argc, char** argv);

}  // namespace bg::cli
