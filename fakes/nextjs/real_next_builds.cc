#include "fakes/nextjs/real_next_builds.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace bg::fakes {
namespace fs = std::filesystem;

namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  if (!in && !in.eof()) throw std::runtime_error(fmt::format("cannot read {}", p.string()));
  return s.str();
}

void write_file(const fs::path& p, const std::string& text, fs::perms perms) {
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", p.string()));
  }
  fs::permissions(p, perms);
}

// A hard link where the file system allows it (the template is never written through it: a file
// that changes is written as a new file), else a copy.
void link_or_copy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to);
}

}  // namespace

std::optional<std::string> RealNextBuilds::version_folder(const std::string& next_version) {
  for (const char* v : {"12.2", "13.4", "14.1"})
    if (next_version == v) return std::string("v") + v;
  return std::nullopt;
}

fs::path RealNextBuilds::default_cache() {
  if (const char* c = std::getenv("BLUEGREEN_NEXT_CACHE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "bluegreen" / "next";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/") / ".cache" / "bluegreen" / "next";
}

std::variant<fs::path, std::string> RealNextBuilds::find_template(const fs::path& cache, const std::string& folder,
                                                                  const fs::path& build_script) {
  const fs::path standalone = cache / folder / kTemplateId / ".next" / "standalone";
  std::error_code ec;
  if (fs::is_regular_file(standalone / "server.js", ec) && fs::is_regular_file(standalone / "bluegreen-preload.js", ec))
    return standalone;
  return fmt::format(
      "no real Next.js build for {} in {} (tools/setup.sh builds it when node and npm are installed, or: "
      "{} {} {})",
      folder, cache.string(), build_script.string(), folder, kTemplateId);
}

RealNextBuilds::RealNextBuilds(fs::path standalone, fs::path root, bool shared_static)
    : template_(std::move(standalone)), root_(std::move(root)), shared_static_(shared_static) {}

fs::path RealNextBuilds::standalone_for(const std::string& id) {
  if (id.empty() ||
      id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
    throw std::runtime_error(fmt::format("build id '{}' is not one Next.js could have made", id));
  std::lock_guard lock(mutex_);
  if (auto it = made_.find(id); it != made_.end()) return it->second;
  const fs::path into = root_ / id;
  std::error_code ignored;
  fs::remove_all(into, ignored);
  try {
    materialize(into, id);
    if (shared_static_) share_static(into, id);
  } catch (const fs::filesystem_error& e) {
    throw std::runtime_error(fmt::format("cannot make the real Next.js build {}: {}", id, e.what()));
  }
  made_.emplace(id, into);
  return into;
}

void RealNextBuilds::materialize(const fs::path& into, const std::string& id) const {
  fs::create_directories(into);
  const std::string from_id = kTemplateId;
  for (auto it = fs::recursive_directory_iterator(template_); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path rel = it->path().lexically_relative(template_);  // fs::relative would follow links
    const fs::path to = into / replaced(rel.string(), from_id, id);
    const bool in_modules = rel.begin() != rel.end() && *rel.begin() == "node_modules";
    const auto status = it->symlink_status();
    if (fs::is_symlink(status)) {
      fs::create_symlink(fs::read_symlink(it->path()), to);  // as it is: relative links stay inside
    } else if (fs::is_directory(status)) {
      fs::create_directories(to);
    } else if (fs::is_regular_file(status)) {
      // Next's own packages never quote a build id; the build's files may.
      if (in_modules) {
        link_or_copy(it->path(), to);
        continue;
      }
      std::string text = read_file(it->path());
      if (text.find(from_id) == std::string::npos)
        link_or_copy(it->path(), to);
      else
        write_file(to, replaced(std::move(text), from_id, id), status.permissions());
    }
  }
}

void RealNextBuilds::share_static(const fs::path& into, const std::string& id) {
  for (const auto& [other, folder] : made_) {
    fs::create_directory_symlink(folder / ".next" / "static" / other, into / ".next" / "static" / other);
    fs::create_directory_symlink(into / ".next" / "static" / id, folder / ".next" / "static" / id);
  }
}

}  // namespace bg::fakes
