// The stock nginx trees of proxy/data load whole, in bluegreen's loader and (as the copy
// NginxConfigScaler writes) in the real nginx binary, and Debian's default site answers as on a
// fresh Debian host: its page for /, 404 for anything else.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "proxy/conf_test_support.h"
#include "proxy/nginx_config_scaler.h"
#include "proxy/real_nginx.h"
#include "proxy/request_router.h"

namespace bg::proxy {
namespace {

namespace fs = std::filesystem;
using test_support::HostDir;

const fs::path kData = BG_PROXY_DATA_DIR;

// Copies a stock tree into the host. Simplification for the test: an absolute symlink becomes a
// relative one (the run's PathMap follows absolute ones inside the sandbox; this test's does not).
void install(const HostDir& host, const std::string& tree) {
  fs::path from = kData / tree;
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator(); ++it) {
    // Lexically: fs::relative follows the symlink itself (weakly_canonical), and a stock tree's
    // absolute link to /etc/nginx/... that exists on this machine would put `to` outside the host.
    fs::path rel = it->path().lexically_relative(from);
    fs::path to = host.root() / rel;
    if (it->is_symlink()) {
      fs::path target = fs::read_symlink(it->path());
      if (target.is_absolute()) target = (host.root() / target.relative_path()).lexically_relative(to.parent_path());
      fs::create_directories(to.parent_path());
      fs::remove(to);
      fs::create_symlink(target, to);
    } else if (it->is_directory()) {
      fs::create_directories(to);
    } else {
      fs::create_directories(to.parent_path());
      fs::copy_file(it->path(), to, fs::copy_options::overwrite_existing);
    }
  }
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

RouteResult get(const NginxConfig& c, const HostDir& host, const std::string& target, const std::string& h) {
  RequestRouter router(c, host.paths());
  RouteRequest r;
  r.method = "GET";
  r.target = target;
  r.host = h;
  return router.route(r);
}

// `nginx -t` on the copy NginxConfigScaler writes for this host: "ok" or its output.
std::string real_check(const HostDir& host) {
  fs::path prefix = host.root() / "run";
  fs::create_directories(prefix);
  ScaleOptions o;
  o.prefix = prefix;
  o.map_port = [](uint16_t declared) { return static_cast<uint16_t>(declared + 40000); };
  ScaledConfig scaled = scale_nginx_config("/etc/nginx/nginx.conf", host.paths(), o);
  std::ofstream(prefix / "nginx.conf") << scaled.text;
  std::string cmd = std::string(RealNginx::kDefaultBinary) + " -t -q -p " + prefix.string() + "/ -e " +
                    (prefix / "err.log").string() + " -c " + (prefix / "nginx.conf").string() + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : out;
}

}  // namespace

// Goal: Debian 12's /etc/nginx loads, and its default site serves index.nginx-debian.html for /
// (through try_files, then index) and 404 elsewhere, whatever the Host (server_name _).
TEST(StockTrees, DebianDefaultSiteAnswersAsOnDebian) {
  HostDir host("stock");
  install(host, "debian-12");
  NginxConfig c = host.parse();
  ASSERT_EQ(c.servers.size(), 1u) << fs::read_symlink(host.real_path("/etc/nginx/sites-enabled/default"));
  auto home = get(c, host, "/", "app.example.com");
  EXPECT_EQ(home.kind, RouteResult::Kind::file);
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body, read(kData / "debian-12/var/www/html/index.nginx-debian.html"));
  EXPECT_EQ(get(c, host, "/api/health", "app.example.com").status, 404);
  EXPECT_EQ(get(c, host, "/index.nginx-debian.html", "").status, 200);
}

// Goal: a site added the Debian way (sites-available + a sites-enabled link) proxies by Host while
// other Hosts still get the default site.
TEST(StockTrees, DebianSiteAddedBySymlink) {
  HostDir host("stock");
  install(host, "debian-12");
  host.write("sites-available/app",
             "upstream app { server 127.0.0.1:3000; }\n"
             "server { listen 80; server_name app.example.com; location / { proxy_pass http://app; } }\n");
  host.symlink("../sites-available/app", "/etc/nginx/sites-enabled/app");
  NginxConfig c = host.parse();
  EXPECT_EQ(get(c, host, "/", "app.example.com").upstream, "app");
  EXPECT_EQ(get(c, host, "/", "other.example.com").kind, RouteResult::Kind::file);
}

// Goal: nginx:alpine's /etc/nginx loads and serves its index page for the default server.
TEST(StockTrees, AlpineDefaultSite) {
  HostDir host("stock");
  install(host, "nginx-alpine");
  NginxConfig c = host.parse();
  auto home = get(c, host, "/", "localhost");
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body, read(kData / "nginx-alpine/usr/share/nginx/html/index.html"));
}

// Goal: the real nginx accepts the copy bluegreen writes of each stock tree (includes flattened,
// mime.types inlined, paths and ports the run's).
TEST(StockTrees, RealNginxAcceptsTheCopies) {
  if (!RealNginx::available()) GTEST_SKIP() << RealNginx::kDefaultBinary << " is not installed";
  for (const char* tree : {"debian-12", "nginx-alpine"}) {
    HostDir host("stock");
    install(host, tree);
    EXPECT_EQ(real_check(host), "ok") << tree;
  }
}

}  // namespace bg::proxy
