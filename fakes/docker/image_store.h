#pragma once
// ImageStore: the engine's images — tag -> {image id, Next.js build id, created, Dockerfile} — and
// the ids a legacy `docker build` prints. Pure: randomness comes from the core::Rng passed in (a
// Next.js build id is random per build, so two builds of the same source differ, as in life).
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
  Dockerfile dockerfile;
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
  // Adds another tag to an existing image (`docker build -t a -t b`, `docker tag`).
  void tag(const Image& image, const std::string& tag);
  std::optional<Image> find(const std::string& ref) const;
  std::vector<Image> list() const;

 private:
  std::map<std::string, Image> by_ref_;
};

}  // namespace bg::fakes
