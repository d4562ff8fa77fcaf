#include "scenarios/survey/folder_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

namespace bg::survey {
namespace fs = std::filesystem;
namespace {

// Limits that keep a survey of a wrong folder (a home folder, /) short: deploy folders hold tens of
// small files, and a setting is never in a file of a megabyte.
constexpr std::uintmax_t kMaxFileBytes = 1 << 20;
constexpr size_t kMaxFiles = 4000;

// Folders that hold dependencies, build output or history, never deploy settings.
const std::set<std::string> kSkippedFolders = {".git", "node_modules", ".next", ".turbo", ".cache"};

bool inside(const fs::path& root, const fs::path& p) {
  auto rel = p.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

// Reads the file's lines; false with `why` set when it cannot be read or is not text.
bool read_text(const fs::path& p, std::vector<std::string>& lines, std::string& why) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    why = "cannot be read";
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (text.find('\0') != std::string::npos) {
    why = "not text";
    return false;
  }
  std::string line;
  std::istringstream lines_in(text);
  while (std::getline(lines_in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return true;
}

}  // namespace

std::string TextFile::name() const {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string TextFile::folder() const {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

FolderFiles FolderFiles::read(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw SurveyError(fmt::format("{}: no such folder", dir.string()));
  if (!fs::is_directory(dir, ec)) throw SurveyError(fmt::format("{}: not a folder", dir.string()));
  FolderFiles out;
  out.dir_ = dir;
  const fs::path root = fs::weakly_canonical(dir, ec);
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  if (ec) throw SurveyError(fmt::format("{}: cannot be read: {}", dir.string(), ec.message()));
  for (; it != end; it.increment(ec)) {
    if (ec) throw SurveyError(fmt::format("{}: cannot be read: {}", dir.string(), ec.message()));
    const fs::path p = it->path();
    const std::string rel = p.lexically_relative(dir).generic_string();
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      if (kSkippedFolders.count(p.filename().string())) {
        out.skipped_.push_back(rel + "/: not deploy settings");
        it.disable_recursion_pending();
      }
      continue;
    }
    // Only regular files, and a symlink only when it stays inside the folder: a FIFO would block
    // the read and a link out of the folder would read the machine's files.
    if (it->is_symlink(ec)) {
      const fs::path target = fs::weakly_canonical(p, ec);
      if (ec || !inside(root, target) || !fs::is_regular_file(target, ec)) {
        out.skipped_.push_back(rel + ": a symlink that does not lead to a file of this folder");
        continue;
      }
    } else if (!it->is_regular_file(ec)) {
      out.skipped_.push_back(rel + ": not a regular file");
      continue;
    }
    if (out.files_.size() >= kMaxFiles) {
      out.skipped_.push_back(fmt::format("{} and the rest: more than {} files", rel, kMaxFiles));
      break;
    }
    if (fs::file_size(p, ec) > kMaxFileBytes) {
      out.skipped_.push_back(rel + ": larger than 1 MiB");
      continue;
    }
    TextFile f{rel, {}};
    std::string why;
    if (!read_text(p, f.lines, why)) {
      out.skipped_.push_back(rel + ": " + why);
      continue;
    }
    out.files_.push_back(std::move(f));
  }
  // Directory order is the file system's; a sorted list makes every survey of a folder the same.
  std::sort(out.files_.begin(), out.files_.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

FolderFiles FolderFiles::from_files(std::vector<TextFile> files) {
  FolderFiles out;
  out.files_ = std::move(files);
  std::sort(out.files_.begin(), out.files_.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

const TextFile* FolderFiles::find(std::string_view relative) const {
  for (const auto& f : files_)
    if (f.path == relative) return &f;
  return nullptr;
}

}  // namespace bg::survey
