#include "proxy/nginx_config_loader.h"

#include <set>
#include <vector>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "proxy/conf_lexer.h"
#include "proxy/config_interpreter.h"
#include "proxy/config_reader.h"
#include "proxy/directive_checker.h"
#include "proxy/directive_support.h"

namespace bg::proxy {
namespace ctx = conf_contexts;

std::optional<std::string> check_global_directives(const std::string& text) {
  ConfLexer lexer(text, true);
  DirectiveChecker checker;
  std::vector<std::string> words;
  std::set<std::string> seen;
  for (;;) {
    auto r = lexer.next(words);
    if (r == ConfLexer::Result::file_done) return std::nullopt;
    if (r == ConfLexer::Result::error) return fmt::format("[emerg] {} in command line", lexer.error());
    if (r == ConfLexer::Result::block_start)
      return std::string("[emerg] block directives are not supported in -g option in command line");
    if (r == ConfLexer::Result::block_done) return std::string("[emerg] unexpected \"}\" in command line");
    ConfDirective d;
    d.name = words.front();
    d.args.assign(words.begin() + 1, words.end());
    try {
      const NginxDirectiveSpec& spec = checker.check(d, ctx::kMain);
      DirectiveChecker::check_slot(d, spec, seen);
      if (directive_support(d.name, spec.module) != DirectiveSupport::harmless)
        throw core::NotModelled(fmt::format("nginx -g \"{}\"", text));
    } catch (const NginxConfigError& e) {
      std::string m = e.what();
      return m.substr(0, m.rfind(" in ")) + " in command line";
    }
  }
}

NginxConfig parse_nginx_config(const std::filesystem::path& path, const core::PathMap& paths,
                               const HostResolver& resolve) {
  // A real path (the run's copy) is named as the host names it; a host path stays as given.
  std::filesystem::path display = paths.to_virtual(path).value_or(path);
  ConfigReader reader(paths);
  std::vector<ConfDirective> tree = reader.read_main(display);
  NginxConfig config;
  config.path = display.string();
  ConfigInterpreter(config, resolve).run(tree);
  return config;
}

}  // namespace bg::proxy
