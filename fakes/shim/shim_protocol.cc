#include "fakes/shim/shim_protocol.h"

#include <limits>
#include <string>

#include <nlohmann/json.hpp>

namespace bg::fakes {
namespace {

// A number field as an int. nlohmann converts a float that no int holds (5.8e+94) with undefined
// behaviour (found by bg_fuzz_shim_protocol), so such a number is refused as nlohmann refuses a
// value of the wrong type.
int int_field(const nlohmann::json& j, const char* name) {
  const nlohmann::json& v = j.at(name);
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!(d >= std::numeric_limits<int>::min() && d <= std::numeric_limits<int>::max()))
      throw nlohmann::json::type_error::create(302, std::string(name) + " is out of range: " + v.dump(), &v);
  }
  return v.get<int>();
}

}  // namespace

// Written out rather than with NLOHMANN_DEFINE_TYPE_*: `stdin` is also a <stdio.h> macro.
void to_json(nlohmann::json& j, const ShimRequest& r) {
  j = nlohmann::json{{"program", r.program}, {"args", r.args}, {"cwd", r.cwd},
                     {"stdin", r.stdin},     {"env", r.env},   {"pid", r.pid}};
}

void from_json(const nlohmann::json& j, ShimRequest& r) {
  r.program = j.at("program").get<std::string>();
  r.args = j.value("args", std::vector<std::string>{});
  r.cwd = j.value("cwd", std::string{});
  r.stdin = j.value("stdin", std::string{});
  r.env = j.value("env", std::map<std::string, std::string>{});
  r.pid = j.contains("pid") ? int_field(j, "pid") : 0;
}

void to_json(nlohmann::json& j, const ShimReply& r) {
  j = nlohmann::json{
      {"exit_code", r.exit_code}, {"out", r.out}, {"err", r.err}, {"exec", r.exec}, {"exec_env", r.exec_env}};
}

void from_json(const nlohmann::json& j, ShimReply& r) {
  r.exit_code = int_field(j, "exit_code");
  r.out = j.value("out", std::string{});
  r.err = j.value("err", std::string{});
  r.exec = j.value("exec", std::vector<std::string>{});
  r.exec_env = j.value("exec_env", std::map<std::string, std::string>{});
}

}  // namespace bg::fakes
