// DockerEngine's images: build, tag, pull from and push to the run's Registry, rmi and prune, with
// the daemon's conflict rules and messages (moby daemon/images/image_delete.go,
// image_prune.go@v20.10.17).
#include <set>

#include <fmt/format.h>

#include "fakes/docker/docker_engine.h"
#include "fakes/docker/docker_engine_live.h"

namespace bg::fakes {
namespace {

// What a stock image of the registry is, by what it runs: the official nginx image's ENTRYPOINT,
// CMD, STOPSIGNAL and EXPOSE (docker-library/nginx Dockerfile: STOPSIGNAL SIGQUIT since 1.21), or a
// Node image running a Next.js standalone server.js (semantics.md §5).
Image stock_image(const RegistryImage& stock, core::Rng& rng) {
  static constexpr char nanoid[] = "ModuleSymbhasOwnPr-0123456789ABCDEFGHNRVfgctiUvz_KqYTJkLxpZXIjQW";
  Image image;
  image.id = ImageStore::random_hex(rng, 64);
  image.runs = stock.runs;
  image.files = stock.files;
  image.files_at = stock.files_at;
  if (stock.runs == kRunsNginx) {
    image.dockerfile.entrypoint = {"/docker-entrypoint.sh"};
    image.dockerfile.cmd = {"nginx", "-g", "daemon off;"};
    image.dockerfile.base_image = Registry::familiar(stock.image);
    image.stop_signal = "SIGQUIT";
    image.exposed = {"80/tcp"};
    image.size = 41'400'000;
  } else {
    image.dockerfile.entrypoint = {"docker-entrypoint.sh"};
    image.dockerfile.cmd = {"node", "server.js"};
    image.dockerfile.env = {{"NODE_ENV", "production"}, {"PORT", "3000"}};
    image.workdir = "/app";
    image.exposed = {"3000/tcp"};
    image.size = 150'000'000;
    for (int i = 0; i < 21; ++i) image.build_id += nanoid[rng.uniform_int(0, 63)];
  }
  return image;
}

}  // namespace

std::pair<core::Duration, std::string> DockerEngine::draw_build_duration() {
  std::lock_guard lock(mutex_);  // builds of two runners may start at once on the live engine
  const core::Duration d = options_.build_duration.draw(build_duration_rng_);
  return {d, core::drawn_suffix("build_duration", d, options_.build_duration)};
}

BuildResult DockerEngine::build(const Dockerfile& dockerfile, const std::string& tag, std::stop_token stop) {
  const auto [duration, drawn] = draw_build_duration();
  if (!clock_.sleep_for(duration, stop)) throw DockerError("context canceled");
  std::lock_guard lock(mutex_);
  BuildResult result = images_.add_build(dockerfile, tag, clock_.now(), build_rng_);
  history_.append(core::DeployEvent{clock_.now(), core::DeployEventKind::image_built, 0, "", "", 0,
                                    fmt::format("{} {} build_id={}{}", result.image.ref, result.image.id.substr(0, 12),
                                                result.image.build_id, drawn)});
  return result;
}

std::optional<Image> DockerEngine::image(const std::string& ref) const {
  std::lock_guard lock(mutex_);
  return images_.find(ref);
}

void DockerEngine::tag(const Image& image, const std::string& tag) {
  std::lock_guard lock(mutex_);
  images_.tag(image, tag);
}

Image DockerEngine::pull(const std::string& ref) { return pull_image(ref).image; }

PullResult DockerEngine::pull_image(const std::string& ref) {
  std::lock_guard lock(mutex_);
  Registry::Found found;
  try {
    found = registry_.pull(ref);
  } catch (const std::runtime_error& e) {
    throw DockerError(e.what());
  }
  std::optional<Image> local = images_.find(ref);
  if (local && (!found.pushed || found.pushed->id == local->id)) return {*local, false};
  Image image = found.pushed ? *found.pushed : stock_image(found.stock, build_rng_);
  image.repo_digests = {Registry::familiar_name(ref) + "@sha256:" + ImageStore::random_hex(build_rng_, 64)};
  images_.add(image, ref);
  history_.append(
      core::DeployEvent{clock_.now(), core::DeployEventKind::image_pulled, 0, "", "", 0,
                        fmt::format("{} {} runs={}", Registry::familiar(ref), image.id.substr(0, 12), image.runs)});
  return {*images_.find(ref), true};
}

Image DockerEngine::push(const std::string& ref) {
  std::lock_guard lock(mutex_);
  std::optional<Image> image = images_.find(ref);
  if (!image) throw DockerError("An image does not exist locally with the tag: " + Registry::familiar_name(ref));
  registry_.push(ref, *image);
  return *image;
}

Image DockerEngine::build_and_push_elsewhere(const Dockerfile& dockerfile, const std::vector<std::string>& tags,
                                             std::stop_token stop) {
  const auto [duration, drawn] = draw_build_duration();
  if (!clock_.sleep_for(duration, stop)) throw DockerError("context canceled");
  std::lock_guard lock(mutex_);
  ImageStore runner;  // the other daemon's store: nothing of it reaches this one but through the registry
  BuildResult result = runner.add_build(dockerfile, tags.empty() ? "" : tags.front(), clock_.now(), build_rng_);
  for (const auto& tag : tags) registry_.push(tag, result.image);
  history_.append(core::DeployEvent{
      clock_.now(), core::DeployEventKind::image_built, 0, "", "", 0,
      fmt::format("{} {} build_id={} (built elsewhere, pushed){}", tags.empty() ? "<untagged>" : tags.front(),
                  result.image.id.substr(0, 12), result.image.build_id, drawn)});
  return result.image;
}

std::vector<std::string> DockerEngine::remove_image(const std::string& ref, bool force) {
  std::lock_guard lock(mutex_);
  std::optional<Image> image = images_.find(ref);
  if (!image) {
    bool id_like = ref.find_first_not_of("0123456789abcdef") == std::string::npos || ref.rfind("sha256:", 0) == 0;
    throw DockerError("No such image: " + (id_like ? ref : Registry::familiar(ref)));
  }
  const std::string id = image->id;
  const std::string short_id = id.substr(0, 12);
  const ContainerRecord* user = nullptr;
  const ContainerRecord* running_user = nullptr;
  for (const auto& c : runtime_.list())
    if (c.image_id == id) {
      if (!user) user = runtime_.find(c.name);
      if (!running_user && (c.state == ContainerState::running || c.state == ContainerState::restarting))
        running_user = runtime_.find(c.name);
    }
  std::vector<std::string> lines;
  std::string bare = ref.rfind("sha256:", 0) == 0 ? ref.substr(7) : ref;
  bool by_id = id.rfind(bare, 0) == 0;  // moby isImageIDPrefix
  auto tags = images_.tags_of(id);
  if (!by_id) {
    if (!force && tags.size() == 1 && user)
      throw DockerError(
          fmt::format("conflict: unable to remove repository reference \"{}\" (must force) - container "
                      "{} is using its referenced image {}",
                      ref, user->id.substr(0, 12), short_id));
    images_.untag(ref);
    lines.push_back("Untagged: " + Registry::familiar(ref));
    // The image goes with its last tag, quietly kept while a container uses it.
    if (!images_.tags_of(id).empty() || user) return lines;
  } else {
    if (running_user)
      throw DockerError(
          fmt::format("conflict: unable to delete {} (cannot be forced) - image is being used by running "
                      "container {}",
                      short_id, running_user->id.substr(0, 12)));
    if (!force && tags.size() > 1)
      throw DockerError(fmt::format(
          "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories", short_id));
    if (!force && user)
      throw DockerError(
          fmt::format("conflict: unable to delete {} (must be forced) - image is being used by stopped container {}",
                      short_id, user->id.substr(0, 12)));
    for (const auto& t : tags) {
      images_.untag(t);
      lines.push_back("Untagged: " + Registry::familiar(t));
    }
    if (user) return lines;  // forced: the image stays while a stopped container uses it
  }
  images_.erase(id);
  lines.push_back("Deleted: sha256:" + id);
  return lines;
}

PruneResult DockerEngine::prune_images(bool all) {
  std::lock_guard lock(mutex_);
  PruneResult result;
  std::set<std::string> used;
  for (const auto& c : runtime_.list()) used.insert(c.image_id);
  for (const auto& id : images_.ids()) {
    auto tags = images_.tags_of(id);
    if (used.count(id) || (!all && !tags.empty())) continue;
    for (const auto& t : tags) result.lines.push_back("untagged: " + Registry::familiar(t));
    result.reclaimed += images_.find(id)->size;
    result.lines.push_back("deleted: sha256:" + id);
    images_.erase(id);
  }
  return result;
}

std::vector<Image> DockerEngine::images() const {
  std::lock_guard lock(mutex_);
  return images_.list();
}

}  // namespace bg::fakes
