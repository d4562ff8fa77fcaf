#include "fakes/docker/image_store.h"

#include <algorithm>

namespace bg::fakes {

// The familiar form Docker keeps tags in (reference.FamiliarString): docker.io/library/ dropped.
std::string ImageStore::normalize_ref(const std::string& raw) {
  std::string ref = raw;
  for (const std::string prefix : {"docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"})
    if (ref.rfind(prefix, 0) == 0) {
      ref = ref.substr(prefix.size());
      break;
    }
  if (ref.find('@') != std::string::npos) return ref;
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  return has_tag ? ref : ref + ":latest";
}

std::string ImageStore::repository(const std::string& ref) {
  std::string r = ref.substr(0, ref.find('@'));
  auto slash = r.rfind('/');
  auto colon = r.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) r.resize(colon);
  return r;
}

std::string ImageStore::random_hex(core::Rng& rng, int n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < n; ++i) out += digits[rng.uniform_int(0, 15)];
  return out;
}

BuildResult ImageStore::add_build(const Dockerfile& dockerfile, const std::string& tag, core::Time now,
                                  core::Rng& rng) {
  static constexpr char nanoid[] = "ModuleSymbhasOwnPr-0123456789ABCDEFGHNRVfgctiUvz_KqYTJkLxpZXIjQW";
  BuildResult result;
  for (const auto& ins : dockerfile.instructions) {
    bool runs_container = ins.keyword != "FROM" && ins.keyword != "COPY" && ins.keyword != "ADD";
    result.container_ids.push_back(runs_container ? random_hex(rng, 12) : "");
    result.layer_ids.push_back(random_hex(rng, 12));
  }
  Image& image = result.image;
  image.id = result.layer_ids.back() + random_hex(rng, 52);  // the last layer is the image
  for (int i = 0; i < 21; ++i) image.build_id += nanoid[rng.uniform_int(0, 63)];
  image.created = now;
  // The image keeps its final stage's config (what inspect and a container's start read), not the
  // build's steps: those are printed while building, and a long run builds an image every swap.
  image.dockerfile.base_image = dockerfile.base_image;
  image.dockerfile.env = dockerfile.env;
  image.dockerfile.cmd = dockerfile.cmd;
  image.dockerfile.entrypoint = dockerfile.entrypoint;
  for (const auto& ins : dockerfile.instructions) {
    // What docker inspect shows of the final stage (simplification: read from every stage).
    if (ins.keyword == "STOPSIGNAL") image.stop_signal = ins.args;
    if (ins.keyword == "WORKDIR") image.workdir = ins.args;
    if (ins.keyword == "EXPOSE")
      for (size_t start = 0, end; start < ins.args.size(); start = end + 1) {
        end = ins.args.find(' ', start);
        if (end == std::string::npos) end = ins.args.size();
        std::string port = ins.args.substr(start, end - start);
        if (!port.empty()) image.exposed.push_back(port.find('/') == std::string::npos ? port + "/tcp" : port);
      }
  }
  image.size = 150'000'000;  // simplification: every built app image weighs 150MB
  add(image, tag);
  result.image = *find(tag.empty() ? image.id : tag);
  return result;
}

void ImageStore::tag(const Image& image, const std::string& tag) {
  if (!by_id_.count(image.id)) by_id_[image.id] = image;
  tags_[normalize_ref(tag)] = image.id;
}

void ImageStore::add(const Image& image, const std::string& tag) {
  Image stored = image;
  stored.ref.clear();
  by_id_[image.id] = stored;
  if (!tag.empty()) tags_[normalize_ref(tag)] = image.id;
}

std::optional<Image> ImageStore::find(const std::string& ref) const {
  if (ref.empty()) return std::nullopt;
  auto with_ref = [&](const std::string& id, const std::string& r) {
    Image image = by_id_.at(id);
    image.ref = r;
    return image;
  };
  if (auto it = tags_.find(normalize_ref(ref)); it != tags_.end()) return with_ref(it->second, it->first);
  // By id or id prefix, as the docker CLI accepts.
  std::string id = ref.rfind("sha256:", 0) == 0 ? ref.substr(7) : ref;
  for (const auto& [image_id, image] : by_id_)
    if ((id.size() >= 12 || id == image_id) && image_id.rfind(id, 0) == 0) {
      auto tags = tags_of(image_id);
      return with_ref(image_id, tags.empty() ? "" : tags.front());
    }
  return std::nullopt;
}

std::vector<Image> ImageStore::list() const {
  std::vector<Image> out;
  for (const auto& [tag, id] : tags_) {
    Image image = by_id_.at(id);
    image.ref = tag;
    out.push_back(image);
  }
  for (const auto& [id, image] : by_id_)
    if (tags_of(id).empty()) out.push_back(image);
  std::stable_sort(out.begin(), out.end(), [](const Image& a, const Image& b) { return a.created > b.created; });
  return out;
}

std::vector<std::string> ImageStore::tags_of(const std::string& id) const {
  std::vector<std::string> out;
  for (const auto& [tag, image_id] : tags_)
    if (image_id == id) out.push_back(tag);
  return out;
}

bool ImageStore::untag(const std::string& ref) { return tags_.erase(normalize_ref(ref)) > 0; }

void ImageStore::erase(const std::string& id) {
  for (const auto& tag : tags_of(id)) tags_.erase(tag);
  by_id_.erase(id);
}

std::vector<std::string> ImageStore::ids() const {
  std::vector<std::string> out;
  for (const auto& [id, image] : by_id_) out.push_back(id);
  return out;
}

}  // namespace bg::fakes
