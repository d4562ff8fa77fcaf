#pragma once
// NginxFiles: the files of the folder that are nginx configuration, and at which level of nginx's
// configuration each one belongs, which decides where on the host it can go: a whole nginx.conf
// (`events`/`http` at its top), a file of `http` level (`server`, `upstream`, `map`: conf.d/ or a
// site), or a file of `server` level (`location`, `set`, `proxy_pass`: AL2's default.d/, a snippet
// or an include file). Also what init reads from them: includes, server names, listen ports.
// Simplified: tokens as ngx_conf_file.c reads them (words, quotes, `{` `}` `;`, `#` comments), with
// no directive checked beyond its name.
#include <string>
#include <vector>

#include "scenarios/survey/folder_files.h"
#include "scenarios/survey/script_facts.h"

namespace bg::survey {

enum class NginxLevel { main, http, server };

struct NginxServer {
  std::vector<std::string> names;    // server_name
  std::vector<std::string> listens;  // listen's first argument ("80", "[::]:80")
  bool proxies = false;              // a proxy_pass or an include inside it
  bool default_server = false;       // a listen with default_server
  Source at;
};

struct NginxFile {
  std::string path;
  NginxLevel level = NginxLevel::http;
  std::vector<Named> includes;  // every include's argument
  std::vector<NginxServer> servers;
  std::vector<Named> upstream_servers;  // `server ADDRESS` inside an upstream block
};

std::vector<NginxFile> read_nginx_files(const FolderFiles& folder);

// True when an include names one of the files the nginx package installs (mime.types, conf.d/*,
// sites-enabled/*, default.d/*, proxy_params, snippets/...): such a config needs the stock tree.
bool includes_stock_file(const NginxFile& file);

}  // namespace bg::survey
