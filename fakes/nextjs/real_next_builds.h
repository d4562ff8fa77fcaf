#pragma once
// RealNextBuilds: the real Next.js builds a run's containers run (`app: {engine: real}`).
//
// apps/next/build.sh makes one standalone build per pinned version with the build id kTemplateId.
// A real deploy builds its image once per push, each with a fresh build id; building the app again
// for each id would cost a minute of CPU a push. A build differs from another of the same source
// only in its id: the id names .next/BUILD_ID's content, the folder .next/static/<id>/ and the
// strings in the server's manifests, pages and config that quote it (found in all three versions:
// build-manifest.json, required-server-files.json, server.js, the pages, the prerendered 404/500).
// So a build for id X is the template's files with every kTemplateId replaced by X, in names and in
// contents, the rest hard-linked (copied where the run folder is on another file system). Made once
// per id in the run's folder, which goes with the run.
//
// shared_static (app.shared_static, R08's fix: every build's static files stay served, from a
// volume or a CDN): each build's .next/static also lists every other build's <id>/ folder of the run
// (symbolic links, as a shared volume mounted there would show them).
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace bg::fakes {

class RealNextBuilds {
 public:
  static constexpr const char* kTemplateId = "bluegreen-template-id";  // 21 characters, as Next's nanoid ids

  // The apps/next folder of a scenario's app.next_version ("12.2" -> "v12.2"); nullopt when no pinned
  // build exists for it.
  static std::optional<std::string> version_folder(const std::string& next_version);
  // $BLUEGREEN_NEXT_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/bluegreen/next (build.sh's default).
  static std::filesystem::path default_cache();
  // The template build's standalone folder for a version folder, or a message saying what is missing
  // and the command that builds it (`build_script`: apps/next/build.sh where this bluegreen has it).
  static std::variant<std::filesystem::path, std::string> find_template(
      const std::filesystem::path& cache, const std::string& version_folder,
      const std::filesystem::path& build_script = "apps/next/build.sh");

  // `standalone`: a template's standalone folder; `root`: where this run's builds go.
  RealNextBuilds(std::filesystem::path standalone, std::filesystem::path root, bool shared_static);

  // The standalone folder of build `id` (letters, digits, '_', '-'), made the first time it is asked
  // for; safe from any thread. Throws std::runtime_error naming the file that could not be made.
  std::filesystem::path standalone_for(const std::string& id);

 private:
  void materialize(const std::filesystem::path& into, const std::string& id) const;
  void share_static(const std::filesystem::path& into, const std::string& id);

  std::filesystem::path template_;
  std::filesystem::path root_;
  bool shared_static_;
  std::mutex mutex_;
  std::map<std::string, std::filesystem::path> made_;  // id -> standalone folder
};

}  // namespace bg::fakes
