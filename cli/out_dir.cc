#include "cli/out_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "core/shell_quote.h"

namespace bg::cli {
namespace {

namespace fs = std::filesystem;

std::string holder_of(const fs::path& lock) {
  std::ifstream in(lock);
  std::string line;
  std::getline(in, line);
  return line.empty() ? "another bluegreen command" : line;
}

}  // namespace

OutDir OutDir::claim(const fs::path& dir, const std::string& option, const std::string& command) {
  const std::string where = fmt::format("{} {}", option, core::shell_quote(dir.string()));
  std::error_code ec;
  const auto status = fs::status(dir, ec);
  if (fs::exists(status) && !fs::is_directory(status))
    throw OutDirError(fmt::format("{}: is a file, not a folder (the reports are written into a folder)", where));
  fs::create_directories(dir, ec);
  if (ec) throw OutDirError(fmt::format("{}: cannot make the folder: {}", where, ec.message()));
  const fs::path lock = dir / kLockName;
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw OutDirError(fmt::format("{}: cannot write in the folder: {}", where, std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      throw OutDirError(
          fmt::format("{}: in use by another run ({}); give this one another --out", where, holder_of(lock)));
    throw OutDirError(fmt::format("{}: cannot lock the folder: {}", where, std::strerror(err)));
  }
  const std::string holder = fmt::format("pid {}: {}\n", ::getpid(), command);
  if (::ftruncate(fd, 0) != 0 || ::write(fd, holder.data(), holder.size()) != static_cast<ssize_t>(holder.size())) {
    ::close(fd);
    throw OutDirError(fmt::format("{}: cannot write in the folder: {}", where, std::strerror(errno)));
  }
  return OutDir(dir, fd);
}

OutDir::OutDir(OutDir&& other) noexcept : dir_(std::move(other.dir_)), fd_(std::exchange(other.fd_, -1)) {}

OutDir::~OutDir() {
  if (fd_ >= 0) ::close(fd_);
}

std::string command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) out += (i ? " " : "") + core::shell_quote(argv[i]);
  return out;
}

}  // namespace bg::cli
