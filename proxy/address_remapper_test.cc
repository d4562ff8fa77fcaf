// The real nginx's copy of a config with proxy_pass variables: every address they can reach is the
// run's, or the copy is refused as not modelled.
#include "proxy/address_remapper.h"

#include <gtest/gtest.h>

#include "core/not_modelled.h"
#include "proxy/conf_test_support.h"
#include "proxy/nginx_config_scaler.h"

namespace bg::proxy {
namespace {

using test_support::HostDir;

ScaledConfig scale(const HostDir& host) {
  ScaleOptions o;
  o.prefix = host.root() / "run";
  o.map_port = [](uint16_t declared) { return static_cast<uint16_t>(declared + 40000); };
  return scale_nginx_config("/etc/nginx/nginx.conf", host.paths(), o);
}

std::string refusal(const HostDir& host) {
  try {
    scale(host);
  } catch (const core::NotModelled& e) {
    return e.subject();
  }
  return "accepted";
}

}  // namespace

// Goal: set and map values that proxy_pass reads are moved to the run's ports (a bare port too);
// upstream names stay; the peers are named as written.
TEST(AddressRemapper, MovesVariableAddressesToTheRunsPorts) {
  HostDir host("remap");
  host.write("nginx.conf",
             "events {}\nhttp {\n upstream blue { server 127.0.0.1:3000; }\n"
             " map $http_x_color $pool { default blue; green 127.0.0.1:3001; }\n"
             " server { listen 80; set $service_url http://127.0.0.1:3002/x; set $port 3003;\n"
             "  location / { proxy_pass http://$pool; }\n"
             "  location /svc { proxy_pass $service_url; }\n"
             "  location /p { proxy_pass http://127.0.0.1:$port; } } }\n");
  ScaledConfig s = scale(host);
  EXPECT_NE(s.text.find("green 127.0.0.1:43001;"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("set $service_url http://127.0.0.1:43002/x;"), std::string::npos);
  EXPECT_NE(s.text.find("set $port 43003;"), std::string::npos);
  EXPECT_NE(s.text.find("default blue;"), std::string::npos);
  EXPECT_EQ(s.peers.at(43001), "127.0.0.1:3001");
  EXPECT_EQ(s.text.find("resolver"), std::string::npos);
}

// Goal: what the copy cannot remap is refused: a value from the request, a name that needs DNS,
// an address off loopback.
TEST(AddressRemapper, RefusesWhatItCannotRemap) {
  HostDir host("remap");
  host.write("nginx.conf", "events {}\nhttp { server {\n location / {\n proxy_pass http://$host:3000;\n} } }\n");
  EXPECT_EQ(refusal(host),
            "proxy_pass \"http://$host:3000\" under real nginx ($host comes from the request, not the "
            "config) in /etc/nginx/nginx.conf:4");
  host.write("nginx.conf",
             "events {}\nhttp { resolver 127.0.0.11; server { set $app web:3000;\n"
             " location / {\n proxy_pass http://$app;\n} } }\n");
  EXPECT_EQ(refusal(host),
            "proxy_pass \"http://$app\" under real nginx (it can reach \"web:3000\", which the run "
            "cannot remap) in /etc/nginx/nginx.conf:4");
  host.write("nginx.conf",
             "events {}\nhttp { server { set $app http://10.0.0.5:3000;\n"
             " location / {\n proxy_pass $app;\n} } }\n");
  EXPECT_EQ(refusal(host),
            "proxy_pass \"$app\" under real nginx (it can reach \"10.0.0.5:3000\", which the run "
            "cannot remap) in /etc/nginx/nginx.conf:4");
}

// Goal: a loopback address whose port no socket can have is refused like any address the run
// cannot remap, not read as another port: 70000 wrapped to 4464 before, and a port of more digits
// than an int holds threw out of stoi (a fuzzer's finding).
TEST(AddressRemapper, RefusesAPortNoSocketCanHave) {
  HostDir host("remap");
  for (const std::string port : {"70000", "0", "5555555555555555555555555555"}) {
    host.write("nginx.conf", "events {}\nhttp { server { set $app http://127.0.0.1:" + port +
                                 ";\n location / {\n proxy_pass $app;\n} } }\n");
    EXPECT_EQ(refusal(host), "proxy_pass \"$app\" under real nginx (it can reach \"127.0.0.1:" + port +
                                 "\", which the run cannot remap) in /etc/nginx/nginx.conf:4")
        << port;
  }
  // 2^32 + 44464, which atoi made 44464, the run's port for the 4464 written beside it.
  host.write("nginx.conf",
             "events {}\nhttp { server { set $a http://127.0.0.1:4464; set $b http://127.0.0.1:4295011760;\n"
             " location /a { proxy_pass $a; }\n location / {\n proxy_pass $b;\n} } }\n");
  EXPECT_EQ(refusal(host),
            "proxy_pass \"$b\" under real nginx (it can reach \"127.0.0.1:4295011760\", which the run cannot "
            "remap) in /etc/nginx/nginx.conf:5");
}

}  // namespace bg::proxy
