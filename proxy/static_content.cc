#include "proxy/static_content.h"

#include <limits.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace bg::proxy {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxFile = 16u << 20;  // bound on one file served (a run's pages are small)

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The host path of `uri` under the location's root (a relative root is under nginx's prefix).
std::string file_path(RequestScope& scope, const Location& loc, const std::string& uri) {
  std::string error;
  auto script = Script::compile(loc.root, error);  // compiled (and checked) when the config loaded
  std::string root = script ? scope.evaluate(*script) : loc.root;
  if (root.empty() || root[0] != '/') root = kNginxPrefix + root;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root + uri;
}

struct FileInfo {
  bool exists = false;
  bool is_dir = false;
  size_t size = 0;
};

// Only the run's own files are read: with a PathMap (a run), a path outside it reads as missing
// rather than as the machine's file; without one (`bluegreen proxy`), paths are the machine's.
bool readable(const std::string& host_path, const core::PathMap& paths) {
  return paths.entries().empty() || paths.to_real(host_path).has_value();
}

FileInfo stat_host(const std::string& host_path, const core::PathMap& paths) {
  // The kernel refuses a path of PATH_MAX or more (ENAMETOOLONG), which ngx_http_static_handler
  // answers as a missing file; checked first, as mapping a path of thousands of components costs
  // far more than the lookup it would fail (bg_fuzz_nginx_config's fourth timeout: 7 KB paths).
  if (host_path.size() >= PATH_MAX) return {};
  if (!readable(host_path, paths)) return {};
  struct stat st {};
  if (::stat(paths.resolve(host_path).c_str(), &st) != 0) return {};
  return {true, S_ISDIR(st.st_mode), static_cast<size_t>(st.st_size)};
}

std::string content_type_of(const std::string& path) {
  auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext == "html" || ext == "htm") return "text/html";
  if (ext == "css") return "text/css";
  if (ext == "js") return "application/javascript";
  if (ext == "json") return "application/json";
  if (ext == "txt") return "text/plain";
  return "application/octet-stream";
}

void answer(RouteResult& out, int status) {
  out.kind = RouteResult::Kind::respond;
  out.status = status;
}

}  // namespace

std::optional<std::string> normalize_uri(const std::string& path) {
  std::string decoded;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && hex(path[i + 1]) >= 0 && hex(path[i + 2]) >= 0) {
      decoded += static_cast<char>(hex(path[i + 1]) * 16 + hex(path[i + 2]));
      i += 2;
    } else {
      decoded += path[i];
    }
  }
  std::vector<std::string> parts;
  size_t pos = 0;
  auto ends_with = [&](std::string_view tail) {
    return decoded.size() >= tail.size() && decoded.compare(decoded.size() - tail.size(), tail.size(), tail) == 0;
  };
  bool trailing = ends_with("/") || ends_with("/.") || ends_with("/..");
  while (pos < decoded.size()) {
    size_t end = decoded.find('/', pos);
    if (end == std::string::npos) end = decoded.size();
    std::string seg = decoded.substr(pos, end - pos);
    pos = end + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
      continue;
    }
    parts.push_back(seg);
  }
  std::string out = "/";
  for (size_t i = 0; i < parts.size(); ++i) out += parts[i] + (i + 1 < parts.size() ? "/" : "");
  if (trailing && out.back() != '/') out += '/';
  return out;
}

// try_files: the first entry that exists as a file (or, ending in '/', as a folder) becomes the
// URI; else the last entry: =CODE answers, a URI redirects internally.
ContentStep run_try_files(RequestScope& scope, const Location& loc, const core::PathMap& paths, RouteResult& out,
                          bool& matched) {
  matched = false;
  if (loc.try_files.empty()) return {};
  for (size_t i = 0; i + 1 < loc.try_files.size(); ++i) {
    std::string source = loc.try_files[i].source();
    bool test_dir = !source.empty() && source.back() == '/';
    std::string value = scope.evaluate(loc.try_files[i]);
    if (test_dir && value.size() > 1 && value.back() == '/') value.pop_back();
    FileInfo f = stat_host(file_path(scope, loc, test_dir && value.back() != '/' ? value + "/" : value), paths);
    if (f.exists && f.is_dir == test_dir) {
      scope.uri = value;
      matched = true;
      return {};
    }
  }
  std::string last = scope.evaluate(loc.try_files.back());
  if (!last.empty() && last[0] == '=') {
    answer(out, std::stoi(last.substr(1)));
    return {};
  }
  auto q = last.find('?');
  if (q != std::string::npos) scope.args = last.substr(q + 1);
  return {last.substr(0, q)};
}

ContentStep serve_static(RequestScope& scope, const Location& loc, const RouteRequest& request,
                         const core::PathMap& paths, RouteResult& out) {
  const std::string& uri = scope.uri;
  if (!uri.empty() && uri.back() == '/') {
    for (const auto& index : loc.index) {
      std::string name = scope.evaluate(index);
      if (name.empty()) continue;
      if (name[0] == '/') return {name};  // an absolute index is redirected to without a check
      FileInfo f = stat_host(file_path(scope, loc, uri + name), paths);
      if (f.exists && !f.is_dir) return {uri + name};
    }
    // ngx_http_core_content_phase: "directory index of ... is forbidden", or the folder is missing.
    answer(out, stat_host(file_path(scope, loc, uri), paths).is_dir ? 403 : 404);
    return {};
  }
  if (request.method != "GET" && request.method != "HEAD" && request.method != "POST")
    return answer(out, 405), ContentStep{};
  std::string path = file_path(scope, loc, uri);
  FileInfo f = stat_host(path, paths);
  if (!f.exists) return answer(out, 404), ContentStep{};
  if (f.is_dir) {
    answer(out, 301);
    out.location_header = uri + "/" + (scope.args.empty() ? "" : "?" + scope.args);
    return {};
  }
  if (request.method == "POST") return answer(out, 405), ContentStep{};
  std::ifstream in(paths.resolve(path), std::ios::binary);
  std::string body(std::min(f.size, kMaxFile), '\0');  // not kMaxFile each time: 16 MB zeroed per file
  in.read(body.data(), static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<size_t>(in.gcount()));
  out.kind = RouteResult::Kind::file;
  out.status = 200;
  out.body = std::move(body);
  out.has_body = true;
  out.content_type = content_type_of(path);
  return {};
}

}  // namespace bg::proxy
