#include "fakes/pipeline/workflow_yaml.h"

#include <cctype>
#include <sstream>

#include "core/not_modelled.h"

namespace bg::fakes::workflow_yaml {

Reader::Reader(std::string file, const std::string& text) : file_(std::move(file)) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines_.push_back(line);
}

Where Reader::at(const YAML::Node& n) const {
  if (!n.IsDefined() || n.Mark().is_null()) return {file_, 1, 1};
  return {file_, n.Mark().line + 1, n.Mark().column + 1};
}

void Reader::fail(const YAML::Node& n, const std::string& message) const { fail(at(n), message); }
void Reader::fail(const Where& w, const std::string& message) const {
  throw WorkflowError(w.file, w.line, w.column, message);
}
void Reader::not_modelled(const YAML::Node& n, const std::string& what) const {
  throw core::NotModelled(fmt::format("{} in {}", what, at(n).str()));
}

Text Reader::text(const YAML::Node& n) const {
  if (n.IsSequence()) fail(n, "A sequence was not expected");
  if (n.IsMap()) fail(n, "A mapping was not expected");
  Text t;
  t.where = at(n);
  t.content_line = t.where.line;
  if (n.IsNull()) return t;
  // `if: !cancelled()` is a YAML tag, not text: GitHub's docs require ${{ }} around such an expression.
  if (!n.Tag().empty() && n.Tag() != "!" && n.Tag() != "?")
    fail(n, fmt::format("Unexpected value '{}': YAML reads a leading '!' as a tag; write ${{{{ {} }}}}", n.Tag(),
                        n.Tag()));
  t.value = n.Scalar();
  // A block scalar (`|`, `>`) starts its text on the next line.
  const size_t line = static_cast<size_t>(t.where.line - 1), column = static_cast<size_t>(t.where.column - 1);
  if (line < lines_.size() && column < lines_[line].size() &&
      (lines_[line][column] == '|' || lines_[line][column] == '>'))
    t.content_line = t.where.line + 1;
  return t;
}

std::vector<Text> Reader::text_list(const YAML::Node& n) const {
  std::vector<Text> out;
  if (n.IsSequence()) {
    for (const auto& item : n) out.push_back(text(item));
  } else {
    out.push_back(text(n));
  }
  return out;
}

std::map<std::string, Text> Reader::text_map(const YAML::Node& n) const {
  std::map<std::string, Text> out;
  if (n.IsNull()) return out;
  expect_map(n);
  for (const auto& kv : n) out[kv.first.Scalar()] = text(kv.second);
  return out;
}

void Reader::expect_map(const YAML::Node& n) const {
  if (n.IsMap()) return;
  if (n.IsSequence()) fail(n, "A sequence was not expected");
  fail(n, fmt::format("Unexpected value '{}'", n.IsScalar() ? n.Scalar() : ""));
}

void Reader::expect_keys(const YAML::Node& n, const std::set<std::string>& allowed) const {
  expect_map(n);
  for (const auto& kv : n)
    if (!allowed.count(kv.first.Scalar())) fail(kv.first, fmt::format("Unexpected value '{}'", kv.first.Scalar()));
}

double Reader::minutes(const YAML::Node& n) const {
  const Text t = text(n);
  if (t.value.find("${{") != std::string::npos) not_modelled(n, "an expression in timeout-minutes");
  try {
    size_t used = 0;
    const double d = std::stod(t.value, &used);
    if (used == t.value.size() && d > 0) return d;
  } catch (...) {
  }
  fail(n, fmt::format("Unexpected value '{}'", t.value));
}

RunDefaults Reader::defaults(const YAML::Node& n) const {
  RunDefaults d;
  expect_keys(n, {"run"});
  if (const auto run = n["run"]) {
    expect_keys(run, {"shell", "working-directory"});
    if (run["shell"]) d.shell = text(run["shell"]);
    if (run["working-directory"]) d.working_directory = text(run["working-directory"]);
  }
  return d;
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() >= 100) return false;
  if (!std::isalpha(static_cast<unsigned char>(id[0])) && id[0] != '_') return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  return true;
}

}  // namespace bg::fakes::workflow_yaml
