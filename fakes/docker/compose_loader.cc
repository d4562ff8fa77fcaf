#include "fakes/docker/compose_loader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "fakes/docker/compose_document.h"
#include "fakes/docker/compose_merge.h"
#include "fakes/docker/env_file.h"

namespace bg::fakes {
namespace fs = std::filesystem;
namespace {

// compose-go cli/options.go DefaultFileNames / DefaultOverrideFileNames; docker-compose 1.29.2
// config.py SUPPORTED_FILENAMES / DEFAULT_OVERRIDE_FILENAMES (docker-compose.* first).
const std::vector<std::string> kV2Names = {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"};
const std::vector<std::string> kV2Overrides = {"compose.override.yml", "compose.override.yaml",
                                               "docker-compose.override.yml", "docker-compose.override.yaml"};
const std::vector<std::string> kV1Names = {"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"};
const std::vector<std::string> kV1Overrides = {"docker-compose.override.yml", "docker-compose.override.yaml",
                                               "compose.override.yml", "compose.override.yaml"};

std::vector<std::string> split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at - start));
    if (at == std::string::npos) return out;
    start = at + sep.size();
  }
}

std::optional<std::string> get(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string read_text(const fs::path& real) {
  std::ifstream in(real, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

// filepath.Abs: joined to the cwd, cleaned, without a trailing slash ("." is the cwd itself).
std::string ComposeLoader::absolute(const std::string& path) const {
  std::string s = (cwd_ / path).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

fs::path ComposeLoader::real(const std::string& host_path) const {
  return paths_ ? paths_->resolve(host_path) : fs::path(host_path);
}

bool ComposeLoader::exists(const std::string& host_path) const {
  std::error_code ec;
  return fs::exists(real(host_path), ec);
}

// compose-go normalizeProjectName (lower case, [a-z0-9_-], no leading _ or -); docker-compose 1.x
// get_project_name's normalize_name (lower case, [-_a-z0-9]).
std::string ComposeLoader::normalize_project_name(const std::string& name, bool v1) {
  std::string out;
  for (char c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') out += c;
  }
  if (!v1) out.erase(0, out.find_first_not_of("_-") == std::string::npos ? out.size() : out.find_first_not_of("_-"));
  return out;
}

// The project directory before the files are read: --project-directory, else the first -f file's
// folder (COMPOSE_FILE's for v1, which reads it from the process environment here), else the cwd.
std::string ComposeLoader::working_dir(const ComposeLoadOptions& o, const std::vector<std::string>& files) const {
  if (!o.project_directory.empty()) return absolute(o.project_directory);
  if (!files.empty() && files.front() != "-") return fs::path(absolute(files.front())).parent_path().string();
  return absolute(".");
}

std::map<std::string, std::string> ComposeLoader::variables(const ComposeLoadOptions& o,
                                                            std::vector<std::string>& warnings) const {
  const bool v1 = dialect_.generation() == TemplateSyntax::python_v1;
  std::vector<std::string> files = o.files;
  if (files.empty() && v1)
    if (auto f = get(env_, "COMPOSE_FILE")) files = split(*f, get(env_, "COMPOSE_PATH_SEPARATOR").value_or(":"));
  std::vector<std::string> env_files = o.env_files;
  // Before compose 2.17, --env-file is a single flag: the last one given counts.
  if (env_files.size() > 1 && (v1 || dialect_.generation() != TemplateSyntax::go_v1_17)) env_files = {env_files.back()};
  bool given = !env_files.empty();
  if (!given) env_files = {(fs::path(working_dir(o, files)) / ".env").string()};
  std::map<std::string, std::string> vars;
  for (const auto& f : env_files) {
    std::string host = absolute(f);
    std::error_code ec;
    if (!fs::exists(real(host), ec)) {
      if (!given) break;
      // compose-go 1.2.4 names the file as given, later versions and docker-compose 1.x absolute.
      throw ComposeFileError(
          fmt::format("Couldn't find env file: {}", dialect_.generation() == TemplateSyntax::go_v1_2 ? f : host));
    }
    if (fs::is_directory(real(host))) {
      if (!given) break;
      throw ComposeFileError(fmt::format("{} is a directory", host));
    }
    auto lookup = [&](const std::string& k) -> std::optional<std::string> {
      if (auto v = get(env_, k)) return v;
      return get(vars, k);
    };
    try {
      EnvFileContents c = parse_env_file(read_text(real(host)), dialect_.generation(), lookup);
      for (auto& w : c.warnings) warnings.push_back(w);
      for (auto& [k, v] : c.values) vars[k] = v;
    } catch (const EnvFileError& e) {
      throw ComposeFileError(fmt::format("failed to read {}: {}", host, e.what()));
    }
  }
  for (const auto& [k, v] : env_) vars[k] = v;  // the caller's environment wins
  return vars;
}

ComposeLoader::Files ComposeLoader::config_files(const ComposeLoadOptions& o,
                                                 const std::map<std::string, std::string>& vars,
                                                 std::vector<std::string>& warnings) const {
  const bool v1 = dialect_.generation() == TemplateSyntax::python_v1;
  Files files;
  std::vector<std::string> given = o.files;
  if (given.empty())
    if (auto f = get(vars, "COMPOSE_FILE"); f && !f->empty())
      given = split(*f, get(vars, "COMPOSE_PATH_SEPARATOR").value_or(":"));
  for (const auto& f : given) {
    if (f == "-") throw core::NotModelled("compose -f - (a compose file read from stdin)");
    files.given.push_back(f);
    files.host.push_back(absolute(f));
    // docker-compose 1.x joins each file to the project dir ".": it names ./x.yml.
    files.shown.push_back(v1 && f.front() != '/' ? (fs::path(".") / f).string() : absolute(f));
  }
  if (!files.host.empty()) return files;
  // Search the working directory, then its parents, for the first default name.
  fs::path dir = o.project_directory.empty() ? cwd_.lexically_normal() : fs::path(absolute(o.project_directory));
  std::string relative = ".";
  while (true) {
    std::vector<std::string> found;
    for (const auto& n : v1 ? kV1Names : kV2Names)
      if (exists((dir / n).string())) found.push_back(n);
    if (!found.empty()) {
      auto shown = [&](const std::string& n) { return v1 ? (fs::path(relative) / n).string() : (dir / n).string(); };
      if (found.size() > 1) {
        std::vector<std::string> all;
        for (const auto& n : found) all.push_back(shown(n));
        warnings.push_back(fmt::format("Found multiple config files with supported names: {}", fmt::join(all, ", ")));
        warnings.push_back(fmt::format("Using {}", all.front()));
      }
      files.host.push_back((dir / found.front()).string());
      files.shown.push_back(shown(found.front()));
      files.given.push_back(found.front());
      std::vector<std::string> overrides;
      for (const auto& n : v1 ? kV1Overrides : kV2Overrides)
        if (exists((dir / n).string())) overrides.push_back(n);
      if (overrides.size() > 1 && v1)  // config.py DuplicateOverrideFileFound
        throw ComposeFileError(fmt::format(
            "Multiple override files found: {}. You may only use a single override file.", fmt::join(overrides, ", ")));
      if (!overrides.empty()) {
        files.host.push_back((dir / overrides.front()).string());
        files.shown.push_back(shown(overrides.front()));
        files.given.push_back(overrides.front());
      }
      return files;
    }
    if (dir == dir.root_path() || dir.empty()) break;
    dir = dir.parent_path();
    relative = (fs::path(relative) / "..").string();
  }
  throw ComposeFileError(dialect_.no_config_file(), ComposeFileError::Kind::not_found);
}

// docker-compose 1.x validate_depends_on and network.py; compose-go loader/validate.go
// checkConsistency (errdefs.ErrInvalid: ": invalid compose project").
void ComposeLoader::check_references(const ComposeFile& config) const {
  const bool v1 = dialect_.generation() == TemplateSyntax::python_v1;
  for (const auto& s : config.services) {
    if (s.image.empty() && !s.build)
      throw ComposeFileError(
          v1 ? fmt::format("Service {} has neither an image nor a build context specified. At least one must be "
                           "provided.",
                           s.name)
             : fmt::format("service \"{}\" has neither an image nor a build context specified: invalid compose project",
                           s.name));
    for (const auto& d : s.depends_on)
      if (!config.find(d.service))
        throw ComposeFileError(
            v1 ? fmt::format("Service '{}' depends on service '{}' which is undefined.", s.name, d.service)
               : fmt::format("service \"{}\" depends on undefined service {}: invalid compose project", s.name,
                             d.service));
    for (const auto& n : s.networks) {
      bool declared = n.key == "default" || std::any_of(config.networks.begin(), config.networks.end(),
                                                        [&](const ProjectResource& r) { return r.key == n.key; });
      if (!declared)
        throw ComposeFileError(
            v1 ? fmt::format("Service \"{}\" uses an undefined network \"{}\"", s.name, n.key)
               : fmt::format("service \"{}\" refers to undefined network {}: invalid compose project", s.name, n.key));
    }
    for (const auto& m : s.volumes) {
      if (!m.named || m.source.empty()) continue;
      bool declared = std::any_of(config.volumes.begin(), config.volumes.end(),
                                  [&](const ProjectResource& r) { return r.key == m.source; });
      if (!declared)
        throw ComposeFileError(
            v1 ? fmt::format("Named volume \"{}:{}:{}\" is used in service \"{}\" but no declaration was found in the "
                             "volumes section.",
                             m.source, m.target, m.read_only ? "ro" : "rw", s.name)
               : fmt::format("service \"{}\" refers to undefined volume {}: invalid compose project", s.name,
                             m.source));
    }
  }
}

// compose-go ResolveServicesEnvironment (v1.17.0; resolveEnvironment in v1.2.4): each env_file in
// order, then `environment:` over it, a bare KEY taken from the project's variables when set.
void ComposeLoader::resolve_environment(ServiceConfig& s, const std::map<std::string, std::string>& vars) const {
  std::map<std::string, std::string> env;
  const TemplateSyntax g = dialect_.generation();
  for (const auto& f : s.env_files) {
    std::error_code ec;
    if (!fs::exists(real(f), ec)) {
      if (g == TemplateSyntax::python_v1) throw ComposeFileError(fmt::format("Couldn't find env file: {}", f));
      std::string open = fmt::format("open {}: no such file or directory", f);
      throw ComposeFileError(g == TemplateSyntax::go_v1_17 ? fmt::format("Failed to load {}: {}", f, open) : open,
                             ComposeFileError::Kind::not_found);
    }
    auto lookup = [&](const std::string& k) -> std::optional<std::string> {
      if (auto it = env.find(k); it != env.end()) return it->second;
      return get(vars, k);
    };
    try {
      for (auto& [k, v] : parse_env_file(read_text(real(f)), g, lookup).values) env[k] = v;
    } catch (const EnvFileError& e) {
      throw ComposeFileError(fmt::format("failed to read {}: {}", f, e.what()));
    }
  }
  for (const auto& [k, v] : s.environment_entries) {
    if (v)
      env[k] = *v;
    else if (auto from = get(vars, k))
      env[k] = *from;
    else
      env.erase(k);  // a bare KEY that is not set: the container does not get it
  }
  s.environment = env;
}

ComposeProject ComposeLoader::load(const ComposeLoadOptions& o, std::vector<std::string>& warnings) const {
  const TemplateSyntax g = dialect_.generation();
  const bool v1 = g == TemplateSyntax::python_v1;
  ComposeProject project;
  project.environment = variables(o, warnings);
  Files files = config_files(o, project.environment, warnings);
  project.working_dir = working_dir(o, files.host);
  project.files = files.shown;
  auto lookup = [&](const std::string& k) { return get(project.environment, k); };
  std::vector<ComposeFile> read;
  std::vector<std::string> unset;
  for (size_t i = 0; i < files.host.size(); ++i) {
    ComposeSource source{files.shown[i], real(files.host[i])};
    YAML::Node root =
        load_compose_document(source, dialect_.missing_file(files.host[i], files.given[i]), g, lookup, unset);
    ComposeFileContext context{g, files.shown[i], project.working_dir, get(project.environment, "HOME")};
    read.push_back(read_compose_file(root, context));
  }
  // docker-compose 1.x warns once per variable (Environment.missing_keys), compose-go per lookup.
  std::vector<std::string> warned;
  for (const auto& name : unset) {
    if (o.silent_variables) break;
    if (v1 && std::find(warned.begin(), warned.end(), name) != warned.end()) continue;
    warned.push_back(name);
    warnings.push_back(dialect_.unset_variable(name));
  }
  project.config = merge_compose_files(std::move(read), g);
  check_references(project.config);
  // -p, then COMPOSE_PROJECT_NAME, then `name:` (compose-go withNamePrecedenceLoad), then the folder.
  std::string name = o.project_name;
  if (name.empty()) name = get(project.environment, "COMPOSE_PROJECT_NAME").value_or("");
  if (name.empty() && !v1) name = project.config.name;
  if (name.empty()) name = fs::path(project.working_dir).filename().string();
  project.name = normalize_project_name(name, v1);
  if (project.name.empty()) {
    if (!v1) throw ComposeFileError("project name can't be empty. Use `--project-name` to set a valid name");
    project.name = "default";
  }
  std::vector<std::string> profiles = o.profiles;
  if (profiles.empty())
    if (auto p = get(project.environment, "COMPOSE_PROFILES"); p && !p->empty()) profiles = split(*p, ",");
  std::vector<ServiceConfig> enabled;
  for (auto& s : project.config.services) {
    bool named = std::find(o.services.begin(), o.services.end(), s.name) != o.services.end();
    bool on = s.profiles.empty() || named || std::any_of(s.profiles.begin(), s.profiles.end(), [&](const auto& p) {
                return std::find(profiles.begin(), profiles.end(), p) != profiles.end();
              });
    if (!on) {
      project.disabled.push_back(s.name);
      continue;
    }
    resolve_environment(s, project.environment);
    enabled.push_back(std::move(s));
  }
  project.config.services = std::move(enabled);
  return project;
}

std::string ComposeLoader::project_name(const ComposeLoadOptions& o, std::vector<std::string>& warnings) const {
  if (!dialect_.project_needs_file()) {
    if (!o.project_name.empty()) return normalize_project_name(o.project_name, false);
    if (auto env = get(env_, "COMPOSE_PROJECT_NAME"); env && !env->empty()) return normalize_project_name(*env, false);
  }
  return load(o, warnings).name;
}

}  // namespace bg::fakes
