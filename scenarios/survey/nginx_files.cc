#include "scenarios/survey/nginx_files.h"

#include <cctype>
#include <optional>
#include <set>

namespace bg::survey {
namespace {

struct Directive {
  std::string name;
  std::vector<std::string> args;
  int line = 0;
  bool has_block = false;
  std::vector<Directive> block;
};

struct Token {
  std::string text;
  int line;
  bool quoted;
};

// Words, `{`, `}` and `;` as nginx's tokenizer cuts them; `#` starts a comment outside quotes.
std::vector<Token> tokens(const TextFile& f) {
  std::vector<Token> out;
  for (size_t n = 0; n < f.lines.size(); ++n) {
    const std::string& l = f.lines[n];
    const int line = static_cast<int>(n) + 1;
    for (size_t i = 0; i < l.size();) {
      const char c = l[i];
      if (std::isspace(static_cast<unsigned char>(c)))
        ++i;
      else if (c == '#')
        break;
      else if (c == '{' || c == '}' || c == ';')
        out.push_back({std::string(1, c), line, false}), ++i;
      else if (c == '"' || c == '\'') {
        const size_t close = l.find(c, i + 1);
        const size_t stop = close == std::string::npos ? l.size() : close;
        out.push_back({l.substr(i + 1, stop - i - 1), line, true});
        i = stop + 1;
      } else {
        // A word ends at a blank, `;`, `{` or `}`, except the braces of a `${name}` variable.
        size_t j = i;
        bool in_variable = false;
        for (; j < l.size() && !std::isspace(static_cast<unsigned char>(l[j])) && l[j] != ';'; ++j) {
          if (l[j] == '{' && !(j > i && l[j - 1] == '$')) break;
          if (l[j] == '{') in_variable = true;
          if (l[j] == '}' && !in_variable) break;
          if (l[j] == '}') in_variable = false;
        }
        out.push_back({l.substr(i, j - i), line, false});
        i = j;
      }
    }
  }
  return out;
}

// The directives of a token list, or nullopt when it is not nginx's syntax (a statement without
// `;`, an unbalanced brace): a file that does not parse is not an nginx file.
std::optional<std::vector<Directive>> parse(const std::vector<Token>& toks, size_t& i, bool nested) {
  std::vector<Directive> out;
  while (i < toks.size()) {
    if (!toks[i].quoted && toks[i].text == "}") {
      if (!nested) return std::nullopt;
      ++i;
      return out;
    }
    if (!toks[i].quoted && (toks[i].text == "{" || toks[i].text == ";")) return std::nullopt;
    Directive d{toks[i].text, {}, toks[i].line, false, {}};
    for (++i; i < toks.size(); ++i) {
      const Token& t = toks[i];
      if (!t.quoted && t.text == ";") break;
      if (!t.quoted && t.text == "{") {
        d.has_block = true;
        auto inner = parse(toks, ++i, true);
        if (!inner) return std::nullopt;
        d.block = std::move(*inner);
        --i;
        break;
      }
      if (!t.quoted && t.text == "}") return std::nullopt;
      d.args.push_back(t.text);
    }
    if (i >= toks.size()) return std::nullopt;
    ++i;
    out.push_back(std::move(d));
  }
  if (nested) return std::nullopt;
  return out;
}

// Directives that can open an nginx file, at any of its levels.
const std::set<std::string> kKnown = {"user",
                                      "worker_processes",
                                      "error_log",
                                      "pid",
                                      "include",
                                      "events",
                                      "http",
                                      "load_module",
                                      "env",
                                      "worker_rlimit_nofile",
                                      "server",
                                      "upstream",
                                      "map",
                                      "geo",
                                      "log_format",
                                      "access_log",
                                      "location",
                                      "set",
                                      "proxy_pass",
                                      "proxy_set_header",
                                      "listen",
                                      "server_name",
                                      "root",
                                      "return",
                                      "rewrite",
                                      "add_header",
                                      "limit_req_zone",
                                      "split_clients",
                                      "keepalive_timeout",
                                      "client_max_body_size",
                                      "proxy_http_version",
                                      "gzip",
                                      "sendfile",
                                      "resolver",
                                      "if",
                                      "proxy_read_timeout",
                                      "proxy_next_upstream",
                                      "error_page"};

void collect(const std::string& path, const std::vector<Directive>& ds, NginxFile& f, bool in_upstream) {
  for (const auto& d : ds) {
    if (d.name == "include" && !d.args.empty()) f.includes.push_back({d.args[0], {path, d.line}});
    if (in_upstream && d.name == "server" && !d.args.empty()) f.upstream_servers.push_back({d.args[0], {path, d.line}});
    if (d.name == "server" && d.has_block) {
      NginxServer s;
      s.at = {path, d.line};
      std::vector<const Directive*> todo;
      for (const auto& inner : d.block) todo.push_back(&inner);
      while (!todo.empty()) {
        const Directive* x = todo.back();
        todo.pop_back();
        if (x->name == "server_name") s.names.insert(s.names.end(), x->args.begin(), x->args.end());
        if (x->name == "listen" && !x->args.empty()) s.listens.push_back(x->args[0]);
        for (const auto& a : x->args)
          s.default_server = s.default_server || (x->name == "listen" && a == "default_server");
        if (x->name == "proxy_pass" || x->name == "include") s.proxies = true;
        for (const auto& inner : x->block) todo.push_back(&inner);
      }
      f.servers.push_back(std::move(s));
    }
    collect(path, d.block, f, d.name == "upstream");
  }
}

// Files that can be nginx configuration: *.conf, *.inc, nginx.conf, or a name without an extension
// (Debian's sites are named `default`, `shop`), never a file of another known kind.
bool may_be_nginx(const TextFile& f) {
  const std::string name = f.name();
  static const std::set<std::string> other = {"Dockerfile",  "Makefile",   "Procfile",    "LICENSE", "README",
                                              "Jenkinsfile", "CODEOWNERS", "Vagrantfile", "Gemfile"};
  if (other.count(name) || is_shell_file(f) || name.front() == '.') return false;
  const auto dot = name.rfind('.');
  if (dot == std::string::npos) return true;
  const std::string ext = name.substr(dot);
  return ext == ".conf" || ext == ".inc" || ext == ".nginx" || ext == ".template";
}

}  // namespace

std::vector<NginxFile> read_nginx_files(const FolderFiles& folder) {
  std::vector<NginxFile> out;
  for (const auto& f : folder.files()) {
    if (!may_be_nginx(f)) continue;
    size_t i = 0;
    const auto toks = tokens(f);
    auto ds = parse(toks, i, false);
    if (!ds || ds->empty() || !kKnown.count(ds->front().name)) continue;
    NginxFile n;
    n.path = f.path;
    bool main = false, http = false;
    for (const auto& d : *ds) {
      main = main || d.name == "events" || d.name == "http";
      http = http || d.name == "server" || d.name == "upstream" || d.name == "map" || d.name == "geo" ||
             d.name == "log_format" || d.name == "split_clients" || d.name == "limit_req_zone";
    }
    n.level = main ? NginxLevel::main : http ? NginxLevel::http : NginxLevel::server;
    collect(f.path, *ds, n, false);
    out.push_back(std::move(n));
  }
  return out;
}

bool includes_stock_file(const NginxFile& file) {
  static const std::vector<std::string> stock = {"mime.types",   "conf.d/",   "sites-enabled/", "default.d/",
                                                 "proxy_params", "snippets/", "fastcgi",        "modules-enabled/"};
  for (const auto& inc : file.includes)
    for (const auto& s : stock)
      if (inc.value.find(s) != std::string::npos) return true;
  return false;
}

}  // namespace bg::survey
