#include "proxy/address_remapper.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <regex>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "proxy/nginx_script.h"

namespace bg::proxy {
namespace {

constexpr size_t kMaxValues = 1024;  // URLs one proxy_pass may take, enumerated
constexpr int kMaxDepth = 8;         // variables naming variables

// A TCP port written in decimal: 1-65535, else nullopt (however many digits it has).
std::optional<uint16_t> port_number(const std::string& digits) {
  uint32_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n < 1 || n > 65535) return std::nullopt;
  return static_cast<uint16_t>(n);
}

// Where a variable's values are written: a `set` argument or a map entry's value.
struct ValueSlot {
  ConfDirective* directive;
  size_t arg;
};

class Remapper {
 public:
  Remapper(const RemapOptions& o) : o_(o) {}

  void collect(std::vector<ConfDirective>& ds) {
    for (auto& d : ds) {
      if (d.name == "set" && d.args.size() == 2 && d.args[0].size() > 1) slots_[d.args[0].substr(1)].push_back({&d, 1});
      if (d.name == "map" && d.args.size() == 2 && d.args[1].size() > 1)
        for (auto& e : d.block)
          if (e.args.size() == 1) slots_[d.args[1].substr(1)].push_back({&e, 0});
      if (d.name == "proxy_pass" && d.args.size() == 1 && d.args[0].find('$') != std::string::npos)
        passes_.push_back(&d);
      collect(d.block);
    }
  }

  std::map<uint16_t, std::string> run() {
    for (ConfDirective* p : passes_) rewrite_sources(*p);
    for (ConfDirective* p : passes_)
      for (const auto& url : values_of(p->args[0], *p, 0)) check(url, *p);
    return peers_;
  }

 private:
  [[noreturn]] void refuse(const ConfDirective& d, const std::string& why) const {
    throw core::NotModelled(
        fmt::format("proxy_pass \"{}\" under real nginx ({}) in {}:{}", d.args[0], why, d.file, d.line));
  }

  // Every value `text` can take: its literal parts and, for each variable, each value written for it.
  std::vector<std::string> values_of(const std::string& text, const ConfDirective& pass, int depth) {
    std::string error;
    auto script = Script::compile(text, error);
    if (!script || depth > kMaxDepth) refuse(pass, "a value bluegreen cannot follow");
    std::vector<std::string> out{""};
    for (const auto& part : script->parts()) {
      std::vector<std::string> choices;
      if (!part.variable)
        choices.push_back(part.text);
      else if (!slots_.count(part.text))
        refuse(pass, fmt::format("${} comes from the request, not the config", part.text));
      else
        for (const auto& slot : slots_.at(part.text))
          for (auto& v : values_of(slot.directive->args[slot.arg], pass, depth + 1)) choices.push_back(std::move(v));
      std::vector<std::string> next;
      for (const auto& prefix : out)
        for (const auto& c : choices) next.push_back(prefix + c);
      if (next.size() > kMaxValues) refuse(pass, "too many values to enumerate");
      out = std::move(next);
    }
    return out;
  }

  // Moves each literal address (or bare port) among the values this proxy_pass reads to the run's.
  void rewrite_sources(const ConfDirective& pass) {
    std::string error;
    auto script = Script::compile(pass.args[0], error);
    if (!script) return;
    std::vector<std::string> vars;
    for (const auto& p : script->parts())
      if (p.variable) vars.push_back(p.text);
    std::set<std::string> seen;
    while (!vars.empty()) {
      std::string v = vars.back();
      vars.pop_back();
      if (!seen.insert(v).second) continue;
      auto found = slots_.find(v);
      if (found == slots_.end()) continue;  // a request variable: values_of() refuses it
      for (const auto& slot : found->second) {
        std::string& value = slot.directive->args[slot.arg];
        auto inner = Script::compile(value, error);
        if (inner && inner->has_variables()) {
          for (const auto& p : inner->parts())
            if (p.variable) vars.push_back(p.text);
          continue;
        }
        value = remapped(value);
      }
    }
  }

  // "http://127.0.0.1:3001/x" -> "http://127.0.0.1:41234/x"; "3001" -> "41234"; others unchanged.
  std::string remapped(const std::string& value) {
    static const std::regex address(R"(^(https?://)?(127\.\d+\.\d+\.\d+)(:(\d+))?(/.*)?$)");
    static const std::regex port(R"(^\d{1,5}$)");
    std::smatch m;
    if (std::regex_match(value, m, address)) {
      // A port no socket can have (0, past 65535, or digits past any int: a fuzzer's
      // 127.0.0.1:5555...5 threw from stoi) stays as written, and check() then refuses the URL.
      const auto declared = m[4].matched ? port_number(m[4].str()) : std::optional<uint16_t>(80);
      if (!declared) return value;
      uint16_t actual = o_.map_port(*declared);
      peers_[actual] = m[2].str() + ":" + std::to_string(*declared);
      mapped_.insert(actual);
      return fmt::format("{}127.0.0.1:{}{}", m[1].str(), actual, m[5].str());
    }
    if (std::regex_match(value, port)) {
      const auto n = port_number(value);
      if (!n) return value;
      uint16_t actual = o_.map_port(*n);
      mapped_.insert(actual);
      return std::to_string(actual);
    }
    return value;
  }

  // A URL the copy's proxy_pass can produce must name an upstream block or a remapped address.
  void check(const std::string& url, const ConfDirective& pass) {
    if (url.rfind("http://", 0) != 0) refuse(pass, fmt::format("it can be \"{}\"", url));
    std::string authority =
        url.substr(7, url.find('/', 7) == std::string::npos ? std::string::npos : url.find('/', 7) - 7);
    if (o_.upstreams.count(authority)) return;
    auto colon = authority.rfind(':');
    std::string host = authority.substr(0, colon);
    if (host == "127.0.0.1" && colon != std::string::npos) {
      const auto p = port_number(authority.substr(colon + 1));
      if (p && mapped_.count(*p)) return;
    }
    refuse(pass, fmt::format("it can reach \"{}\", which the run cannot remap", authority));
  }

  const RemapOptions& o_;
  std::map<std::string, std::vector<ValueSlot>> slots_;
  std::vector<ConfDirective*> passes_;
  std::map<uint16_t, std::string> peers_;
  std::set<uint16_t> mapped_;
};

}  // namespace

std::map<uint16_t, std::string> remap_variable_addresses(std::vector<ConfDirective>& tree,
                                                         const RemapOptions& options) {
  Remapper r(options);
  r.collect(tree);
  return r.run();
}

}  // namespace bg::proxy
