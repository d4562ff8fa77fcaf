// libFuzzer target: the shims' wire format (fakes/shim/shim_protocol). The ShimServer reads
// any bytes a process on its socket posts as a ShimRequest, and the shim reads the server's reply as
// a ShimReply: both must give the struct or an nlohmann::json::exception (the server answers that
// with an error reply), never a crash or another exception type. What is read writes back to JSON
// and reads again as the same struct (the round trip the shim and server make every call).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

// The protocol moves to fakes/shim/ with the sandbox work; either place builds.
#if __has_include("fakes/shim/shim_protocol.h")
#include "fakes/shim/shim_protocol.h"
#else
#include "fakes/shim/shim_protocol.h"
#endif
#include "fuzz/fuzz_sandbox.h"

namespace {

bool same(const bg::fakes::ShimRequest& a, const bg::fakes::ShimRequest& b) {
  return a.program == b.program && a.args == b.args && a.cwd == b.cwd && a.stdin == b.stdin && a.env == b.env;
}

bool same(const bg::fakes::ShimReply& a, const bg::fakes::ShimReply& b) {
  return a.exit_code == b.exit_code && a.out == b.out && a.err == b.err && a.exec == b.exec;
}

template <class T>
void read_and_round_trip(const nlohmann::json& j) {
  try {
    const T first = j.get<T>();
    const nlohmann::json written = first;
    // dump() and parse again: what travels is text, and invalid UTF-8 must not pass one way only.
    const T second = nlohmann::json::parse(written.dump()).get<T>();
    if (!same(first, second)) __builtin_trap();
  } catch (const nlohmann::json::exception&) {
  }
}

// The writing side: the shim sends whatever bytes a script gave it (argv, cwd, stdin need not be
// UTF-8), dumped with error_handler_t::replace as shim_main.cc and shim_server.cc do. That must
// always parse back; when the bytes were valid UTF-8 (a strict dump succeeds) it must be exact.
void write_and_read_back(std::string_view bytes) {
  bg::fakes::ShimRequest request;
  std::vector<std::string> fields;
  size_t start = 0;
  for (size_t nul = bytes.find('\0'); nul != std::string_view::npos; nul = bytes.find('\0', start)) {
    fields.emplace_back(bytes.substr(start, nul - start));
    start = nul + 1;
  }
  fields.emplace_back(bytes.substr(start));
  request.program = fields.front();
  request.args.assign(fields.begin() + 1, fields.end());
  request.cwd = fields.back();
  request.stdin = std::string(bytes);
  request.env["DEPLOYMENT_ID"] = fields.front();
  const nlohmann::json j = request;
  const auto lenient = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const auto read_back = nlohmann::json::parse(lenient).get<bg::fakes::ShimRequest>();  // throws: a finding
  std::string strict;
  try {
    strict = j.dump();
  } catch (const nlohmann::json::type_error&) {
    return;  // not UTF-8: replaced, so not expected to be exact
  }
  if (strict != lenient || !same(request, read_back)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  write_and_read_back(bg::fuzz::as_text(data, size));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(bg::fuzz::as_text(data, size));
  } catch (const nlohmann::json::exception&) {
    return 0;
  }
  read_and_round_trip<bg::fakes::ShimRequest>(j);
  read_and_round_trip<bg::fakes::ShimReply>(j);
  return 0;
}
