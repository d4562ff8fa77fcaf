#include "proxy/directive_checker.h"

#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "proxy/nginx_config_error.h"
#include "proxy/nginx_values.h"

namespace bg::proxy {
namespace {

using namespace ngx_flags;

// The entries by name, in nginx's module order (several modules may define one name).
const std::vector<const NginxDirectiveSpec*>& specs_named(const std::string& name) {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string_view, std::vector<const NginxDirectiveSpec*>>();
    for (const auto& s : nginx_directive_specs()) (*m)[s.name].push_back(&s);
    return m;
  }();
  static const std::vector<const NginxDirectiveSpec*> none;
  auto it = index->find(name);
  return it == index->end() ? none : it->second;
}

// ngx_conf_handler's argument count check (nelts counts the name too).
bool argument_count_ok(uint32_t type, size_t nelts) {
  static constexpr uint32_t kArgumentNumber[] = {NGX_CONF_NOARGS, NGX_CONF_TAKE1, NGX_CONF_TAKE2, NGX_CONF_TAKE3,
                                                 NGX_CONF_TAKE4,  NGX_CONF_TAKE5, NGX_CONF_TAKE6, NGX_CONF_TAKE7};
  if (type & NGX_CONF_ANY) return true;
  if (type & NGX_CONF_FLAG) return nelts == 2;
  if (type & NGX_CONF_1MORE) return nelts >= 2;
  if (type & NGX_CONF_2MORE) return nelts >= 3;
  if (nelts > 8) return false;  // NGX_CONF_MAX_ARGS
  return (type & kArgumentNumber[nelts - 1]) != 0;
}

}  // namespace

void raise_if_error(const ConfDirective& d) {
  if (d.error_kind == ConfDirective::Error::config) throw NginxConfigError(d.error);
  if (d.error_kind == ConfDirective::Error::not_modelled) throw core::NotModelled(d.error);
}

const NginxDirectiveSpec& DirectiveChecker::check(const ConfDirective& d, ConfContext ctx) const {
  raise_if_error(d);
  bool found = false;
  for (const NginxDirectiveSpec* s : specs_named(d.name)) {
    if (*s->shared_object && !loaded_.count(s->shared_object)) continue;  // not in this cycle's modules
    found = true;
    if (s->kind != ConfModuleKind::conf && s->kind != ctx.module) continue;
    if (!(s->type & ctx.cmd_type)) continue;
    if (!(s->type & NGX_CONF_BLOCK) && d.has_block)
      throw NginxConfigError(
          emerg_at(fmt::format("directive \"{}\" is not terminated by \";\"", d.name), d.file, d.line));
    if ((s->type & NGX_CONF_BLOCK) && !d.has_block)
      throw NginxConfigError(emerg_at(fmt::format("directive \"{}\" has no opening \"{{\"", d.name), d.file, d.line));
    if (!argument_count_ok(s->type, d.args.size() + 1))
      throw NginxConfigError(
          emerg_at(fmt::format("invalid number of arguments in \"{}\" directive", d.name), d.file, d.line));
    return *s;
  }
  throw NginxConfigError(emerg_at(found ? fmt::format("\"{}\" directive is not allowed here", d.name)
                                        : fmt::format("unknown directive \"{}\"", d.name),
                                  d.file, d.line));
}

// ngx_conf_set_*_slot of src/core/ngx_conf_file.c: "is duplicate" when the level already set it,
// then the value's own check. Returned strings become `"NAME" directive MESSAGE`.
void DirectiveChecker::check_slot(const ConfDirective& d, const NginxDirectiveSpec& spec, std::set<std::string>& seen) {
  const std::string_view setter = spec.setter;
  static const std::set<std::string_view> kSlots = {
      "ngx_conf_set_flag_slot", "ngx_conf_set_num_slot", "ngx_conf_set_size_slot", "ngx_conf_set_off_slot",
      "ngx_conf_set_msec_slot", "ngx_conf_set_sec_slot", "ngx_conf_set_str_slot",  "ngx_conf_set_enum_slot",
      "ngx_conf_set_bufs_slot", "ngx_conf_set_path_slot"};
  if (!kSlots.count(setter)) return;
  auto fail = [&](const std::string& what) { throw NginxConfigError(emerg_at(what, d.file, d.line)); };
  if (!seen.insert(d.name).second) fail(fmt::format("\"{}\" directive is duplicate", d.name));
  const std::string& v = d.args.empty() ? std::string() : d.args[0];
  const std::string invalid = fmt::format("\"{}\" directive invalid value", d.name);
  if (setter == "ngx_conf_set_flag_slot") {
    std::string lower;
    for (char c : v) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);  // ngx_strcasecmp
    if (lower != "on" && lower != "off")
      fail(fmt::format("invalid value \"{}\" in \"{}\" directive, it must be \"on\" or \"off\"", v, d.name));
  } else if (setter == "ngx_conf_set_num_slot") {
    if (!nginx_atoi(v)) fail(fmt::format("\"{}\" directive invalid number", d.name));
  } else if (setter == "ngx_conf_set_size_slot") {
    if (!nginx_parse_size(v)) fail(invalid);
  } else if (setter == "ngx_conf_set_off_slot") {
    if (!nginx_parse_offset(v)) fail(invalid);
  } else if (setter == "ngx_conf_set_msec_slot") {
    if (!nginx_parse_time(v, false)) fail(invalid);
  } else if (setter == "ngx_conf_set_sec_slot") {
    if (!nginx_parse_time(v, true)) fail(invalid);
  }
}

}  // namespace bg::proxy
