#include "scenarios/scenario_loader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <regex>
#include <map>
#include <set>

namespace bg::scenarios {
namespace {

// Everything the loader reports carries "<file>:<line>:<column>: ".
class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    const auto mark = at.Mark();
    throw ScenarioError(fmt::format("{}:{}:{}: {}", file_.string(), mark.line + 1, mark.column + 1, what));
  }

  std::string string(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, fmt::format("'{}' must be a text value", key));
    return n.Scalar();
  }

  double number(const YAML::Node& n, const std::string& key) const {
    try {
      if (!n.IsScalar()) throw std::invalid_argument("");
      size_t used = 0;
      double v = std::stod(n.Scalar(), &used);
      if (used != n.Scalar().size()) throw std::invalid_argument("");
      return v;
    } catch (const std::exception&) {
      fail(n, fmt::format("'{}' must be a number, got '{}'", key, n.IsScalar() ? n.Scalar() : "a mapping or list"));
    }
  }

  int64_t integer(const YAML::Node& n, const std::string& key) const {
    double v = number(n, key);
    if (v != static_cast<double>(static_cast<int64_t>(v))) fail(n, fmt::format("'{}' must be a whole number", key));
    return static_cast<int64_t>(v);
  }

  bool boolean(const YAML::Node& n, const std::string& key) const {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    if (s == "true") return true;
    if (s == "false") return false;
    fail(n, fmt::format("'{}' must be true or false", key));
  }

  core::Duration duration(const YAML::Node& n, const std::string& key) const {
    if (n.IsScalar())
      if (auto d = core::parse_duration(n.Scalar())) return *d;
    fail(n, fmt::format("'{}' must be a duration like 10s, 500ms or 1m30s", key));
  }

  // Either a duration ("3s") or {min: 2s, max: 4s}.
  DurationRange range(const YAML::Node& n, const std::string& key) const {
    if (n.IsScalar()) {
      auto d = duration(n, key);
      return {d, d};
    }
    if (!n.IsMap()) fail(n, fmt::format("'{}' must be a duration or {{min: .., max: ..}}", key));
    DurationRange r;
    bool has_min = false, has_max = false;
    for_each(n, key, {{"min", [&](const YAML::Node& v) { r.min = duration(v, key + ".min"); has_min = true; }},
                      {"max", [&](const YAML::Node& v) { r.max = duration(v, key + ".max"); has_max = true; }}});
    if (!has_min || !has_max) fail(n, fmt::format("'{}' needs both min and max", key));
    if (r.max < r.min) fail(n, fmt::format("'{}': max is below min", key));
    return r;
  }

  using Handlers = std::map<std::string, std::function<void(const YAML::Node&)>>;

  // Calls the handler of each key of mapping `n`; an unknown key is an error listing the known ones.
  void for_each(const YAML::Node& n, const std::string& where, const Handlers& handlers) const {
    if (!n.IsMap()) fail(n, fmt::format("'{}' must be a mapping", where));
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      auto it = handlers.find(key);
      if (it == handlers.end()) {
        std::string known;
        for (const auto& [k, _] : handlers) known += (known.empty() ? "" : ", ") + k;
        fail(kv.first, fmt::format("unknown key '{}' in {} (expected one of: {})", key, where, known));
      }
      it->second(kv.second);
    }
  }

 private:
  std::filesystem::path file_;
};

// `base` and the folders it extends in turn, nearest first; a cycle is an error at `at`.
std::vector<std::filesystem::path> extends_chain(std::filesystem::path base, const YAML::Node& at, const Reader& r,
                                                 const std::filesystem::path& self) {
  std::vector<std::filesystem::path> chain;
  while (true) {
    if (std::filesystem::equivalent(base, self) ||
        std::any_of(chain.begin(), chain.end(), [&](const auto& p) { return std::filesystem::equivalent(p, base); }))
      r.fail(at, fmt::format("'extends' leads back to {}: a cycle", base.string()));
    chain.push_back(base);
    const auto yaml = base / "scenario.yaml";
    if (!std::filesystem::exists(yaml)) break;
    YAML::Node parent;
    try {
      parent = YAML::LoadFile(yaml.string());
    } catch (const YAML::Exception& e) {
      throw ScenarioError(fmt::format("{}:{}:{}: {}", yaml.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
    }
    if (!parent.IsMap() || !parent["extends"]) break;
    base = (base / parent["extends"].as<std::string>()).lexically_normal();
    if (!std::filesystem::is_directory(base))
      throw ScenarioError(fmt::format("{}: 'extends' names {}, which is not a folder", yaml.string(), base.string()));
  }
  return chain;
}

// docker.registry: a list of {image: "nginx:1.25-alpine", runs: nginx}.
std::vector<RegistryImageSettings> read_registry(const Reader& r, const YAML::Node& list) {
  if (!list.IsSequence()) r.fail(list, "'docker.registry' must be a list of {image: ..., runs: app|nginx}");
  std::vector<RegistryImageSettings> out;
  for (const auto& entry : list) {
    RegistryImageSettings image;
    r.for_each(entry, "docker.registry[]", {
      {"image", [&](auto& v) { image.image = r.string(v, "docker.registry[].image"); }},
      {"runs", [&](auto& v) {
         image.runs = r.string(v, "docker.registry[].runs");
         if (image.runs != "app" && image.runs != "nginx") r.fail(v, "'docker.registry[].runs' must be app or nginx");
       }},
    });
    if (image.image.empty()) r.fail(entry, "'docker.registry[]' needs an 'image'");
    out.push_back(image);
  }
  return out;
}

}  // namespace

const char* verdict_name(Verdict v) { return v == Verdict::held ? "held" : "violated"; }

std::filesystem::path deployment_file(const Scenario& s, const std::filesystem::path& relative) {
  auto own = s.dir / relative;
  if (std::filesystem::exists(own)) return own;
  for (const auto& base : s.extends)
    if (std::filesystem::exists(base / relative)) return base / relative;
  return own;
}

Scenario load_scenario(const std::filesystem::path& dir) {
  const auto file = dir / "scenario.yaml";
  if (!std::filesystem::is_directory(dir)) throw ScenarioError(fmt::format("{}: not a folder", dir.string()));
  if (!std::filesystem::exists(file))
    throw ScenarioError(fmt::format("{}: no scenario.yaml in this folder", file.string()));
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw ScenarioError(fmt::format("{}:{}:{}: {}", file.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  Reader r(file);
  Scenario s;
  s.dir = dir;
  s.name = dir.filename().string();
  if (s.name.empty()) s.name = dir.parent_path().filename().string();
  if (!root.IsMap()) r.fail(root, "scenario.yaml must be a mapping of settings");

  r.for_each(root, "scenario.yaml", {
    {"name", [&](auto& n) { s.name = r.string(n, "name"); }},
    {"description", [&](auto& n) { s.description = r.string(n, "description"); }},
    {"seed", [&](auto& n) { s.seed = static_cast<uint64_t>(r.integer(n, "seed")); }},
    {"time_scale", [&](auto& n) {
       s.time_scale = r.number(n, "time_scale");
       if (s.time_scale <= 0 || s.time_scale > 10) r.fail(n, "'time_scale' must be in (0, 10] real seconds per scenario second");
     }},
    {"appspec", [&](auto& n) { s.appspec = r.string(n, "appspec"); }},
    {"extends", [&](auto& n) {
       auto base = (dir / r.string(n, "extends")).lexically_normal();
       if (!std::filesystem::is_directory(base)) r.fail(n, fmt::format("'extends' names {}, which is not a folder", base.string()));
       s.extends = extends_chain(base, n, r, dir);
     }},
    {"app", [&](auto& n) {
       r.for_each(n, "app", {
         {"next_version", [&](auto& v) { s.app.next_version = r.string(v, "app.next_version"); }},
         {"sigterm", [&](auto& v) {
            s.app.sigterm = r.string(v, "app.sigterm");
            static const std::set<std::string> ok{"exit_immediately", "graceful", "ignore"};
            if (!ok.count(s.app.sigterm)) r.fail(v, "'app.sigterm' must be exit_immediately, graceful or ignore");
          }},
         {"listen_delay", [&](auto& v) { s.app.listen_delay = r.range(v, "app.listen_delay"); }},
         {"prepare_delay", [&](auto& v) { s.app.prepare_delay = r.range(v, "app.prepare_delay"); }},
         {"api_latency", [&](auto& v) { s.app.api_latency = r.range(v, "app.api_latency"); }},
         {"shared_static", [&](auto& v) { s.app.shared_static = r.boolean(v, "app.shared_static"); }},
         {"keep_alive_timeout", [&](auto& v) {
            s.app.keep_alive_timeout = r.duration(v, "app.keep_alive_timeout");
            if (s.app.keep_alive_timeout->count() <= 0) r.fail(v, "'app.keep_alive_timeout' must be positive");
          }},
       });
     }},
    {"docker", [&](auto& n) {
       r.for_each(n, "docker", {
         {"build_duration", [&](auto& v) { s.docker.build_duration = r.duration(v, "docker.build_duration"); }},
         {"teardown_delay", [&](auto& v) { s.docker.teardown_delay = r.duration(v, "docker.teardown_delay"); }},
         {"userland_proxy", [&](auto& v) { s.docker.userland_proxy = r.boolean(v, "docker.userland_proxy"); }},
         {"compose", [&](auto& v) {
            s.docker.compose = r.string(v, "docker.compose");
            static const std::regex version(R"(^v?\d+\.\d+(\.\d+)?$)");
            if (!std::regex_match(s.docker.compose, version))
              r.fail(v, "'docker.compose' must be a compose version: 1.29.2 (v1), 2.5.0 (v2 before 2.15) or 2.20.2 (v2 from 2.15)");
          }},
         {"registry", [&](auto& v) { s.docker.registry = read_registry(r, v); }},
       });
     }},
    {"proxy", [&](auto& n) {
       r.for_each(n, "proxy", {
         {"config", [&](auto& v) { s.proxy.config = r.string(v, "proxy.config"); }},
         {"files", [&](auto& v) {
            if (!v.IsSequence()) r.fail(v, "'proxy.files' must be a list of file names");
            for (const auto& f : v) s.proxy.files.push_back(r.string(f, "proxy.files[]"));
          }},
         {"engine", [&](auto& v) {
            s.proxy.engine = r.string(v, "proxy.engine");
            if (s.proxy.engine != "bluegreen" && s.proxy.engine != "nginx")
              r.fail(v, "'proxy.engine' must be bluegreen (the harness's proxy) or nginx (the real nginx binary)");
          }},
         {"start", [&](auto& v) {
            const std::string when = r.string(v, "proxy.start");
            if (when != "before_deployment" && when != "after_initial_deployment")
              r.fail(v, "'proxy.start' must be before_deployment (the default) or after_initial_deployment");
            s.proxy.start_after_initial_deployment = when == "after_initial_deployment";
          }},
       });
     }},
    {"traffic", [&](auto& n) {
       r.for_each(n, "traffic", {
         {"rate", [&](auto& v) {
            s.traffic.rate = r.number(v, "traffic.rate");
            if (s.traffic.rate <= 0) r.fail(v, "'traffic.rate' must be positive (requests per scenario second)");
          }},
         {"clients", [&](auto& v) {
            s.traffic.clients = static_cast<int>(r.integer(v, "traffic.clients"));
            if (s.traffic.clients < 1) r.fail(v, "'traffic.clients' must be at least 1");
          }},
         {"post_ratio", [&](auto& v) {
            s.traffic.post_ratio = r.number(v, "traffic.post_ratio");
            if (s.traffic.post_ratio < 0 || s.traffic.post_ratio > 1) r.fail(v, "'traffic.post_ratio' must be in [0, 1]");
          }},
         {"timeout", [&](auto& v) { s.traffic.timeout = r.duration(v, "traffic.timeout"); }},
         {"api_get_ratio", [&](auto& v) {
            s.traffic.api_get_ratio = r.number(v, "traffic.api_get_ratio");
            if (s.traffic.api_get_ratio < 0 || s.traffic.api_get_ratio > 1)
              r.fail(v, "'traffic.api_get_ratio' must be in [0, 1]");
          }},
         {"arrivals", [&](auto& v) {
            s.traffic.arrivals = r.string(v, "traffic.arrivals");
            if (s.traffic.arrivals != "constant" && s.traffic.arrivals != "poisson")
              r.fail(v, "'traffic.arrivals' must be constant or poisson");
          }},
         {"keepalive", [&](auto& v) { s.traffic.keepalive = r.boolean(v, "traffic.keepalive"); }},
         {"browser", [&](auto& v) { s.traffic.browser = r.boolean(v, "traffic.browser"); }},
       });
     }},
    {"run", [&](auto& n) {
       r.for_each(n, "run", {
         {"swaps", [&](auto& v) {
            s.run.swaps = static_cast<int>(r.integer(v, "run.swaps"));
            if (s.run.swaps < 0 || s.run.swaps > 100) r.fail(v, "'run.swaps' must be in [0, 100]");
          }},
         {"warmup", [&](auto& v) { s.run.warmup = r.duration(v, "run.warmup"); }},
         {"swap_interval", [&](auto& v) { s.run.swap_interval = r.duration(v, "run.swap_interval"); }},
         {"liveness", [&](auto& v) { s.run.liveness = r.duration(v, "run.liveness"); }},
         {"deadline", [&](auto& v) { s.run.deadline = r.duration(v, "run.deadline"); }},
       });
     }},
    {"pipeline", [&](auto& n) {
       r.for_each(n, "pipeline", {
         {"build_duration", [&](auto& v) { s.pipeline.build_duration = r.duration(v, "pipeline.build_duration"); }},
         {"wait_for_deployment", [&](auto& v) {
            s.pipeline.wait_for_deployment = r.boolean(v, "pipeline.wait_for_deployment");
          }},
         {"concurrency", [&](auto& v) {
            bool has_group = false;
            r.for_each(v, "pipeline.concurrency", {
              {"group", [&](auto& g) {
                 s.pipeline.concurrency_group = r.string(g, "pipeline.concurrency.group");
                 has_group = !s.pipeline.concurrency_group.empty();
               }},
              {"cancel_in_progress", [&](auto& c) {
                 s.pipeline.cancel_in_progress = r.boolean(c, "pipeline.concurrency.cancel_in_progress");
               }},
            });
            if (!has_group) r.fail(v, "'pipeline.concurrency' needs a non-empty group");
          }},
         {"pushes", [&](auto& v) {
            if (!v.IsSequence() || v.size() == 0)
              r.fail(v, "'pipeline.pushes' must be a non-empty list of times from the swap's start, like [0s, 3s]");
            s.pipeline.pushes.clear();
            for (const auto& p : v) {
              auto at = r.duration(p, "pipeline.pushes[]");
              if (!s.pipeline.pushes.empty() && at < s.pipeline.pushes.back())
                r.fail(p, "'pipeline.pushes' must be in increasing order");
              s.pipeline.pushes.push_back(at);
            }
          }},
       });
     }},
    {"expect", [&](auto& n) {
       Expectation e;
       r.for_each(n, "expect", {
         {"verdict", [&](auto& v) {
            const std::string verdict = r.string(v, "expect.verdict");
            if (verdict == "held") e.verdict = Verdict::held;
            else if (verdict == "violated") e.verdict = Verdict::violated;
            else r.fail(v, "'expect.verdict' must be held or violated");
          }},
         {"invariant", [&](auto& v) { e.invariant = r.string(v, "expect.invariant"); }},
         {"cause", [&](auto& v) { e.cause = r.string(v, "expect.cause"); }},
       });
       s.expect = e;
     }},
  });

  if (!std::filesystem::exists(deployment_file(s, s.appspec)))
    throw ScenarioError(fmt::format("{}: the deployment has no {} (CodeDeploy needs it at the bundle root)",
                                    dir.string(), s.appspec.string()));
  if (!std::filesystem::exists(deployment_file(s, s.proxy.config)))
    throw ScenarioError(fmt::format("{}: proxy.config names {}, which does not exist", file.string(),
                                    (dir / s.proxy.config).string()));
  return s;
}

}  // namespace bg::scenarios
