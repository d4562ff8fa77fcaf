#include "fakes/docker/image_store.h"

namespace bg::fakes {

std::string ImageStore::normalize_ref(const std::string& ref) {
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

BuildResult ImageStore::add_build(const Dockerfile& dockerfile, const std::string& tag, core::Time now, core::Rng& rng) {
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
  image.dockerfile = dockerfile;
  if (!tag.empty()) {
    image.ref = normalize_ref(tag);
    by_ref_[image.ref] = image;
  }
  return result;
}

void ImageStore::tag(const Image& image, const std::string& tag) {
  Image tagged = image;
  tagged.ref = normalize_ref(tag);
  by_ref_[tagged.ref] = tagged;
}

std::optional<Image> ImageStore::find(const std::string& ref) const {
  auto it = by_ref_.find(normalize_ref(ref));
  if (it != by_ref_.end()) return it->second;
  // By id or id prefix, as the docker CLI accepts.
  for (const auto& [r, image] : by_ref_)
    if (ref.size() >= 12 && image.id.rfind(ref, 0) == 0) return image;
  return std::nullopt;
}

std::vector<Image> ImageStore::list() const {
  std::vector<Image> out;
  for (const auto& [r, image] : by_ref_) out.push_back(image);
  return out;
}

}  // namespace bg::fakes
