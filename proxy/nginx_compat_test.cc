// The same configs through bluegreen's loader and through the real nginx binary (`nginx -t`, as
// installed: Debian 12's 1.22.1): both accept, or both reject with the same message. A config
// bluegreen reports as not modelled must be one nginx accepts. Skipped when nginx is missing.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "proxy/conf_test_support.h"
#include "proxy/real_nginx.h"

namespace bg::proxy {
namespace {

using test_support::HostDir;

struct Case {
  const char* name;
  std::string conf;                          // nginx.conf
  std::map<std::string, std::string> files;  // more files, relative to /etc/nginx
};

// nginx -t's first line, as "ok" or the message without "nginx: " and with host paths.
std::string real_outcome(const HostDir& host) {
  std::string root = host.root().string();
  std::string cmd = std::string(RealNginx::kDefaultBinary) + " -t -q -p " + root + "/ -e " + root + "/err.log -c " +
                    root + "/etc/nginx/nginx.conf 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = ::pclose(p);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "ok";
  std::string line = out.substr(0, out.find('\n'));
  if (line.rfind("nginx: ", 0) == 0) line = line.substr(7);
  for (size_t at; (at = line.find(root)) != std::string::npos;) line.erase(at, root.size());
  return line;
}

const Case kCases[] = {
    {"unknown_directive", "events {}\nhttp {\n  frobnicate on;\n}\n", {}},
    {"not_allowed_here", "events {}\nserver {}\n", {}},
    {"proxy_pass_in_server", "events {}\nhttp { server {\n proxy_pass http://127.0.0.1:3000;\n} }\n", {}},
    {"location_in_http", "events {}\nhttp {\n location / {}\n}\n", {}},
    {"listen_without_port", "events {}\nhttp { server {\n listen;\n} }\n", {}},
    {"flag_value", "events {}\nhttp {\n gzip maybe;\n}\n", {}},
    {"flag_duplicate", "events {}\nhttp {\n sendfile on;\n sendfile off;\n}\n", {}},
    {"msec_value", "events {}\nhttp {\n proxy_read_timeout 5x;\n}\n", {}},
    {"size_value", "events {}\nhttp {\n client_max_body_size 10q;\n}\n", {}},
    {"bitmask_value", "events {}\nhttp {\n proxy_next_upstream error bogus;\n}\n", {}},
    {"brace_extra", "events {}\nhttp {\n}\n}\n", {}},
    {"brace_missing", "events {}\nhttp {\n", {}},
    {"semicolon_missing", "events {}\nhttp {}\nworker_processes 1", {}},
    {"quote_then_char", "events {}\nhttp { server {\n server_name \"a\"b;\n} }\n", {}},
    {"too_long", "events {}\nhttp { server {\n server_name " + std::string(5000, 'x') + ";\n} }\n", {}},
    {"no_events", "http {}\n", {}},
    {"events_twice", "events {}\nevents {}\n", {}},
    {"http_block_no_brace", "events {}\nhttp;\n", {}},
    {"events_with_args", "events x {}\n", {}},
    {"worker_processes_bad", "worker_processes many;\nevents {}\n", {}},
    {"include_missing", "events {}\nhttp {\n include missing.conf;\n}\n", {}},
    {"include_glob_none", "events {}\nhttp {\n include conf.d/*.conf;\n}\n", {}},
    {"include_glob_dir", "events {}\nhttp {\n include conf.d/*;\n}\n", {{"conf.d/sub/x.conf", ""}}},
    {"include_error_inside", "events {}\nhttp {\n include conf.d/*.conf;\n}\n", {{"conf.d/a.conf", "\n\nbogus 1;\n"}}},
    {"include_args", "events {}\ninclude a b;\n", {}},
    {"upstream_empty", "events {}\nhttp {\n upstream b {\n }\n}\n", {}},
    {"upstream_weight_zero", "events {}\nhttp { upstream b {\n server 127.0.0.1:3000 weight=0;\n} }\n", {}},
    {"upstream_duplicate",
     "events {}\nhttp { upstream b { server 127.0.0.1:1; }\n upstream b { server 127.0.0.1:2; } }\n",
     {}},
    {"return_bad_code", "events {}\nhttp { server { location / {\n return abc;\n} } }\n", {}},
    {"return_big_code", "events {}\nhttp { server { location / {\n return 1000;\n} } }\n", {}},
    {"set_bad_name", "events {}\nhttp { server {\n set foo bar;\n} }\n", {}},
    {"unknown_variable", "events {}\nhttp { server {\n set $a $nosuch;\n} }\n", {}},
    {"variable_bracket", "events {}\nhttp { server {\n set $a ${b;\n} }\n", {}},
    {"duplicate_default_server",
     "events {}\nhttp {\n server { listen 80 default_server; }\n server {\n listen 80 default_server;\n }\n}\n",
     {}},
    {"regex_location_uri",
     "events {}\nhttp { server { location ~ \\.php$ {\n proxy_pass http://127.0.0.1:3000/x;\n} } }\n",
     {}},
    {"location_modifier", "events {}\nhttp { server {\n location ! /x {}\n} }\n", {}},
    {"location_outside", "events {}\nhttp { server { location /a {\n location /b {}\n} } }\n", {}},
    {"proxy_pass_prefix", "events {}\nhttp { server { location / {\n proxy_pass ftp://x;\n} } }\n", {}},
    {"types_nested_block", "events {}\nhttp {\n types {\n text/html { }\n }\n}\n", {}},
    {"stream_without_module", "events {}\nstream {}\n", {}},
    {"try_files_one_arg", "events {}\nhttp { server { location / {\n try_files $uri;\n} } }\n", {}},
    {"map_default_twice", "events {}\nhttp {\n map $host $x {\n default a;\n default b;\n }\n}\n", {}},
    // Valid for nginx: bluegreen accepts them, or says they are not modelled.
    {"seed",
     "events {}\nhttp { upstream b { server 127.0.0.1:3000; server 127.0.0.1:3001; }\n"
     " server { listen 80; location / { proxy_pass http://b; } } }\n",
     {}},
    {"variables",
     "events {}\nhttp {\n map $http_x_color $pool { default blue; green green; }\n"
     " upstream blue { server 127.0.0.1:3000; }\n upstream green { server 127.0.0.1:3001; }\n"
     " server { listen 80; set $service_url http://127.0.0.1:3001;\n"
     "  location / { proxy_pass http://$pool; }\n  location /x { proxy_pass $service_url; } } }\n",
     {}},
    {"static_site",
     "events {}\nhttp { server { listen 80 default_server; listen [::]:80 default_server;\n"
     " root /var/www/html; index index.html; server_name _;\n"
     " location / { try_files $uri $uri/ =404; } location = /up { return 200 \"ok\"; } } }\n",
     {}},
    {"rewrite", "events {}\nhttp { server { location / {\n rewrite ^ /x;\n} } }\n", {}},
    {"if_block", "events {}\nhttp { server {\n if ($host = a) { return 404; }\n} }\n", {}},
    {"limit_req",
     "events {}\nhttp {\n limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;\n"
     " server { location / { limit_req zone=one; } } }\n",
     {}},
    {"ssl_listen", "events {}\nhttp { server {\n listen 443 ssl;\n} }\n", {}},
    {"harmless_mix",
     "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\nevents { worker_connections 768; }\n"
     "http { sendfile on; tcp_nopush on; types_hash_max_size 2048; default_type application/octet-stream;\n"
     " ssl_protocols TLSv1.2; ssl_prefer_server_ciphers on; access_log off; gzip on;\n"
     " types { text/html html; } }\n",
     {}},
};

class NginxCompat : public testing::TestWithParam<Case> {};

}  // namespace

// Goal: bluegreen's loader answers each config as nginx 1.22 does (accept, or the same first message).
TEST_P(NginxCompat, SameAnswerAsNginx) {
  if (!RealNginx::available()) GTEST_SKIP() << RealNginx::kDefaultBinary << " is not installed";
  const Case& c = GetParam();
  HostDir host("compat");
  host.write("nginx.conf", c.conf);
  for (const auto& [name, text] : c.files) host.write(name, text);
  std::string ours = host.outcome();
  std::string nginx = real_outcome(host);
  if (nginx.find("/var/log/nginx") != std::string::npos)
    GTEST_SKIP() << "nginx cannot open its default logs: " << nginx;
  if (ours.rfind("not modelled: ", 0) == 0) {
    EXPECT_EQ(nginx, "ok") << "bluegreen says " << ours;
  } else {
    EXPECT_EQ(ours, nginx);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, NginxCompat, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace bg::proxy
