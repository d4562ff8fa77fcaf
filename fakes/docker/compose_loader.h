#pragma once
// ComposeLoader: a compose project from the command line, the caller's environment and the host's
// files, as each compose version assembles it:
// - the variables: the caller's environment and the project's `.env` (or `--env-file`), the
//   caller's winning (compose-go cli/options.go WithDotEnv + WithOsEnv, v1.2.4 and v1.17.0;
//   docker-compose 1.29.2 compose/config/environment.py Environment.from_env_file);
// - the files: every `-f`, else COMPOSE_FILE (split on COMPOSE_PATH_SEPARATOR, default ":"), else
//   the first default name found in the working directory or a parent, with the override file
//   beside it (cli/options.go WithDefaultConfigPath; config.py get_default_config_files);
// - the project directory (--project-directory, else the first file's folder) and name (-p, else
//   COMPOSE_PROJECT_NAME, else the top-level `name:` (v2), else the folder's name, normalised);
// - each file substituted, validated and read (compose_document.h, compose_file.h), merged
//   (compose_merge.h), checked for references to undefined services, networks and volumes, and
//   each service's environment resolved from its env_files and `environment:`;
// - profiles: a service with `profiles:` only when one of them is enabled (--profile,
//   COMPOSE_PROFILES) or the service is named on the command line.
// Paths are the host's (the sandboxed host a script runs on): the loader opens them through the
// PathMap and names them as the host does.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/path_map.h"
#include "fakes/docker/compose_dialect.h"
#include "fakes/docker/compose_file.h"

namespace bg::fakes {

// The global options of one compose invocation that say which project it is.
struct ComposeLoadOptions {
  std::vector<std::string> files;      // -f, as given
  std::string project_name;            // -p
  std::string project_directory;       // --project-directory
  std::vector<std::string> env_files;  // --env-file (several from compose 2.17 on)
  std::vector<std::string> profiles;   // --profile
  std::vector<std::string> services;   // services named on the command line
  bool silent_variables = false;       // docker-compose 1.x: no unset-variable warnings
};

struct ComposeProject {
  std::string name;
  std::string working_dir;                         // host path
  std::vector<std::string> files;                  // host paths, as compose names them
  ComposeFile config;                              // merged; only the services enabled by profile
  std::vector<std::string> disabled;               // services left out by their profiles
  std::map<std::string, std::string> environment;  // the variables the files were substituted with
};

class ComposeLoader {
 public:
  // `paths` null: host paths are the harness's own (unit tests).
  ComposeLoader(const ComposeDialect& dialect, const core::PathMap* paths, std::filesystem::path cwd,
                const std::map<std::string, std::string>& env)
      : dialect_(dialect), paths_(paths), cwd_(std::move(cwd)), env_(env) {}

  // Loads the project. Warnings compose prints (unset variables, several default files) are
  // appended to `warnings`, unformatted. Throws ComposeFileError and core::NotModelled.
  ComposeProject load(const ComposeLoadOptions& options, std::vector<std::string>& warnings) const;

  // The project's name when the command needs only that: v2 takes -p or COMPOSE_PROJECT_NAME
  // without reading any file (cmd/compose/compose.go toProjectName); otherwise the project is
  // loaded. Throws as load().
  std::string project_name(const ComposeLoadOptions& options, std::vector<std::string>& warnings) const;

  // The variables compose substitutes with (environment and env file, per version).
  std::map<std::string, std::string> variables(const ComposeLoadOptions& options,
                                               std::vector<std::string>& warnings) const;

  std::filesystem::path real(const std::string& host_path) const;  // where the harness opens it
  static std::string normalize_project_name(const std::string& name, bool v1);

 private:
  struct Files {
    std::vector<std::string> host;   // absolute host paths
    std::vector<std::string> shown;  // as compose names them in messages
    std::vector<std::string> given;  // as written on the command line
  };
  Files config_files(const ComposeLoadOptions& options, const std::map<std::string, std::string>& vars,
                     std::vector<std::string>& warnings) const;
  std::string working_dir(const ComposeLoadOptions& options, const std::vector<std::string>& files) const;
  void check_references(const ComposeFile& config) const;
  void resolve_environment(ServiceConfig& service, const std::map<std::string, std::string>& vars) const;
  std::string absolute(const std::string& path) const;  // joined to the cwd, normalised
  bool exists(const std::string& host_path) const;

  const ComposeDialect& dialect_;
  const core::PathMap* paths_;
  std::filesystem::path cwd_;
  const std::map<std::string, std::string>& env_;
};

}  // namespace bg::fakes
