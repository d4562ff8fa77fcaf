#pragma once
// NotModelled: thrown where a user's file (nginx.conf, a compose file, a workflow) asks for something
// the fakes do not model. It is not bad input (the real system would accept it) and not a harness
// failure: the run ends as ERROR naming it, so that no verdict is ever given about a world that
// differs from the one the user's files describe.
#include <stdexcept>
#include <string>

namespace bg::core {

class NotModelled : public std::runtime_error {
 public:
  // `what`: the thing not modelled, with where it was asked for when known:
  // "nginx directive \"rewrite\" in /etc/nginx/conf.d/app.conf:12".
  explicit NotModelled(const std::string& what)
      : std::runtime_error(what + " is not modelled by bluegreen"), subject_(what) {}
  const std::string& subject() const { return subject_; }

 private:
  std::string subject_;
};

}  // namespace bg::core
