#include "fakes/docker/compose_document.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "fakes/docker/compose_file.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

// Python's repr of a value, as docker-compose 1.x prints it in "interpolating <value>".
std::string py_repr(const YAML::Node& n, bool top) {
  if (n.IsScalar()) return top ? n.Scalar() : "'" + n.Scalar() + "'";
  std::vector<std::string> parts;
  if (n.IsSequence()) {
    for (const auto& item : n) parts.push_back(py_repr(item, false));
    return fmt::format("[{}]", fmt::join(parts, ", "));
  }
  if (n.IsMap()) {
    for (const auto& kv : n) parts.push_back(fmt::format("'{}': {}", kv.first.Scalar(), py_repr(kv.second, false)));
    return fmt::format("{{{}}}", fmt::join(parts, ", "));
  }
  return "None";
}

class Interpolator {
 public:
  Interpolator(TemplateSyntax syntax, const VariableLookup& lookup, std::vector<std::string>& unset)
      : syntax_(syntax), lookup_(lookup), unset_(unset) {}

  void run(YAML::Node root) {
    if (syntax_ != TemplateSyntax::python_v1) {
      for (auto kv : root) walk(kv.second, kv.first.Scalar());
      return;
    }
    // docker-compose 1.x: per section, per entry, per option (process_config_file).
    static const std::pair<const char*, const char*> kSections[] = {{"services", "service"},
                                                                    {"volumes", "volume"},
                                                                    {"networks", "network"},
                                                                    {"secrets", "secret"},
                                                                    {"configs", "config"}};
    for (const auto& [key, section] : kSections) {
      // Through a const view: a lookup on the mutable root would add the key.
      YAML::Node s = static_cast<const YAML::Node&>(root)[key];
      if (!s || !s.IsMap()) continue;
      for (auto entry : s) {
        if (!entry.second.IsMap()) continue;
        for (auto option : entry.second) {
          v1_where_.section = section;
          v1_where_.name = entry.first.Scalar();
          v1_where_.option = option.first.Scalar();
          v1_where_.value.reset(option.second);  // rebinds; `=` would write through the old handle
          walk(option.second, "");
        }
      }
    }
  }

 private:
  void walk(YAML::Node node, const std::string& path) {
    if (node.IsMap()) {
      for (auto kv : node) walk(kv.second, path + "." + kv.first.Scalar());
    } else if (node.IsSequence()) {
      for (auto item : node) walk(item, path + ".[]");
    } else if (node.IsScalar() && node.Scalar().find('$') != std::string::npos) {
      // A YAML alias shares its anchor's node: substitute it once, as Go and Python hold copies.
      for (const auto& done : done_)
        if (done.is(node)) return;
      done_.push_back(node);
      try {
        node = substitute_variables(node.Scalar(), syntax_, lookup_, unset_);
      } catch (const TemplateError& e) {
        throw ComposeFileError(message(path, e));
      }
    }
  }

  std::string message(const std::string& path, const TemplateError& e) const {
    if (syntax_ == TemplateSyntax::python_v1) {
      if (e.kind == TemplateError::Kind::invalid)
        return fmt::format("Invalid interpolation format for \"{}\" option in {} \"{}\": \"{}\"", v1_where_.option,
                           v1_where_.section, v1_where_.name, e.template_text);
      return fmt::format("Missing mandatory value for \"{}\" option interpolating {} in {} \"{}\": {}",
                         v1_where_.option, py_repr(v1_where_.value, true), v1_where_.section, v1_where_.name, e.reason);
    }
    std::string tmpl = e.template_text;
    if (e.kind == TemplateError::Kind::missing_required) {
      // Before compose-go 1.14 a missing required variable was an InvalidTemplateError whose
      // template is this sentence; from 1.14 a MissingRequiredError of its own.
      tmpl = fmt::format("required variable {} is missing a value: {}", e.variable, e.reason);
      if (syntax_ == TemplateSyntax::go_v1_17)
        return fmt::format("error while interpolating {}: required variable {} is missing a value{}", path, e.variable,
                           e.reason.empty() ? "" : ": " + e.reason);
    }
    if (syntax_ == TemplateSyntax::go_v1_2)
      return fmt::format("invalid interpolation format for {}: {}. You may need to escape any $ with another $", path,
                         go_quote(tmpl));
    return fmt::format("invalid interpolation format for {}.\nYou may need to escape any $ with another $.\n{}", path,
                       tmpl);
  }

  struct V1Where {
    std::string section, name, option;
    YAML::Node value;
  };
  TemplateSyntax syntax_;
  const VariableLookup& lookup_;
  std::vector<std::string>& unset_;
  V1Where v1_where_;
  std::vector<YAML::Node> done_;
};

}  // namespace

// Applied bottom-up so anchors that merge others work.
YAML::Node apply_merge_keys(const YAML::Node& node) {
  if (node.IsSequence()) {
    YAML::Node seq = node;  // in place: the sequence keeps its position for messages
    for (size_t i = 0; i < seq.size(); ++i) seq[i] = apply_merge_keys(seq[i]);
    return seq;
  }
  if (!node.IsMap()) return node;
  bool has_merge = false;
  for (const auto& kv : node) has_merge |= kv.first.IsScalar() && kv.first.Scalar() == "<<";
  YAML::Node out = node;
  if (!has_merge) {
    for (const auto& kv : node) out[kv.first] = apply_merge_keys(kv.second);
    return out;
  }
  // A new mapping: assigning to `out` would overwrite the original node (yaml-cpp's operator=
  // assigns through the handle).
  out.reset(YAML::Node(YAML::NodeType::Map));
  std::vector<YAML::Node> merged;
  for (const auto& kv : node) {
    if (kv.first.IsScalar() && kv.first.Scalar() == "<<") {
      if (kv.second.IsSequence())
        for (const auto& m : kv.second) merged.push_back(apply_merge_keys(m));
      else
        merged.push_back(apply_merge_keys(kv.second));
      continue;
    }
    out[kv.first] = apply_merge_keys(kv.second);
  }
  for (const auto& m : merged)
    if (m.IsMap())
      for (const auto& kv : m)
        if (!out[kv.first.Scalar()]) out[kv.first] = kv.second;
  return out;
}

YAML::Node parse_compose_document(const std::string& text, const std::string& shown, TemplateSyntax syntax,
                                  const VariableLookup& lookup, std::vector<std::string>& unset) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    // Simplification: go-yaml says "yaml: line 3: mapping values are not allowed in this context";
    // yaml-cpp's wording is kept, with the file and position.
    throw ComposeFileError(fmt::format("{}:{}:{}: {}", shown, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);  // an empty file is an empty project
  // compose-go loader.ParseYAML; docker-compose 1.x words it per file.
  if (!root.IsMap())
    throw ComposeFileError(syntax == TemplateSyntax::python_v1
                               ? fmt::format("Top level object in '{}' needs to be an object not '<class '{}'>'.",
                                             shown, root.IsSequence() ? "list" : "str")
                               : "Top-level object must be a mapping");
  root = apply_merge_keys(root);
  Interpolator(syntax, lookup, unset).run(root);
  return root;
}

YAML::Node load_compose_document(const ComposeSource& source, const std::string& missing_message, TemplateSyntax syntax,
                                 const VariableLookup& lookup, std::vector<std::string>& unset) {
  std::ifstream in(source.real, std::ios::binary);
  if (!in || std::filesystem::is_directory(source.real))
    throw ComposeFileError(missing_message, ComposeFileError::Kind::not_found);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_compose_document(buffer.str(), source.shown, syntax, lookup, unset);
}

}  // namespace bg::fakes
