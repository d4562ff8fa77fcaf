#pragma once
// YamlFile: one YAML file a user wrote (scenario.yaml and the ones it extends), read within bounds and
// reporting every problem as "<file>:<line>:<column>: <field>: <what is wrong>". A folder, a missing
// file, a file too large, more than one document, YAML nesting too deep or a syntax error are all
// ScenarioErrors naming the file; no yaml-cpp message reaches the user without its place.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "scenarios/scenario_loader.h"

namespace bg::scenarios {

class YamlFile {
 public:
  // A scenario.yaml is a page of settings; a megabyte is far past any real one and bounds the memory
  // a wrong file (a log, a binary) can take.
  static constexpr std::uintmax_t kMaxBytes = 1 << 20;
  // Documents counted before a file is refused for holding more than one (the count is bounded).
  static constexpr std::size_t kMaxDocuments = 100;

  // Reads and parses `path`. Throws ScenarioError "<path>: <missing>" when there is no such file.
  static YamlFile read(const std::filesystem::path& path, std::string_view missing);

  const std::filesystem::path& path() const { return path_; }
  const YAML::Node& root() const { return root_; }

  std::string position(const YAML::Mark& at) const;
  [[noreturn]] void fail(const YAML::Mark& at, const std::string& what) const;
  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const { fail(at.Mark(), what); }

  // The text of a plain value; a mapping, a list or nothing at all is an error naming `field`.
  std::string scalar(const YAML::Node& n, const std::string& field) const;
  // The text of a mapping's key (keys are plain words in scenario.yaml).
  std::string key_of(const YAML::Node& key, const std::string& where) const;
  void require_map(const YAML::Node& n, const std::string& where) const;

 private:
  YamlFile(std::filesystem::path path, YAML::Node root) : path_(std::move(path)), root_(std::move(root)) {}

  std::filesystem::path path_;
  YAML::Node root_;
};

}  // namespace bg::scenarios
