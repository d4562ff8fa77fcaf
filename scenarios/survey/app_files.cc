#include "scenarios/survey/app_files.h"

#include <yaml-cpp/yaml.h>

#include <regex>
#include <sstream>

namespace bg::survey {
namespace {

// The Dockerfile the host builds: the root one, else the first one found.
const TextFile* dockerfile(const FolderFiles& folder) {
  if (const TextFile* root = folder.find("Dockerfile")) return root;
  for (const auto& f : folder.files())
    if (f.name() == "Dockerfile" || f.name().rfind("Dockerfile.", 0) == 0) return &f;
  return nullptr;
}

void read_dockerfile(const TextFile& f, AppFacts& out) {
  static const std::regex from(R"(^\s*FROM\s.*)", std::regex::icase);
  static const std::regex expose(R"(^\s*EXPOSE\s+(.*))", std::regex::icase);
  // `ENV PORT 3000`, `ENV PORT=3000`, `ENV NODE_ENV=production PORT=3000` (not NEXT_PUBLIC_PORT).
  static const std::regex env_port(R"re(^\s*ENV\s+(?:.*\s)?PORT[= ]\s*"?(\d+)"?.*)re");
  static const std::regex cmd(R"(^\s*CMD\s+(.*))", std::regex::icase);
  for (size_t i = 0; i < f.lines.size(); ++i) {
    const std::string& l = f.lines[i];
    const Source at{f.path, static_cast<int>(i) + 1};
    std::smatch m;
    // Only the last stage is the image that runs: an earlier stage's EXPOSE does not carry over.
    if (std::regex_match(l, from)) {
      out.exposed.clear();
      out.env_port.clear();
      out.cmd = {};
    } else if (std::regex_match(l, m, expose)) {
      std::istringstream ports(m[1].str());
      for (std::string p; ports >> p;) out.exposed.push_back({p.substr(0, p.find('/')), at});
    } else if (std::regex_match(l, m, env_port)) {
      out.env_port.push_back({m[1], at});
    } else if (std::regex_match(l, m, cmd)) {
      out.cmd = {m[1], at};
    }
  }
}

void read_package_json(const TextFile& f, AppFacts& out) {
  std::string text;
  for (const auto& l : f.lines) text += l + "\n";
  try {
    // JSON is YAML's flow style: yaml-cpp reads package.json and keeps each value's line.
    const YAML::Node root = YAML::Load(text);
    for (const char* section : {"dependencies", "devDependencies"})
      if (const auto next = root[section]["next"]; next && next.IsScalar()) {
        out.next_dependency = {next.Scalar(), {f.path, next.Mark().line + 1}};
        return;
      }
  } catch (const YAML::Exception&) {
    // A package.json that does not parse names no version; the summary says the version is unknown.
  }
}

}  // namespace

AppFacts read_app_files(const FolderFiles& folder) {
  AppFacts out;
  if (const TextFile* f = dockerfile(folder)) read_dockerfile(*f, out);
  if (const TextFile* f = folder.find("package.json")) read_package_json(*f, out);
  static const std::regex standalone(R"(outputStandalone\s*:\s*true)");
  for (const char* name : {"next.config.js", "next.config.mjs", "next.config.ts"}) {
    const TextFile* f = folder.find(name);
    for (size_t i = 0; f && i < f->lines.size(); ++i)
      if (std::regex_search(f->lines[i], standalone))
        out.next_config_hint = {"experimental.outputStandalone", {f->path, static_cast<int>(i) + 1}};
  }
  return out;
}

std::string next_major_minor(const std::string& range) {
  static const std::regex version(R"(^[\^~>=v\s]*(\d+)\.(\d+)(\.[0-9x*]+)?.*$)");
  std::smatch m;
  if (!std::regex_match(range, m, version)) return "";
  return m[1].str() + "." + m[2].str();
}

}  // namespace bg::survey
