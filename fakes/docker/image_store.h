#pragma once
// ImageStore: the engine's images — by id, and tag -> image id — with what each runs, and the ids a
// legacy `docker build` prints. Pure: randomness comes from the core::Rng passed in (a Next.js build
// id is random per build, so two builds of the same source differ, as in life). An image stays
// while a tag names it or a container was created from it; untagged, it is "dangling" (<none>).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/time.h"
#include "fakes/docker/dockerfile.h"

namespace bg::fakes {

struct Image {
  std::string ref;       // normalised tag: docker-image:latest
  std::string id;        // 64 hex digits (sha256:<id>); `docker build` prints the first 12
  std::string build_id;  // the Next.js build id baked in at `yarn build` (21 chars, nanoid alphabet)
  core::Time created{};
  Dockerfile dockerfile;  // the final stage's config: base, ENV, CMD, ENTRYPOINT (no instructions)
  // What the image's process is: "app" (the fake Next.js: every built image) or "nginx" (the run's
  // proxy in a container), as the registry names it (registry.h).
  std::string runs = "app";
  std::filesystem::path files;            // a folder whose tree the image brings ("" none)...
  std::string files_at = "/";             // ...laid at this container path
  std::vector<std::string> repo_digests;  // "nginx@sha256:..." once pulled or pushed
  std::string stop_signal;                // STOPSIGNAL ("" = SIGTERM)
  std::string workdir;                    // WORKDIR ("" = /)
  std::vector<std::string> exposed;       // EXPOSE: "3000/tcp"
  int64_t size = 0;                       // bytes, as `docker images` shows it
};

struct BuildResult {
  Image image;
  // Per instruction: the layer id printed after " ---> ", and the intermediate container id printed
  // in " ---> Running in <id>" ("" for steps that run no container: FROM, COPY, ADD).
  std::vector<std::string> layer_ids;
  std::vector<std::string> container_ids;
};

class ImageStore {
 public:
  // "docker-image" -> "docker-image:latest"; a reference with a tag or digest is kept.
  static std::string normalize_ref(const std::string& ref);
  // The repository part Docker names in pull errors ("docker-image").
  static std::string repository(const std::string& ref);
  // n lowercase hex digits.
  static std::string random_hex(core::Rng& rng, int n);

  // Records a finished build and tags it (the tag moves to the new image; the old image stays
  // referenced by the containers created from it). An empty tag builds an untagged image.
  BuildResult add_build(const Dockerfile& dockerfile, const std::string& tag, core::Time now, core::Rng& rng);
  // Adds another tag to an existing image (`docker build -t a -t b`, `docker tag`); a tag that
  // named another image moves.
  void tag(const Image& image, const std::string& tag);
  // Adds (or replaces) an image under its id, tagged `tag` when not empty (a pull).
  void add(const Image& image, const std::string& tag);
  // By tag, full id ("sha256:" optional) or an id prefix of 12+ digits; the Image's ref is the tag
  // asked for, else the image's first tag ("" when dangling).
  std::optional<Image> find(const std::string& ref) const;
  // Every tag, one Image per tag (its ref), then every dangling image (ref ""), sorted newest first.
  std::vector<Image> list() const;
  // The tags naming an image id, sorted.
  std::vector<std::string> tags_of(const std::string& id) const;
  // Removes a tag; returns false when it names nothing.
  bool untag(const std::string& ref);
  // Forgets an image and its tags.
  void erase(const std::string& id);
  // Every image id, tagged or not.
  std::vector<std::string> ids() const;

 private:
  std::map<std::string, Image> by_id_;
  std::map<std::string, std::string> tags_;  // normalised tag -> image id
};

}  // namespace bg::fakes
