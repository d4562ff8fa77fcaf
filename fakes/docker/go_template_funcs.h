#pragma once
// The functions a GoTemplate calls (internal to go_template_exec.cc): Go's builtins
// (golang/go src/text/template/funcs.go, Go 1.17 as Docker 20.10 was built with) and docker's
// (docker/cli templates/templates.go@v20.10.17), with their signatures so that the executor can
// report Go's arity and argument-type errors.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fakes/docker/go_template.h"

namespace bg::fakes::gotmpl {

// What a parameter accepts: any value (reflect.Value / interface{}), or one Go type.
enum class Param { any, string, integer, string_slice };

struct Signature {
  std::vector<Param> params;  // with `variadic`, the last one repeats
  bool variadic = false;
};

// A function's own error: the executor reports "error calling <name>: <what()>".
class CallError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// nullopt for a name that is not a function of `set`.
std::optional<Signature> signature(const std::string& name, FuncSet set);
// Calls a function with arguments already checked against its signature. Throws CallError, or
// core::NotModelled (a printf verb not modelled).
Value call_function(const std::string& name, const std::vector<Value>& args, FuncSet set);

// The Go type a parameter kind names in "wrong type for value; expected <type>".
const char* param_type(Param p);

}  // namespace bg::fakes::gotmpl
