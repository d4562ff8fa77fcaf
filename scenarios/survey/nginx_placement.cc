#include "scenarios/survey/nginx_placement.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <regex>
#include <set>

namespace bg::survey {
namespace {

std::string base_of(const std::string& p) { return p.substr(p.rfind('/') + 1); }
std::string dir_of(const std::string& p) { return p.substr(0, p.rfind('/')); }

// A script's path with its variables as globs: /etc/nginx/sites-available/web-$NEXT -> web-*.
std::string as_glob(const std::string& path) {
  static const std::regex var(R"(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)");
  return std::regex_replace(path, var, "*");
}

bool matches(const std::string& glob, const std::string& text) { return ::fnmatch(glob.c_str(), text.c_str(), 0) == 0; }

// A name glob that names something (web-*, shop-*.conf), not anything (*, *.conf).
bool specific(const std::string& glob) {
  const std::string stem = glob.substr(0, glob.rfind('.') == 0 ? glob.size() : glob.rfind('.'));
  return stem.find_first_not_of('*') != std::string::npos;
}

// Paths the nginx package installs: a script or include naming one needs no file of the folder.
bool stock_path(const std::string& p) {
  static const std::set<std::string> stock = {"/etc/nginx/nginx.conf",
                                              "/etc/nginx/mime.types",
                                              "/etc/nginx/proxy_params",
                                              "/etc/nginx/fastcgi_params",
                                              "/etc/nginx/fastcgi.conf",
                                              "/etc/nginx/scgi_params",
                                              "/etc/nginx/uwsgi_params",
                                              "/etc/nginx/sites-available/default",
                                              "/etc/nginx/sites-enabled/default",
                                              "/etc/nginx/snippets/fastcgi-php.conf",
                                              "/etc/nginx/snippets/snakeoil.conf"};
  return stock.count(p) || p.back() == '/' || p.find('*') != std::string::npos;
}

class Placer {
 public:
  Placer(const NginxInputs& in, FolderSurvey& s) : in_(in), s_(s) {}

  // The folder's nginx files that can be on the host: not mounted into a container, not inside a
  // folder that is placed whole elsewhere.
  void candidates(const std::vector<std::string>& mounted) {
    for (const auto& n : in_.nginx) {
      auto under = [&](const std::string& p) { return n.path == p || (p.back() == '/' && n.path.rfind(p, 0) == 0); };
      const bool elsewhere =
          std::any_of(in_.dirs.begin(), in_.dirs.end(), [&](auto& d) { return !d.first.empty() && under(d.first); });
      if (std::none_of(mounted.begin(), mounted.end(), under) && !elsewhere) files_.push_back(&n);
    }
  }

  const std::vector<const NginxFile*>& files() const { return files_; }

  // Files the scripts (and the folder's includes) name by their host path.
  void map_named(const std::vector<Named>& refs) {
    for (const auto& ref : refs) {
      const std::string glob = as_glob(ref.value);
      const std::string name = base_of(glob), dir = dir_of(glob);
      if (dir.find('*') != std::string::npos || !specific(name)) continue;
      for (const NginxFile* n : files_)
        if (matches(name, base_of(n->path)))
          add(dir + "/" + base_of(n->path), n->path, Basis::read, ref.at, "names " + ref.value);
    }
  }

  // `cp SRC /etc/nginx/...`: before the first deployment the destination holds one color's file.
  void map_copies(const std::vector<PathPair>& copies) {
    for (const auto& c : copies) {
      if (c.to.find('$') != std::string::npos || mapped(c.to)) continue;
      const std::string glob = as_glob(c.from);
      std::vector<std::string> choices;
      for (const auto& f : s_.host_files)
        if (matches(glob, f.host_path)) choices.push_back(f.host_path);
      if (choices.empty()) {
        // A copy from the deployed folder: SRC is relative to it (or under its host path).
        std::string rel = glob;
        const std::string root = in_.host_dir_of("");
        if (!root.empty() && rel.rfind(root + "/", 0) == 0) rel.erase(0, root.size() + 1);
        if (rel.rfind("./", 0) == 0) rel.erase(0, 2);
        for (const NginxFile* n : files_)
          if (matches(rel, n->path)) choices.push_back(n->path);
        if (choices.empty()) continue;
        const std::string pick = first_color(choices);
        add(c.to, pick, Basis::assumed, c.at,
            fmt::format("copies {} there; assumed: the host starts with {}", c.from, pick));
        continue;
      }
      const std::string pick = first_color(choices);
      const auto it =
          std::find_if(s_.host_files.begin(), s_.host_files.end(), [&](auto& f) { return f.host_path == pick; });
      add(c.to, it->folder_path, Basis::assumed, c.at,
          fmt::format("copies {} there; assumed: the host starts with {}", c.from, base_of(pick)));
    }
  }

  // `ln -sfn TARGET /etc/nginx/sites-enabled/X`: the link exists before the first deployment too.
  void map_links(const std::vector<PathPair>& links) {
    for (const auto& l : links) {
      if (l.to.find('$') != std::string::npos ||
          std::any_of(s_.host_links.begin(), s_.host_links.end(), [&](auto& h) { return h.link == l.to; }))
        continue;
      const std::string glob = as_glob(l.from);
      std::vector<std::string> choices;
      for (const auto& f : s_.host_files)
        if (matches(glob, f.host_path)) choices.push_back(f.host_path);
      if (choices.empty()) {
        s_.checks.push_back(fmt::format("{} links {} to {}, a file the folder does not have: add it to host.files",
                                        l.at.str(), l.to, l.from));
        continue;
      }
      const bool fixed = glob.find('*') == std::string::npos;
      const std::string pick = first_color(choices);
      s_.host_links.push_back(
          {l.to, pick, fixed ? Basis::read : Basis::assumed, l.at,
           fixed ? "links it there"
                 : fmt::format("links it to {}; assumed: the host starts on {}", l.from, base_of(pick))});
    }
  }

  // Files nothing names: placed where the nginx package's configuration includes their level.
  void map_by_convention() {
    const bool ubuntu = s_.host_os.value == "ubuntu-22.04";
    for (const NginxFile* n : files_) {
      if (std::any_of(s_.host_files.begin(), s_.host_files.end(), [&](auto& f) { return f.folder_path == n->path; }))
        continue;
      const std::string name = base_of(n->path);
      const bool conf = name.ends_with(".conf"), bare = name.find('.') == std::string::npos;
      const Source at{n->path, 1};
      if (n->level == NginxLevel::main && !mapped("/etc/nginx/nginx.conf")) {
        add("/etc/nginx/nginx.conf", n->path, Basis::assumed, at, "a whole nginx.conf (events, http): the host's own");
      } else if (n->level == NginxLevel::http && conf) {
        add("/etc/nginx/conf.d/" + name, n->path, Basis::assumed, at,
            "http-level blocks, named by no script: conf.d/*.conf, which the stock nginx.conf includes");
      } else if (n->level == NginxLevel::http && bare && ubuntu) {
        add("/etc/nginx/sites-available/" + name, n->path, Basis::assumed, at,
            "a server without an extension, named by no script: a Debian site");
        if (name != "default")
          s_.host_links.push_back({"/etc/nginx/sites-enabled/" + name, "/etc/nginx/sites-available/" + name,
                                   Basis::assumed, at, "a site is enabled by its link in sites-enabled"});
      } else if (n->level == NginxLevel::http && bare) {
        add("/etc/nginx/conf.d/" + name + ".conf", n->path, Basis::assumed, at,
            "http-level blocks, named by no script: conf.d/*.conf");
      } else if (n->level == NginxLevel::server && conf && s_.host_os.value == "amazon-linux-2") {
        add("/etc/nginx/default.d/" + name, n->path, Basis::assumed, at,
            "server-level directives, named by no script: AL2's default server includes default.d/*.conf");
      } else {
        s_.checks.push_back(fmt::format(
            "{} is nginx configuration that no script or include names: place it with host.files", n->path));
      }
    }
  }

  // Paths the scripts read or write that the folder has no file for: the host must have them.
  void check_unplaced(const std::vector<Named>& refs) {
    std::set<std::string> said;
    for (const auto& ref : refs) {
      const std::string glob = as_glob(ref.value);
      if (stock_path(glob) || glob.rfind("/etc/nginx/sites-enabled/", 0) == 0 || said.count(glob)) continue;
      const bool placed =
          std::any_of(s_.host_files.begin(), s_.host_files.end(),
                      [&](auto& f) { return matches(glob, f.host_path); }) ||
          std::any_of(s_.host_links.begin(), s_.host_links.end(), [&](auto& l) { return matches(glob, l.link); });
      if (placed) continue;
      said.insert(glob);
      s_.checks.push_back(
          fmt::format("{} uses {}, which the folder has no file for: the host must hold it before the "
                      "first deployment (add it to host.files)",
                      ref.at.str(), ref.value));
    }
  }

 private:
  bool mapped(const std::string& host_path) const {
    return std::any_of(s_.host_files.begin(), s_.host_files.end(), [&](auto& f) { return f.host_path == host_path; });
  }
  void add(const std::string& host_path, const std::string& folder_path, Basis b, const Source& at, std::string why) {
    if (!mapped(host_path)) s_.host_files.push_back({host_path, folder_path, b, at, std::move(why)});
  }

  const NginxInputs& in_;
  FolderSurvey& s_;
  std::vector<const NginxFile*> files_;
};

}  // namespace

std::string first_color(std::vector<std::string> candidates) {
  std::sort(candidates.begin(), candidates.end());
  for (const auto& c : candidates)
    if (base_of(c).find("blue") != std::string::npos) return c;
  return candidates.empty() ? "" : candidates.front();
}

void place_nginx(const NginxInputs& in, FolderSurvey& s) {
  const NginxContainers containers = find_nginx_containers(in, s);
  std::vector<Named> script_refs, host_control;
  std::vector<PathPair> copies, links;
  for (const auto& f : in.scripts) {
    script_refs.insert(script_refs.end(), f.etc_nginx.begin(), f.etc_nginx.end());
    host_control.insert(host_control.end(), f.host_nginx.begin(), f.host_nginx.end());
    copies.insert(copies.end(), f.copies.begin(), f.copies.end());
    links.insert(links.end(), f.links.begin(), f.links.end());
  }
  Placer placer(in, s);
  placer.candidates(containers.mounted);
  const bool host_used = !host_control.empty() || !script_refs.empty();
  if (!host_used && containers.found) {
    s.host_nginx = {
        "none", Basis::read, {containers.at}, "nginx runs in a container; no script drives one on the host"};
    std::vector<const NginxFile*> mounted;
    for (const auto& n : in.nginx)
      for (const auto& m : containers.mounted)
        if (n.path == m || (m.back() == '/' && n.path.rfind(m, 0) == 0)) mounted.push_back(&n);
    place_traffic(mounted, s);
    return;
  }
  if (!host_used && placer.files().empty()) {
    s.checks.push_back(
        "no script drives nginx and the folder has no nginx configuration: say where nginx runs "
        "(host.nginx and host.files, or proxy.container)");
    return;
  }
  const std::vector<Source> why_host =
      host_control.empty() ? std::vector<Source>{} : std::vector<Source>{host_control.front().at};
  if (containers.found)
    s.checks.push_back(
        fmt::format("the scripts drive nginx on the host ({}) and in a container ({}): a run serves one proxy",
                    sources_text(why_host), containers.at.str()));
  // One whole nginx.conf that includes nothing and that no script touches: the run's nginx.conf, as
  // scenario.yaml's proxy.config has always said (no host: layout needed).
  const auto& files = placer.files();
  if (script_refs.empty() && files.size() == 1 && files[0]->level == NginxLevel::main && files[0]->includes.empty()) {
    s.proxy_config = {files[0]->path,
                      Basis::read,
                      {{files[0]->path, 1}},
                      "the whole nginx configuration (events, http), including no other file: the host's nginx.conf"};
    place_traffic(files, s);
    return;
  }
  s.host_nginx = {
      "stock", Basis::read, host_used ? why_host : std::vector<Source>{{files.front()->path, 1}},
      host_used ? "the scripts drive nginx on the host" : "nginx configuration for the host, no container runs nginx"};
  std::vector<Named> refs = script_refs;
  for (const NginxFile* n : files)
    for (const auto& inc : n->includes)
      if (inc.value.find('*') == std::string::npos)
        refs.push_back({inc.value.front() == '/' ? inc.value : "/etc/nginx/" + inc.value, inc.at});
  placer.map_named(refs);
  placer.map_copies(copies);
  placer.map_links(links);
  placer.map_by_convention();
  placer.check_unplaced(refs);
  std::vector<const NginxFile*> served;
  for (const NginxFile* n : files)
    if (std::any_of(s.host_files.begin(), s.host_files.end(), [&](auto& f) { return f.folder_path == n->path; }))
      served.push_back(n);
  place_traffic(served, s);
}

}  // namespace bg::survey
