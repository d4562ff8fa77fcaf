#include "fakes/codedeploy/appspec.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace bg::fakes {
namespace {

// Messages quote the CodeDeploy agent's own wording (application_specification.rb, installer.rb)
// where it has one, so a user sees what the real deployment would have said.
constexpr const char* kExpectedHooks =
    "ApplicationStop, BeforeInstall, AfterInstall, ApplicationStart, ValidateService, "
    "BeforeBlockTraffic, AfterBlockTraffic, BeforeAllowTraffic, AfterAllowTraffic";

class Parser {
 public:
  explicit Parser(std::string source) : source_(std::move(source)) {}

  AppSpec parse(std::string_view text);

 private:
  [[noreturn]] void fail(const YAML::Mark& at, const std::string& message) const {
    throw AppSpecError(source_, at.line + 1, at.column + 1, message);
  }
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const { fail(at.Mark(), message); }
  std::string scalar(const YAML::Node& n, const std::string& what) const;
  void parse_version(const YAML::Node& n, AppSpec& spec) const;
  void parse_os(const YAML::Node& n, AppSpec& spec) const;
  void parse_files(const YAML::Node& n, AppSpec& spec) const;
  void parse_file_exists_behavior(const YAML::Node& n, AppSpec& spec) const;
  void parse_hooks(const YAML::Node& n, AppSpec& spec) const;
  HookScript parse_script(const YAML::Node& n) const;

  std::string source_;
};

std::string Parser::scalar(const YAML::Node& n, const std::string& what) const {
  if (!n.IsScalar()) fail(n, fmt::format("expected {} as a plain value", what));
  return n.Scalar();
}

AppSpec Parser::parse(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    fail(e.mark, "invalid YAML: " + e.msg);
  }
  if (!root.IsMap()) fail(root.IsDefined() ? root.Mark() : YAML::Mark(), "expected a mapping with version, os, files and hooks");
  AppSpec spec;
  bool has_version = false, has_os = false;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = scalar(it->first, "a key");
    // A copy, not a reference: yaml-cpp's it-> returns a proxy that dies with this statement, so a
    // reference to its `second` dangles (ASan: stack-use-after-scope; found by fuzz/appspec_fuzzer).
    const YAML::Node value = it->second;
    if (key == "version") parse_version(value, spec), has_version = true;
    else if (key == "os") parse_os(value, spec), has_os = true;
    else if (key == "files") parse_files(value, spec);
    else if (key == "file_exists_behavior") parse_file_exists_behavior(value, spec);
    else if (key == "hooks") parse_hooks(value, spec);
    else if (key == "permissions") continue;  // accepted and ignored: this fake does not chown/chmod
    else
      fail(it->first, fmt::format("unknown key '{}'; expected version, os, files, file_exists_behavior, "
                                  "permissions or hooks", key));
  }
  // A missing value is an invalid one for the agent too (nil is not 0.0 / not a supported os).
  if (!has_version) parse_version(YAML::Node(), spec);
  if (!has_os) parse_os(YAML::Node(), spec);
  return spec;
}

void Parser::parse_version(const YAML::Node& n, AppSpec& spec) const {
  std::string v = n.IsScalar() ? n.Scalar() : "";
  double number = -1;
  try {
    size_t used = 0;
    number = std::stod(v, &used);
    if (used != v.size()) number = -1;
  } catch (const std::exception&) {
  }
  if (number != 0.0)
    fail(n.IsDefined() ? n.Mark() : YAML::Mark(),
         fmt::format("The deployment failed because an invalid version value ({}) was entered in the application "
                     "specification file. Make sure your AppSpec file specifies \"0.0\" as the version, and then "
                     "try again.", v));
  spec.version = "0.0";
}

void Parser::parse_os(const YAML::Node& n, AppSpec& spec) const {
  std::string os = n.IsScalar() ? n.Scalar() : "";
  if (os != "linux" && os != "windows")
    fail(n.IsDefined() ? n.Mark() : YAML::Mark(),
         fmt::format("The deployment failed because the application specification file specifies an unsupported "
                     "operating system ({}). Specify either \"linux\" or \"windows\" in the os section of the "
                     "AppSpec file, and then try again.", os));
  spec.os = os;
}

void Parser::parse_files(const YAML::Node& n, AppSpec& spec) const {
  if (n.IsNull()) return;
  if (!n.IsSequence()) fail(n, "expected files to be a list of {source, destination}");
  for (const auto& entry : n) {
    if (!entry.IsMap()) fail(entry, "expected a files entry with source and destination");
    FileMapping m;
    bool has_source = false, has_destination = false;
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      const std::string key = scalar(it->first, "a key");
      if (key == "source") m.source = scalar(it->second, "source"), has_source = true;
      else if (key == "destination") m.destination = scalar(it->second, "destination"), has_destination = true;
      else fail(it->first, fmt::format("unknown key '{}' in files; expected source and destination", key));
    }
    if (!has_source || m.source.empty()) fail(entry, "files entry has no source; expected source: <path in bundle>");
    if (!has_destination || m.destination.empty() || m.destination.front() != '/')
      fail(entry, "files entry needs an absolute destination; expected destination: /path/on/instance");
    spec.files.push_back(std::move(m));
  }
}

void Parser::parse_file_exists_behavior(const YAML::Node& n, AppSpec& spec) const {
  const std::string v = n.IsScalar() ? n.Scalar() : "";
  if (v == "DISALLOW") spec.file_exists_behavior = FileExistsBehavior::disallow;
  else if (v == "OVERWRITE") spec.file_exists_behavior = FileExistsBehavior::overwrite;
  else if (v == "RETAIN") spec.file_exists_behavior = FileExistsBehavior::retain;
  else
    fail(n, fmt::format("The deployment failed because an invalid option was specified for fileExistsBehavior: {}. "
                        "Valid options include OVERWRITE, RETAIN, and DISALLOW.", v));
}

void Parser::parse_hooks(const YAML::Node& n, AppSpec& spec) const {
  if (n.IsNull()) return;
  if (!n.IsMap()) fail(n, fmt::format("expected hooks to map lifecycle events ({}) to lists of scripts", kExpectedHooks));
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string name = scalar(it->first, "a lifecycle event name");
    auto event = lifecycle_event_from(name);
    if (!event) fail(it->first, fmt::format("unknown lifecycle event '{}'; expected one of {}", name, kExpectedHooks));
    if (!is_scriptable(*event))
      fail(it->first, fmt::format("lifecycle event '{}' cannot be scripted (the agent runs Start, DownloadBundle, "
                                  "Install and End itself); expected one of {}", name, kExpectedHooks));
    auto& scripts = spec.hooks[*event];
    const YAML::Node list = it->second;  // a copy: a range-for over it->second outlives its proxy
    if (list.IsNull()) continue;
    if (!list.IsSequence()) fail(list, fmt::format("expected {} to be a list of '- location: <script>'", name));
    for (const auto& s : list) scripts.push_back(parse_script(s));
  }
}

HookScript Parser::parse_script(const YAML::Node& n) const {
  if (!n.IsMap()) fail(n, "expected a script entry: '- location: <script>' with optional timeout and runas");
  HookScript script;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = scalar(it->first, "a key");
    if (key == "location") {
      script.location = it->second.IsScalar() ? it->second.Scalar() : "";
    } else if (key == "timeout") {
      const std::string t = scalar(it->second, "timeout");
      int v = 0;
      size_t used = 0;
      try { v = std::stoi(t, &used); } catch (const std::exception&) { used = 0; }
      // 3600 s is CodeDeploy's cap for a script (and for all scripts of one event together).
      if (used != t.size() || v <= 0 || v > 3600)
        fail(it->second, fmt::format("invalid timeout '{}'; expected whole seconds from 1 to 3600", t));
      script.timeout_seconds = v;
    } else if (key == "runas") {
      script.runas = scalar(it->second, "runas");
    } else if (key == "sudo") {
      continue;  // accepted (the agent reads it) and ignored
    } else {
      fail(it->first, fmt::format("unknown key '{}' in a script entry; expected location, timeout or runas", key));
    }
  }
  if (script.location.empty())
    fail(n, "The deployment failed because the application specification file specifies a script with no location "
            "value. Specify the location in the hooks section of the AppSpec file, and then try again.");
  return script;
}

}  // namespace

std::string_view to_string(FileExistsBehavior b) {
  switch (b) {
    case FileExistsBehavior::disallow: return "DISALLOW";
    case FileExistsBehavior::overwrite: return "OVERWRITE";
    case FileExistsBehavior::retain: return "RETAIN";
  }
  return "DISALLOW";
}

const std::vector<HookScript>& AppSpec::scripts_for(LifecycleEvent e) const {
  static const std::vector<HookScript> kNone;
  auto it = hooks.find(e);
  return it == hooks.end() ? kNone : it->second;
}

AppSpecError::AppSpecError(const std::string& source, int line, int column, const std::string& message)
    : std::runtime_error(fmt::format("{}:{}:{}: {}", source, line, column, message)), line_(line), column_(column) {}

AppSpec parse_appspec(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw AppSpecError(path.string(), 1, 1, "cannot read the AppSpec file (expected appspec.yml at the bundle root)");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_appspec_text(text.str(), path.string());
}

AppSpec parse_appspec_text(std::string_view text, const std::string& source_name) {
  return Parser(source_name).parse(text);
}

}  // namespace bg::fakes
