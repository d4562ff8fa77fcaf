#pragma once
// FolderFiles: a deploy folder read as text, and nothing more. `bluegreen init` never runs anything
// from the folder; it reads its regular files, skipping what cannot be configuration (binaries,
// dependency and build output folders, very large files) and anything outside the folder (a symlink
// that leads out of it is not followed: init must not read the machine's own files).
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bg::survey {

// Bad input for init: the folder is missing, not a folder, unreadable, or not a deploy folder.
class SurveyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TextFile {
  std::string path;                // relative to the folder, '/'-separated
  std::vector<std::string> lines;  // without their line ends
  std::string name() const;        // the last path component
  std::string folder() const;      // the folder part ("" at the root)
};

class FolderFiles {
 public:
  // Throws SurveyError when `dir` is not a readable folder.
  static FolderFiles read(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  const std::vector<TextFile>& files() const { return files_; }
  const TextFile* find(std::string_view relative) const;
  // What was not read and why ("node_modules/: dependencies", "big.bin: not text"), for the summary.
  const std::vector<std::string>& skipped() const { return skipped_; }

  // For tests: a folder given as files in memory.
  static FolderFiles from_files(std::vector<TextFile> files);

 private:
  std::filesystem::path dir_;
  std::vector<TextFile> files_;
  std::vector<std::string> skipped_;
};

}  // namespace bg::survey
