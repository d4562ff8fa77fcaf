#include "fakes/codedeploy/appspec.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
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
  // A value that is missing altogether has no place of its own: the file's start stands for it.
  [[noreturn]] void fail(const YAML::Mark& at, const std::string& message) const {
    if (at.is_null()) throw AppSpecError(source_, 1, 1, message);
    throw AppSpecError(source_, at.line + 1, at.column + 1, message);
  }
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const { fail(at.Mark(), message); }
  std::string scalar(const YAML::Node& n, const std::string& what) const;
  void parse_version(const YAML::Node& n, AppSpec& spec) const;
  void parse_os(const YAML::Node& n, AppSpec& spec) const;
  void parse_files(const YAML::Node& n, AppSpec& spec) const;
  void parse_file_exists_behavior(const YAML::Node& n, AppSpec& spec) const;
  void parse_hooks(const YAML::Node& n, AppSpec& spec) const;
  HookScript parse_script(const YAML::Node& n, const std::string& field) const;
  int parse_timeout(const YAML::Node& n, const std::string& field) const;

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
  } catch (const YAML::DeepRecursion& e) {
    fail(e.mark, "invalid YAML: nested too deep (yaml-cpp stops at 2000 levels)");  // its own text is "bad file"
  } catch (const YAML::Exception& e) {
    fail(e.mark, "invalid YAML: " + e.msg);
  }
  if (!root.IsMap())
    fail(root.IsDefined() ? root.Mark() : YAML::Mark(), "expected a mapping with version, os, files and hooks");
  AppSpec spec;
  bool has_version = false, has_os = false;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = scalar(it->first, "a key");
    // A copy, not a reference: yaml-cpp's it-> returns a proxy that dies with this statement, so a
    // reference to its `second` dangles (ASan: stack-use-after-scope; found by fuzz/appspec_fuzzer).
    const YAML::Node value = it->second;
    if (key == "version")
      parse_version(value, spec), has_version = true;
    else if (key == "os")
      parse_os(value, spec), has_os = true;
    else if (key == "files")
      parse_files(value, spec);
    else if (key == "file_exists_behavior")
      parse_file_exists_behavior(value, spec);
    else if (key == "hooks")
      parse_hooks(value, spec);
    else if (key == "permissions")
      continue;  // accepted and ignored: this fake does not chown/chmod
    else
      fail(it->first, fmt::format("unknown key '{}'; expected version, os, files, file_exists_behavior, "
                                  "permissions or hooks",
                                  key));
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
                     "try again.",
                     v));
  spec.version = "0.0";
}

void Parser::parse_os(const YAML::Node& n, AppSpec& spec) const {
  std::string os = n.IsScalar() ? n.Scalar() : "";
  if (os != "linux" && os != "windows")
    fail(n.IsDefined() ? n.Mark() : YAML::Mark(),
         fmt::format("The deployment failed because the application specification file specifies an unsupported "
                     "operating system ({}). Specify either \"linux\" or \"windows\" in the os section of the "
                     "AppSpec file, and then try again.",
                     os));
  spec.os = os;
}

void Parser::parse_files(const YAML::Node& n, AppSpec& spec) const {
  if (n.IsNull()) return;
  if (!n.IsSequence()) fail(n, "expected files to be a list of {source, destination}");
  for (const auto& entry : n) {
    if (!entry.IsMap()) fail(entry, "expected a files entry with source and destination");
    FileMapping m{.line = entry.Mark().line + 1, .column = entry.Mark().column + 1};
    bool has_source = false, has_destination = false;
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      const std::string key = scalar(it->first, "a key");
      if (key == "source")
        m.source = scalar(it->second, "source"), has_source = true;
      else if (key == "destination")
        m.destination = scalar(it->second, "destination"), has_destination = true;
      // `overwrite: yes` is common in published appspecs; the agent's FileInfo reads only source and
      // destination (application_specification.rb parse_files), so it is valid and changes nothing:
      // file_exists_behavior is what decides (semantics.md §4).
      else if (key == "overwrite")
        continue;
      else
        fail(it->first, fmt::format("unknown key '{}' in files; expected source and destination", key));
    }
    // file_info.rb's own messages for an entry without one of the two.
    if (!has_source || m.source.empty())
      fail(entry,
           "The deployment failed because the application specification file specifies a destination file, "
           "but no source file. Update the files section of the AppSpec file, and then try again.");
    if (!has_destination || m.destination.empty())
      fail(entry, fmt::format("The deployment failed because the application specification file specifies only a "
                              "source file ({}). Add the name of the destination file to the files section of the "
                              "AppSpec file, and then try again.",
                              m.source));
    if (m.destination.front() != '/')
      fail(entry, fmt::format("files: destination '{}' is not an absolute path on the instance; expected "
                              "destination: /path/on/instance",
                              m.destination));
    spec.files.push_back(std::move(m));
  }
}

void Parser::parse_file_exists_behavior(const YAML::Node& n, AppSpec& spec) const {
  const std::string v = n.IsScalar() ? n.Scalar() : "";
  if (v == "DISALLOW")
    spec.file_exists_behavior = FileExistsBehavior::disallow;
  else if (v == "OVERWRITE")
    spec.file_exists_behavior = FileExistsBehavior::overwrite;
  else if (v == "RETAIN")
    spec.file_exists_behavior = FileExistsBehavior::retain;
  else
    fail(n, fmt::format("The deployment failed because an invalid option was specified for fileExistsBehavior: {}. "
                        "Valid options include OVERWRITE, RETAIN, and DISALLOW.",
                        v));
}

void Parser::parse_hooks(const YAML::Node& n, AppSpec& spec) const {
  if (n.IsNull()) return;
  if (!n.IsMap())
    fail(n, fmt::format("expected hooks to map lifecycle events ({}) to lists of scripts", kExpectedHooks));
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string name = scalar(it->first, "a lifecycle event name");
    auto event = lifecycle_event_from(name);
    if (!event) fail(it->first, fmt::format("unknown lifecycle event '{}'; expected one of {}", name, kExpectedHooks));
    if (!is_scriptable(*event))
      fail(it->first, fmt::format("lifecycle event '{}' cannot be scripted (the agent runs Start, DownloadBundle, "
                                  "Install and End itself); expected one of {}",
                                  name, kExpectedHooks));
    auto& scripts = spec.hooks[*event];
    scripts.clear();                     // an event given twice: the agent's Ruby hash keeps the last one
    const YAML::Node list = it->second;  // a copy: a range-for over it->second outlives its proxy
    if (list.IsNull()) continue;
    if (!list.IsSequence()) fail(list, fmt::format("expected {} to be a list of '- location: <script>'", name));
    for (const auto& s : list) scripts.push_back(parse_script(s, fmt::format("hooks.{}[{}]", name, scripts.size())));
  }
}

// script_info.rb reads the timeout with Ruby's to_i: leading digits count ("30s" is 30), no digits is
// 0, and 0 or less is refused with the agent's message. 3600 s is CodeDeploy's cap for a script (and
// for all scripts of one event together: "the maximum amount of time allowed for script execution
// for each lifecycle event", AppSpec reference, hooks section); the agent itself does not check it.
int Parser::parse_timeout(const YAML::Node& n, const std::string& field) const {
  const std::string t = n.IsScalar() ? n.Scalar() : "";
  size_t i = t.find_first_not_of(" \t\n");
  bool negative = false;
  if (i != std::string::npos && (t[i] == '-' || t[i] == '+')) negative = t[i++] == '-';
  long long v = 0;
  for (; i < t.size() && v <= 3600; ++i) {
    if (t[i] == '_' && i + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[i + 1]))) continue;
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) break;
    v = v * 10 + (t[i] - '0');
  }
  if (negative) v = -v;
  if (v <= 0)
    fail(n, fmt::format("{}.timeout '{}': The deployment failed because an invalid timeout value was provided for a "
                        "script in the application specification file. Make corrections in the hooks section of the "
                        "AppSpec file, and then try again.",
                        field, t));
  if (v > 3600)
    fail(n, fmt::format("{}.timeout '{}' is out of range (1..3600 seconds: CodeDeploy allows a lifecycle event's "
                        "scripts one hour)",
                        field, t));
  return static_cast<int>(v);
}

HookScript Parser::parse_script(const YAML::Node& n, const std::string& field) const {
  if (!n.IsMap())
    fail(n, fmt::format("{}: expected a script entry: '- location: <script>' with optional timeout and runas", field));
  HookScript script;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = scalar(it->first, "a key");
    if (key == "location") {
      script.location = it->second.IsScalar() ? it->second.Scalar() : "";
      script.line = it->second.Mark().line + 1;
      script.column = it->second.Mark().column + 1;
    } else if (key == "timeout") {
      script.timeout_seconds = parse_timeout(it->second, field);
    } else if (key == "runas") {
      script.runas = scalar(it->second, "runas");
    } else if (key == "sudo") {
      continue;  // accepted (the agent reads it) and ignored
    } else {
      fail(it->first, fmt::format("unknown key '{}' in a script entry; expected location, timeout or runas", key));
    }
  }
  if (script.location.empty())
    fail(n,
         "The deployment failed because the application specification file specifies a script with no location "
         "value. Specify the location in the hooks section of the AppSpec file, and then try again.");
  return script;
}

}  // namespace

std::string_view to_string(FileExistsBehavior b) {
  switch (b) {
    case FileExistsBehavior::disallow:
      return "DISALLOW";
    case FileExistsBehavior::overwrite:
      return "OVERWRITE";
    case FileExistsBehavior::retain:
      return "RETAIN";
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

AppSpec parse_appspec(const std::filesystem::path& path, const std::string& display_name) {
  const std::string name = display_name.empty() ? path.string() : display_name;
  // An appspec is a page; a megabyte bounds what a wrong file (a log, an archive) can cost.
  constexpr std::uintmax_t kMaxBytes = 1 << 20;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw AppSpecError(name, 1, 1, "is a folder, not a file (expected appspec.yml at the bundle root)");
  // A FIFO or a device would block the read or never end it.
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw AppSpecError(name, 1, 1, "is not a regular file (expected appspec.yml at the bundle root)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw AppSpecError(name, 1, 1, "cannot read the AppSpec file (expected appspec.yml at the bundle root)");
  if (auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxBytes)
    throw AppSpecError(name, 1, 1,
                       fmt::format("is {} bytes, more than the {} an AppSpec file may hold here", size, kMaxBytes));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_appspec_text(text.str(), name);
}

AppSpec parse_appspec_text(std::string_view text, const std::string& source_name) {
  return Parser(source_name).parse(text);
}

}  // namespace bg::fakes
