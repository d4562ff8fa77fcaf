#include "cli/bad_input/bad_input_case.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace bg::bad_input {
namespace {

namespace fs = std::filesystem;

std::vector<FileEdit> edits_of(const YAML::Node& row) {
  std::vector<FileEdit> edits;
  using K = FileEdit::Kind;
  for (const auto& [key, kind] : {std::pair{"write", K::write}, {"append", K::append}}) {
    if (!row[key]) continue;
    for (const auto& kv : row[key])
      edits.push_back({kind, kv.first.as<std::string>(), kv.second.as<std::string>(), ""});
  }
  // fill: {file: [[text, times], ...]}: a large file (deep nesting, a megabyte) in one line of the table.
  if (row["fill"])
    for (const auto& kv : row["fill"]) {
      std::string text;
      for (const auto& piece : kv.second)
        for (int i = 0, n = piece[1].as<int>(); i < n; ++i) text += piece[0].as<std::string>();
      edits.push_back({K::write, kv.first.as<std::string>(), text, ""});
    }
  if (row["replace"])
    for (const auto& kv : row["replace"]) {
      const auto pair = kv.second.as<std::vector<std::string>>();
      if (pair.size() != 2) throw std::runtime_error("replace wants [old, new] for " + kv.first.as<std::string>());
      edits.push_back({K::replace, kv.first.as<std::string>(), pair[0], pair[1]});
    }
  for (const auto& [key, kind] : {std::pair{"remove", K::remove}, {"mkdir", K::mkdir}, {"fifo", K::fifo}}) {
    if (!row[key]) continue;
    for (const auto& p : row[key]) edits.push_back({kind, p.as<std::string>(), "", ""});
  }
  // Removals first, so that `remove: [x]` with `mkdir: [x]` turns a file into a folder.
  std::stable_sort(edits.begin(), edits.end(),
                   [](const auto& a, const auto& b) { return (a.kind == K::remove) > (b.kind == K::remove); });
  return edits;
}

BadInputCase case_of(const std::string& kind, const YAML::Node& row) {
  static const std::set<std::string> known{"name", "base",    "dir",     "write",         "append",
                                           "fill", "replace", "remove",  "mkdir",         "fifo",
                                           "args", "expect",  "pending", "hold_out_lock", "deadline"};
  BadInputCase c;
  c.kind = kind;
  c.name = row["name"].as<std::string>();
  for (const auto& kv : row)
    if (!known.count(kv.first.as<std::string>()))
      throw std::runtime_error("unknown field " + kv.first.as<std::string>());
  if (row["base"]) c.base = row["base"].as<std::string>();
  if (row["dir"]) c.dir = row["dir"].as<std::string>();
  c.edits = edits_of(row);
  c.args = row["args"].as<std::string>();
  c.expect = row["expect"].as<std::string>();
  if (row["pending"]) c.pending = row["pending"].as<std::string>();
  if (row["hold_out_lock"]) c.hold_out_lock = row["hold_out_lock"].as<bool>();
  if (row["deadline"]) c.deadline_seconds = row["deadline"].as<int>();
  return c;
}

void write_file(const fs::path& path, const std::string& text, std::ios::openmode mode) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | mode) << text;
}

}  // namespace

std::string BadInputCase::test_name() const {
  std::string out = kind + "_" + name;
  for (auto& ch : out)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return out;
}

std::vector<BadInputCase> load_cases(const fs::path& dir) {
  std::vector<fs::path> tables;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") tables.push_back(entry.path());
  std::sort(tables.begin(), tables.end());
  std::vector<BadInputCase> cases;
  std::set<std::string> names;
  for (const auto& table : tables) {
    const std::string kind = table.stem().string();
    YAML::Node rows;
    try {
      rows = YAML::LoadFile(table.string());
    } catch (const std::exception& e) {
      cases.push_back({.kind = kind, .name = "table", .error = table.string() + ": " + e.what()});
      continue;
    }
    int index = 0;
    for (const auto& row : rows) {
      ++index;
      try {
        cases.push_back(case_of(kind, row));
      } catch (const std::exception& e) {
        cases.push_back({.kind = kind,
                         .name = "row" + std::to_string(index),
                         .error = table.string() + " row " + std::to_string(index) + ": " + e.what()});
      }
      if (!names.insert(cases.back().test_name()).second)
        cases.back().error = "duplicate case name " + cases.back().test_name();
    }
  }
  return cases;
}

std::string lay_out(const BadInputCase& c, const fs::path& source_root, const fs::path& work) {
  const fs::path folder = work / c.dir;
  fs::remove_all(work);
  fs::create_directories(work);
  if (c.base == "none")
    fs::create_directories(folder);
  else
    fs::copy(source_root / "scenarios/data" / c.base, folder, fs::copy_options::recursive);
  for (const auto& e : c.edits) {
    const fs::path path = folder / e.path;
    switch (e.kind) {
      case FileEdit::Kind::write:
        write_file(path, e.text, std::ios::trunc);
        break;
      case FileEdit::Kind::append:
        write_file(path, e.text, std::ios::app);
        break;
      case FileEdit::Kind::remove:
        fs::remove_all(path);
        break;
      case FileEdit::Kind::mkdir:
        fs::create_directories(path);
        break;
      case FileEdit::Kind::fifo:  // a named pipe where a file should be: a reader would block on it
        if (::mkfifo(path.c_str(), 0644) != 0) return "cannot make the FIFO " + e.path;
        break;
      case FileEdit::Kind::replace: {
        std::ifstream in(path, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        std::string s = text.str();
        const auto at = s.find(e.text);
        if (at == std::string::npos) return e.path + " has no '" + e.text + "' to replace";
        s.replace(at, e.text.size(), e.with);
        write_file(path, s, std::ios::trunc);
        break;
      }
    }
  }
  return "";
}

}  // namespace bg::bad_input
