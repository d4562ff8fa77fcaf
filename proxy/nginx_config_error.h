#pragma once
// The error of a configuration nginx would refuse, apart from the configuration itself so that the
// parts which raise it (lexer, reader, directive checks, interpreter) need not include the model
// they fill in.
#include <stdexcept>

namespace bg::proxy {

// A configuration that nginx would reject. what() reads like nginx's own line without the
// "nginx: " prefix, e.g. `[emerg] unexpected "}" in /etc/nginx/nginx.conf:12`.
class NginxConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace bg::proxy
