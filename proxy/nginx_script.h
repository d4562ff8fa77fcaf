#pragma once
// nginx's values with variables ("complex values", ngx_http_script_compile): literal text and
// $name / ${name} / $1..$9 parts, compiled when the config loads and evaluated per request. Also
// which variable names nginx 1.22 knows (its modules' ngx_http_variable_t tables, prefix variables
// such as $http_*), and which of them bluegreen can evaluate.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bg::proxy {

struct ScriptPart {
  bool variable = false;
  std::string text;  // literal text, or the variable's name ("1" for a capture)
};

class Script {
 public:
  Script() = default;
  // Compiles `source`; nullopt and `error` set (nginx's wording) when a variable is malformed.
  static std::optional<Script> compile(std::string_view source, std::string& error);
  static Script literal(std::string text);

  bool has_variables() const;
  const std::string& source() const { return source_; }
  const std::vector<ScriptPart>& parts() const { return parts_; }
  // The value, each variable asked of `get` (nullopt: nginx's "not found", an empty string).
  std::string evaluate(const std::function<std::optional<std::string>(std::string_view)>& get) const;

 private:
  std::string source_;
  std::vector<ScriptPart> parts_;
};

// Whether nginx knows `name` as a built-in variable of its static modules or of a loaded dynamic
// one (`loaded`: the .so names load_module loaded); captures ("1") count.
bool nginx_knows_variable(std::string_view name, const std::function<bool(const std::string&)>& loaded);
// Whether bluegreen evaluates built-in `name` per request (RequestVariables). Others, when they
// reach a value that decides a request's fate (set, map, proxy_pass, return, root, try_files),
// are not modelled.
bool evaluable_variable(std::string_view name);

}  // namespace bg::proxy
