#include "fakes/docker/shim/shim_protocol.h"

namespace bg::fakes {

// Written out rather than with NLOHMANN_DEFINE_TYPE_*: `stdin` is also a <stdio.h> macro.
void to_json(nlohmann::json& j, const ShimRequest& r) {
  j = nlohmann::json{{"program", r.program}, {"args", r.args}, {"cwd", r.cwd}, {"stdin", r.stdin}, {"env", r.env}};
}

void from_json(const nlohmann::json& j, ShimRequest& r) {
  r.program = j.at("program").get<std::string>();
  r.args = j.value("args", std::vector<std::string>{});
  r.cwd = j.value("cwd", std::string{});
  r.stdin = j.value("stdin", std::string{});
  r.env = j.value("env", std::map<std::string, std::string>{});
}

void to_json(nlohmann::json& j, const ShimReply& r) {
  j = nlohmann::json{{"exit_code", r.exit_code}, {"out", r.out}, {"err", r.err}, {"exec", r.exec}};
}

void from_json(const nlohmann::json& j, ShimReply& r) {
  r.exit_code = j.at("exit_code").get<int>();
  r.out = j.value("out", std::string{});
  r.err = j.value("err", std::string{});
  r.exec = j.value("exec", std::vector<std::string>{});
}

}  // namespace bg::fakes
