// RequestRouter: what nginx's phases decide for a request, without sockets.
#include "proxy/request_router.h"

#include <gtest/gtest.h>

#include "proxy/conf_test_support.h"

namespace bg::proxy {
namespace {

using test_support::HostDir;

RouteResult route(const NginxConfig& c, const HostDir& host, const std::string& target, const std::string& host_header,
                  uint16_t port = 80, HostResolver resolve = {}) {
  RequestRouter router(c, host.paths(), std::move(resolve));
  RouteRequest r;
  r.method = "GET";
  r.target = target;
  r.host = host_header;
  r.declared_port = port;
  return router.route(r);
}

}  // namespace

// Goal: server choice follows nginx: exact name, longest leading wildcard, trailing wildcard,
// first regex, else the port's default server (default_server, or the first); `_` matches nothing.
TEST(RequestRouter, ChoosesServerByHostAsNginx) {
  HostDir host("router");
  host.write("nginx.conf",
             "events {}\nhttp {\n"
             " server { listen 80; server_name first; return 200 first; }\n"
             " server { listen 80 default_server; server_name _; return 200 default; }\n"
             " server { listen [::]:80; server_name example.com *.example.com; return 200 exact-or-star; }\n"
             " server { listen 80; server_name *.api.example.com; return 200 longer-star; }\n"
             " server { listen 80; server_name www.example.*; return 200 trailing; }\n"
             " server { listen 80; server_name ~^app\\d+\\.test$; return 200 regex; }\n"
             " server { listen 8080; return 200 other-port; }\n}\n");
  NginxConfig c = host.parse();
  auto body = [&](const std::string& h, uint16_t port = 80) { return route(c, host, "/", h, port).body; };
  EXPECT_EQ(body("first"), "first");
  EXPECT_EQ(body("FIRST:80"), "first");  // case and port do not matter
  EXPECT_EQ(body("example.com"), "exact-or-star");
  EXPECT_EQ(body("a.example.com"), "exact-or-star");
  EXPECT_EQ(body("v1.api.example.com"), "longer-star");
  EXPECT_EQ(body("www.example.org"), "trailing");
  EXPECT_EQ(body("app12.test"), "regex");
  EXPECT_EQ(body("unknown.test"), "default");
  EXPECT_EQ(body(""), "default");
  EXPECT_EQ(body("_"), "default");
  EXPECT_EQ(body("first", 8080), "other-port");
}

// Goal: location lookup as nginx documents it: = wins, ^~ stops regexes, regexes in order beat a
// plain prefix, nested locations, and /api answers 301 to /api/ when only /api/ proxies.
TEST(RequestRouter, FindsLocationsAsNginx) {
  HostDir host("router");
  host.write("nginx.conf",
             "events {}\nhttp { upstream b { server 127.0.0.1:3000; }\n server {\n"
             " location = / { return 200 exact; }\n"
             " location / { return 200 prefix; }\n"
             " location ^~ /static/ { return 200 noregex; }\n"
             " location ~* \\.(png|jpg)$ { return 200 image; }\n"
             " location ~ ^/users/(\\d+)$ { return 200 user-$1; }\n"
             " location /api/ { proxy_pass http://b; location ~ /api/admin { return 403; } }\n"
             "} }\n");
  NginxConfig c = host.parse();
  EXPECT_EQ(route(c, host, "/", "").body, "exact");
  EXPECT_EQ(route(c, host, "/index.html", "").body, "prefix");
  EXPECT_EQ(route(c, host, "/static/a.png", "").body, "noregex");
  EXPECT_EQ(route(c, host, "/img/A.PNG", "").body, "image");
  EXPECT_EQ(route(c, host, "/users/42", "").body, "user-42");
  auto api = route(c, host, "/api/x?y=1", "");
  EXPECT_EQ(api.kind, RouteResult::Kind::proxy);
  EXPECT_EQ(api.upstream, "b");
  EXPECT_EQ(route(c, host, "/api/admin", "").status, 403);
  auto redirect = route(c, host, "/api?q=1", "");
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(redirect.location_header, "/api/?q=1");
}

// Goal: set and map feed proxy_pass per request: a variable naming an upstream block uses it, an
// IPv4 address becomes a peer of its own, a name needs a resolver (else 502 with nginx's error).
TEST(RequestRouter, ProxyPassWithVariables) {
  HostDir host("router");
  host.write("nginx.conf",
             "events {}\nhttp {\n upstream blue { server 127.0.0.1:3000; }\n"
             " map $http_x_color $pool { default blue; green 127.0.0.1:3001; ~^n(.*) $1:3000; }\n"
             " server { set $service_url http://127.0.0.1:3002/base;\n"
             "  location / { proxy_pass http://$pool; }\n"
             "  location /svc { proxy_pass $service_url; }\n } }\n");
  NginxConfig c = host.parse();
  RequestRouter router(c, host.paths());
  auto with_color = [&](const std::string& color, const std::string& target = "/x") {
    RouteRequest r;
    r.method = "GET";
    r.target = target;
    r.header = [color](std::string_view f) -> std::optional<std::string> {
      if (f == "x-color" && !color.empty()) return color;  // $http_x_color asks for x-color
      return std::nullopt;
    };
    return router.route(r);
  };
  EXPECT_EQ(with_color("").upstream, "blue");
  auto green = with_color("GREEN");  // map keys compare ignoring case
  ASSERT_EQ(green.addresses.size(), 1u);
  EXPECT_EQ(green.addresses[0].host, "127.0.0.1");
  EXPECT_EQ(green.addresses[0].port, 3001);
  auto named = with_color("napp");
  EXPECT_EQ(named.kind, RouteResult::Kind::respond);
  EXPECT_EQ(named.status, 502);
  EXPECT_EQ(named.error, "no resolver defined to resolve app");
  auto svc = with_color("", "/svc?a=1");
  ASSERT_EQ(svc.addresses.size(), 1u);
  EXPECT_EQ(svc.addresses[0].port, 3002);
  EXPECT_EQ(svc.upstream_uri, "/base");  // a URI in a variable's proxy_pass replaces the request's
}

// Goal: with a resolver, a name resolves per request through the run's resolver; one that does not
// resolve is nginx's 502.
TEST(RequestRouter, ResolverResolvesNamesPerRequest) {
  HostDir host("router");
  host.write("nginx.conf",
             "events {}\nhttp { resolver 127.0.0.11;\n server { set $app web:3000;\n"
             "  location / { proxy_pass http://$app; } } }\n");
  NginxConfig c = host.parse();
  int asked = 0;
  HostResolver names = [&](const std::string& h, uint16_t p) {
    ++asked;
    return h == "web" && p == 3000 ? std::vector<uint16_t>{41000} : std::vector<uint16_t>{};
  };
  auto r = route(c, host, "/", "", 80, names);
  ASSERT_EQ(r.addresses.size(), 1u);
  EXPECT_TRUE(r.addresses[0].resolved);
  EXPECT_EQ(r.addresses[0].port, 41000);
  EXPECT_EQ(asked, 1);
  auto none = route(c, host, "/", "", 80, [](const std::string&, uint16_t) { return std::vector<uint16_t>{}; });
  EXPECT_EQ(none.status, 502);
  EXPECT_EQ(none.error, "web could not be resolved (3: Host not found)");
}

// Goal: static content as nginx's try_files, index and static modules serve it from the host.
TEST(RequestRouter, ServesFilesFromTheHost) {
  HostDir host("router");
  host.write("/srv/www/index.html", "home");
  host.write("/srv/www/docs/a.txt", "a");
  host.write("nginx.conf",
             "events {}\nhttp { server { root /srv/www;\n"
             " location / { try_files $uri $uri/ =404; }\n"
             " location /raw/ { }\n"
             " location /app { try_files $uri /index.html; } } }\n");
  NginxConfig c = host.parse();
  auto home = route(c, host, "/", "");
  EXPECT_EQ(home.kind, RouteResult::Kind::file);
  EXPECT_EQ(home.body, "home");
  EXPECT_EQ(route(c, host, "/docs/a.txt", "").body, "a");
  EXPECT_EQ(route(c, host, "/docs", "").status, 301);   // a folder without its slash
  EXPECT_EQ(route(c, host, "/docs/", "").status, 403);  // no index in it
  EXPECT_EQ(route(c, host, "/missing", "").status, 404);
  EXPECT_EQ(route(c, host, "/raw/x", "").status, 404);
  EXPECT_EQ(route(c, host, "/app/deep/link", "").body, "home");    // the SPA fallback
  EXPECT_EQ(route(c, host, "/../../etc/passwd", "").status, 400);  // never above the root
}

// Goal: a file path the kernel refuses as too long (ENAMETOOLONG) is a missing file, as
// ngx_http_static_handler and try_files take it: 404, or try_files' next entry.
TEST(RequestRouter, AFilePathPastPathMaxIsMissing) {
  HostDir host("router");
  host.write("/srv/www/index.html", "home");
  host.write("nginx.conf",
             "events {}\nhttp { server { root /srv/www;\n"
             " location /plain/ { }\n"
             " location / { try_files $uri /index.html; } } }\n");
  NginxConfig c = host.parse();
  const std::string long_name(5000, 'a');
  EXPECT_EQ(route(c, host, "/plain/" + long_name, "").status, 404);
  EXPECT_EQ(route(c, host, "/" + long_name, "").body, "home");
}

// Goal: client_max_body_size is the matched location's (inherited), 0 meaning no limit; an internal
// location answers 404 to a client.
TEST(RequestRouter, BodyLimitAndInternalPerLocation) {
  HostDir host("router");
  host.write("nginx.conf",
             "events {}\nhttp { client_max_body_size 10;\n server {\n"
             " location / { return 200 ok; }\n location /big { client_max_body_size 0; return 200 ok; }\n"
             " location /private { internal; return 200 secret; } } }\n");
  NginxConfig c = host.parse();
  RequestRouter router(c, host.paths());
  auto post = [&](const std::string& target, int64_t length) {
    RouteRequest r;
    r.method = "POST";
    r.target = target;
    r.content_length = length;
    return router.route(r).status;
  };
  EXPECT_EQ(post("/", 10), 200);
  EXPECT_EQ(post("/", 11), 413);
  EXPECT_EQ(post("/big", 1 << 20), 200);
  EXPECT_EQ(post("/private", 0), 404);
}

}  // namespace bg::proxy
