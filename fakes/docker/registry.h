#pragma once
// Registry: the images a run's `docker pull` (and `run`, compose `pull`/`up`) can fetch, as the
// scenario names them (`docker.registry:` in scenario.yaml), plus what the run's scripts `docker
// push`. One registry stands for every registry host (Docker Hub, ghcr.io...): a reference is
// looked up by its normalised name (nginx -> docker.io/library/nginx:latest).
//
// Pull errors are the daemon's (moby distribution/errors.go@v20.10.17): a repository the registry
// does not hold -> "pull access denied for X, repository does not exist or may require 'docker
// login': denied: requested access to the resource is denied" (Docker Hub's answer; simplification:
// other hosts answer the same); a known repository without that tag -> "manifest for X:tag not
// found: manifest unknown: manifest unknown".
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fakes/docker/image_store.h"

namespace bg::fakes {

// What an image's process is: the fake Next.js app, or nginx (the run's proxy in a container).
inline constexpr const char* kRunsApp = "app";
inline constexpr const char* kRunsNginx = "nginx";

struct RegistryImage {
  std::string image;            // as the scenario writes it: "nginx:1.25-alpine"
  std::string runs = kRunsApp;  // kRunsApp | kRunsNginx
  std::filesystem::path files;  // a folder whose tree the image brings ("" none)...
  std::string files_at = "/";   // ...laid at this path of the container (e.g. "/etc/nginx")
};

class Registry {
 public:
  explicit Registry(std::vector<RegistryImage> stock = {}) : stock_(std::move(stock)) {}

  // docker/distribution reference.ParseNormalizedNamed + TagNameOnly, as the daemon names what it
  // pulls: "nginx" -> "docker.io/library/nginx:latest", "ghcr.io/acme/web" -> "ghcr.io/acme/web:latest".
  static std::string fully_qualified(const std::string& ref);
  // reference.FamiliarName: "docker.io/library/nginx:1.25" -> "nginx"; "ghcr.io/acme/web:1" -> "ghcr.io/acme/web".
  static std::string familiar_name(const std::string& ref);
  // reference.FamiliarString with the tag: "nginx:1.25", "ghcr.io/acme/web:latest".
  static std::string familiar(const std::string& ref);

  struct Found {
    RegistryImage stock;          // what it runs and brings
    std::optional<Image> pushed;  // the image a script pushed there, when it was pushed
  };
  // Throws std::runtime_error with the daemon's pull error when the registry does not have it.
  Found pull(const std::string& ref) const;
  // Records an image pushed under `ref` (a later pull gets that very image).
  void push(const std::string& ref, const Image& image);

 private:
  std::vector<RegistryImage> stock_;
  std::vector<std::pair<std::string, Image>> pushed_;  // fully qualified ref -> image
};

}  // namespace bg::fakes
