#include "scenarios/yaml_file.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <fstream>
#include <sstream>

namespace bg::scenarios {
namespace {

namespace fs = std::filesystem;

const char* kind_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    default:
      return "a value";
  }
}

// The whole file as text, once it is known to be a readable regular file of bounded size.
std::string text_of(const fs::path& path, std::string_view missing) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw ScenarioError(fmt::format("{}: {}", path.string(), missing));
  if (fs::is_directory(status)) throw ScenarioError(fmt::format("{}: is a folder, not a file", path.string()));
  if (!fs::is_regular_file(status)) throw ScenarioError(fmt::format("{}: is not a regular file", path.string()));
  const auto size = fs::file_size(path, ec);
  if (!ec && size > YamlFile::kMaxBytes)
    throw ScenarioError(fmt::format("{}: is {} bytes, more than the {} a settings file may hold", path.string(), size,
                                    YamlFile::kMaxBytes));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) throw ScenarioError(fmt::format("{}: cannot be read", path.string()));
  return text.str();
}

// The start of each document of a YAML stream, without building them. yaml-cpp 0.7's LoadAll never
// returns on some broken streams: the parser hands out a document that consumes nothing, again and
// again (a stray `,` at the top: jbeder/yaml-cpp#1040, fixed upstream by PR #1319, after 0.8.0; the
// fuzzer found ` o0  x-:\n,\x01`). Counted here in a bounded loop, a document that starts where the
// last one did is that parser standing still.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

YamlFile YamlFile::read(const fs::path& path, std::string_view missing) {
  const std::string text = text_of(path, missing);
  auto where = [&](const YAML::Mark& m) { return fmt::format("{}:{}:{}", path.string(), m.line + 1, m.column + 1); };
  YAML::Node document;
  DocumentStarts counted;
  try {
    document = YAML::Load(text);  // the first document only
    std::istringstream in(text);
    YAML::Parser parser(in);
    for (size_t i = 0; i < kMaxDocuments && parser.HandleNextDocument(counted); ++i) {
      const auto& s = counted.starts;
      if (s.size() > 1 && s[s.size() - 1].pos == s[s.size() - 2].pos)
        throw ScenarioError(fmt::format("{}: invalid YAML: the parser cannot read past this point", where(s.back())));
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp says "bad file" here; what happened is its nesting limit.
    throw ScenarioError(fmt::format("{}: YAML nested too deep (yaml-cpp stops at 2000 levels)", where(e.mark)));
  } catch (const YAML::Exception& e) {
    throw ScenarioError(fmt::format("{}: invalid YAML: {}", where(e.mark), e.msg));
  }
  if (counted.starts.size() > 1)
    throw ScenarioError(fmt::format("{}: holds {}{} YAML documents (separated by ---); expected one", path.string(),
                                    counted.starts.size() == kMaxDocuments ? "at least " : "", counted.starts.size()));
  return YamlFile(path, counted.starts.empty() ? YAML::Node() : document);
}

std::string YamlFile::position(const YAML::Mark& at) const {
  // A node made by yaml-cpp rather than read (an absent value) has no place: name the file alone.
  if (at.line < 0) return path_.string();
  return fmt::format("{}:{}:{}", path_.string(), at.line + 1, at.column + 1);
}

void YamlFile::fail(const YAML::Mark& at, const std::string& what) const {
  throw ScenarioError(fmt::format("{}: {}", position(at), what));
}

std::string YamlFile::scalar(const YAML::Node& n, const std::string& field) const {
  if (n.IsScalar()) return n.Scalar();
  if (n.IsNull()) fail(n, fmt::format("{}: has no value", field));
  fail(n, fmt::format("{}: expected a plain value, got {}", field, kind_of(n)));
}

std::string YamlFile::key_of(const YAML::Node& key, const std::string& where) const {
  if (!key.IsScalar()) fail(key, fmt::format("{}: keys must be plain words, got {}", where, kind_of(key)));
  return key.Scalar();
}

void YamlFile::require_map(const YAML::Node& n, const std::string& where) const {
  if (!n.IsMap()) fail(n, fmt::format("{}: expected a mapping of settings, got {}", where, kind_of(n)));
}

}  // namespace bg::scenarios
