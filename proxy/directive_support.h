#pragma once
// What bluegreen does with each directive nginx knows: the interpreter models it; it is accepted
// and ignored because it cannot change what the proxy does to a request's fate (status, which
// backend serves it, when); or it is not modelled, and a config using it ends the run as ERROR
// (core::NotModelled) rather than be judged as if the directive were not there.
#include <string_view>

namespace bg::proxy {

enum class DirectiveSupport { modelled, harmless, not_modelled };

// `module` is the ngx_module_t name of the command nginx matched (DirectiveChecker::check).
DirectiveSupport directive_support(std::string_view name, std::string_view module);

}  // namespace bg::proxy
