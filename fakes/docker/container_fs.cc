#include "fakes/docker/container_fs.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace bg::fakes {
namespace fs = std::filesystem;

namespace {

// The inode a single-file bind mount pins (container_fs.h): a hard link to it beside the layer, or
// a copy where no link can be made.
fs::path pin_file(const ContainerFsPlan& plan, const BindMount& m, const fs::path& real, size_t index) {
  const fs::path pinned =
      plan.layer.parent_path() / (plan.layer.filename().string() + "-binds") / std::to_string(index) / real.filename();
  std::error_code ec;
  fs::create_directories(pinned.parent_path(), ec);
  fs::remove(pinned, ec);
  fs::path linkable = real;
  if (plan.host && plan.host_linkable) {
    if (auto own = plan.host_linkable->to_real(plan.host->canonical_virtual(m.source))) linkable = *own;
  } else if (!plan.host) {
    // Real paths: the mount pins the file a symlink source points to, as the kernel resolves it.
    // link(2) does not follow a symlink: it would link the symlink itself, and a relative one
    // then points nowhere from the pin's folder. (With `host`, resolve() already followed it.)
    if (fs::path target = fs::canonical(real, ec); !ec) linkable = target;
  }
  ec.clear();
  fs::create_hard_link(linkable, pinned, ec);
  if (ec) {
    ec.clear();
    fs::copy_file(real, pinned, ec);
    if (ec) throw std::runtime_error(fmt::format("mounting {}: {}", m.source, ec.message()));
  }
  return pinned;
}

}  // namespace

core::PathMap make_container_fs(const ContainerFsPlan& plan, const Image& image, const std::vector<BindMount>& mounts,
                                const std::vector<std::string>& must_exist) {
  std::error_code ec;
  fs::create_directories(plan.layer, ec);
  if (!image.files.empty() && fs::is_directory(image.files)) {
    fs::path at = plan.layer / fs::path(image.files_at).relative_path();
    fs::create_directories(at, ec);
    fs::copy(image.files, at,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks | fs::copy_options::overwrite_existing, ec);
    if (ec) throw std::runtime_error(fmt::format("laying out {}'s files: {}", image.ref, ec.message()));
  }
  core::PathMap map;
  map.add("/", plan.layer);
  for (size_t i = 0; i < mounts.size(); ++i) {
    const BindMount& m = mounts[i];
    fs::path real;
    if (m.named) {
      real = plan.volumes / m.source;
      fs::create_directories(real, ec);
    } else if (m.source.empty()) {
      // An anonymous volume (`-v /data`): a fresh folder of its own.
      real = plan.layer.parent_path() / (plan.layer.filename().string() + "-anon") / fs::path(m.target).relative_path();
      fs::create_directories(real, ec);
    } else {
      real = plan.host ? plan.host->resolve(m.source) : fs::path(m.source);
      if (!fs::exists(real)) {
        if (std::find(must_exist.begin(), must_exist.end(), m.source) != must_exist.end())
          throw std::runtime_error(
              fmt::format("invalid mount config for type \"bind\": bind source path does not exist: {}", m.source));
        fs::create_directories(real, ec);  // `-v` creates a missing host folder (moby volume/mounts)
      } else if (fs::is_regular_file(real)) {
        real = pin_file(plan, m, real, i);
      }
    }
    map.add(m.target, real);
  }
  return map;
}

namespace {

void copy_dir_contents(const fs::path& src, const fs::path& dst, std::error_code& ec) {
  fs::create_directories(dst, ec);
  fs::copy(src, dst,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks | fs::copy_options::overwrite_existing, ec);
}

}  // namespace

std::string copy_tree(const fs::path& src, bool src_contents_only, const fs::path& dst, bool dst_must_be_dir) {
  std::error_code ec;
  bool src_dir = fs::is_directory(src);
  bool dst_exists = fs::exists(dst);
  bool dst_dir = fs::is_directory(dst);
  if (!src_dir) {
    if (dst_exists && dst_dir) {
      fs::copy_file(src, dst / src.filename(), fs::copy_options::overwrite_existing, ec);
    } else {
      if (dst_must_be_dir) return dst_exists ? "not a directory" : "no such directory";
      if (!fs::is_directory(dst.parent_path())) return "no such directory";
      fs::copy_file(src, dst, fs::copy_options::overwrite_existing, ec);
    }
  } else if (!dst_exists) {
    if (!fs::is_directory(dst.parent_path())) return "no such directory";
    copy_dir_contents(src, dst, ec);
  } else if (!dst_dir) {
    return "cannot copy directory";
  } else {
    copy_dir_contents(src, src_contents_only ? dst : dst / src.filename(), ec);
  }
  return ec ? ec.message() : "";
}

}  // namespace bg::fakes
