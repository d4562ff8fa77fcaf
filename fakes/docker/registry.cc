#include "fakes/docker/registry.h"

#include <stdexcept>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

// Splits "name[:tag][@digest]" into name and the rest (":tag", "@sha256:..."), with ":latest" when
// neither is given.
std::pair<std::string, std::string> split_tag(const std::string& ref) {
  size_t at = ref.find('@');
  if (at != std::string::npos) return {ref.substr(0, at), ref.substr(at)};
  size_t slash = ref.rfind('/');
  size_t colon = ref.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
    return {ref.substr(0, colon), ref.substr(colon)};
  return {ref, ":latest"};
}

// distribution/reference splitDockerDomain.
std::string qualified_name(const std::string& name) {
  size_t slash = name.find('/');
  if (slash == std::string::npos) return "docker.io/library/" + name;
  std::string first = name.substr(0, slash);
  if (first.find_first_of(".:") == std::string::npos && first != "localhost") return "docker.io/" + name;
  if (first == "index.docker.io") return "docker.io" + name.substr(slash);
  return name;
}

}  // namespace

std::string Registry::fully_qualified(const std::string& ref) {
  auto [name, tag] = split_tag(ref);
  return qualified_name(name) + tag;
}

std::string Registry::familiar_name(const std::string& ref) {
  std::string name = qualified_name(split_tag(ref).first);
  if (name.rfind("docker.io/library/", 0) == 0) return name.substr(18);
  if (name.rfind("docker.io/", 0) == 0) return name.substr(10);
  return name;
}

std::string Registry::familiar(const std::string& ref) { return familiar_name(ref) + split_tag(ref).second; }

Registry::Found Registry::pull(const std::string& ref) const {
  const std::string wanted = fully_qualified(ref);
  const std::string repo = qualified_name(split_tag(ref).first);
  for (auto it = pushed_.rbegin(); it != pushed_.rend(); ++it)
    if (it->first == wanted) {
      Found f;
      f.stock.image = ref;
      f.stock.runs = it->second.runs.empty() ? kRunsApp : it->second.runs;
      f.stock.files = it->second.files;
      f.pushed = it->second;
      return f;
    }
  bool repo_known = false;
  for (const auto& s : stock_) {
    if (fully_qualified(s.image) == wanted) return Found{s, std::nullopt};
    repo_known = repo_known || qualified_name(split_tag(s.image).first) == repo;
  }
  for (const auto& [r, image] : pushed_) repo_known = repo_known || qualified_name(split_tag(r).first) == repo;
  if (repo_known)
    throw std::runtime_error(
        fmt::format("manifest for {} not found: manifest unknown: manifest unknown", familiar(ref)));
  throw std::runtime_error(fmt::format(
      "pull access denied for {}, repository does not exist or may require 'docker login': denied: requested access "
      "to the resource is denied",
      familiar_name(ref)));
}

void Registry::push(const std::string& ref, const Image& image) { pushed_.emplace_back(fully_qualified(ref), image); }

}  // namespace bg::fakes
