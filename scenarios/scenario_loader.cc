#include "scenarios/scenario_loader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "scenarios/setting_table.h"
#include "scenarios/yaml_file.h"

namespace bg::scenarios {
namespace {

namespace fs = std::filesystem;

// Settings that are a duration drawn per use and may be written {min: 2s, max: 4s} as well as "3s"
// or "2s..4s" (core/duration_range.h).
constexpr const char* kRanges[] = {"app.listen_delay",      "app.prepare_delay", "app.api_latency",
                                   "docker.build_duration", "run.swap_interval", "pipeline.build_duration"};

// The folders `extends` leads to, nearest first, each read from the scenario.yaml that names it; a
// folder that is not one, or a cycle, is an error at the `extends` that leads there.
std::vector<fs::path> extends_chain(const fs::path& self, const YamlFile& file, const YAML::Node& at) {
  std::vector<fs::path> chain;
  std::optional<YamlFile> parent;  // the file whose `extends` is followed, once past the first
  const YamlFile* from = &file;
  YAML::Node node = at;
  fs::path dir = self;
  auto same = [](const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
  };
  while (true) {
    const auto base = (dir / from->scalar(node, "extends")).lexically_normal();
    std::error_code ec;  // a path that cannot be looked up (too long) is the setting's error, in its words
    if (!fs::is_directory(base, ec))
      from->fail(node, fmt::format("extends: {} is not a folder{}", base.string(),
                                   ec && ec != std::errc::no_such_file_or_directory ? " (" + ec.message() + ")" : ""));
    if (same(base, self) || std::any_of(chain.begin(), chain.end(), [&](const auto& p) { return same(p, base); }))
      from->fail(node, fmt::format("extends: leads back to {}: a cycle", base.string()));
    chain.push_back(base);
    if (!fs::exists(base / "scenario.yaml", ec)) break;
    YamlFile next = YamlFile::read(base / "scenario.yaml", "");
    if (!next.root().IsMap() || !next.root()["extends"]) break;
    node = next.root()["extends"];
    parent.emplace(std::move(next));
    from = &*parent;
    dir = base;
  }
  return chain;
}

class Loader {
 public:
  Loader(const fs::path& dir, YamlFile file) : dir_(dir), file_(std::move(file)) {}
  Scenario load();

 private:
  using Special = std::map<std::string, std::function<void(const YAML::Node&)>>;
  void settings(const YAML::Node& map, const std::string& section, const Special& special);
  void setting(const YAML::Node& value, const std::string& key);
  std::string range_text(const YAML::Node& map, const std::string& key) const;
  void pushes(const YAML::Node& list);
  void files(const YAML::Node& list);
  void host_paths(const YAML::Node& map, const std::string& field,
                  std::vector<std::pair<std::string, std::string>>& out);
  void registry(const YAML::Node& list);
  void check_files_exist() const;

  fs::path dir_;
  YamlFile file_;
  Scenario s_;
  std::map<std::string, YAML::Mark> marks_;  // where each setting was given, for later checks
};

// Calls the table or a special handler for each key of `map`; an unknown or repeated key is an error
// listing the keys the section knows.
void Loader::settings(const YAML::Node& map, const std::string& section, const Special& special) {
  const std::string where = section.empty() ? "scenario.yaml" : section;
  file_.require_map(map, where);
  std::map<std::string, int> seen;
  for (const auto& kv : map) {
    const std::string key = file_.key_of(kv.first, where);
    if (auto [it, fresh] = seen.emplace(key, kv.first.Mark().line + 1); !fresh)
      file_.fail(kv.first, fmt::format("{}: '{}' is given twice (first on line {})", where, key, it->second));
    const std::string dotted = section.empty() ? key : section + "." + key;
    marks_[dotted] = kv.second.Mark();
    if (auto h = special.find(key); h != special.end()) {
      h->second(kv.second);
    } else if (is_setting(dotted)) {
      setting(kv.second, dotted);
    } else {
      auto known = setting_keys(section);
      for (const auto& [k, _] : special) known.push_back(k);
      std::sort(known.begin(), known.end());
      file_.fail(kv.first,
                 fmt::format("unknown key '{}' in {} (expected one of: {})", key, where, fmt::join(known, ", ")));
    }
  }
}

void Loader::setting(const YAML::Node& value, const std::string& key) {
  const bool range = std::find(std::begin(kRanges), std::end(kRanges), key) != std::end(kRanges);
  const std::string text = range && value.IsMap() ? range_text(value, key) : file_.scalar(value, key);
  try {
    set_setting(s_, key, text);
  } catch (const SettingError& e) {
    file_.fail(value, e.what());
  }
}

// {min: 2s, max: 4s} as the table's "2s..4s".
std::string Loader::range_text(const YAML::Node& map, const std::string& key) const {
  std::string min, max;
  for (const auto& kv : map) {
    const std::string k = file_.key_of(kv.first, key);
    if (k == "min")
      min = file_.scalar(kv.second, key + ".min");
    else if (k == "max")
      max = file_.scalar(kv.second, key + ".max");
    else
      file_.fail(kv.first, fmt::format("unknown key '{}' in {} (expected min and max)", k, key));
  }
  if (min.empty() || max.empty())
    file_.fail(map, fmt::format("{}: needs both min and max, like {{min: 2s, max: 4s}}", key));
  return min + ".." + max;
}

void Loader::pushes(const YAML::Node& list) {
  if (!list.IsSequence() || list.size() == 0)
    file_.fail(
        list,
        "pipeline.pushes: must be a non-empty list of times from the swap's start, like [0s, 3s] or [0s, 2s..4s]");
  // Each push starts a workflow run; ten per swap is already a storm (R12 needs two).
  if (list.size() > 10)
    file_.fail(list, fmt::format("pipeline.pushes: {} pushes per swap is out of range (1..10)", list.size()));
  s_.pipeline.pushes.clear();
  for (const auto& p : list) {
    core::DurationRange at{};
    // A time ("3s") or a range drawn per swap ("2s..4s", {min: 2s, max: 4s}).
    const std::string text = p.IsMap() ? range_text(p, "pipeline.pushes[]") : file_.scalar(p, "pipeline.pushes[]");
    try {
      at = read_duration_range("pipeline.pushes[]", text, {core::Duration{}, std::chrono::hours(1)});
    } catch (const SettingError& e) {
      file_.fail(p, e.what());
    }
    if (!s_.pipeline.pushes.empty() && at.min < s_.pipeline.pushes.back().max)
      file_.fail(p, "pipeline.pushes: must be in increasing order (a range's min at least the push before's max)");
    s_.pipeline.pushes.push_back(at);
  }
}

void Loader::files(const YAML::Node& list) {
  if (!list.IsSequence()) file_.fail(list, "proxy.files: must be a list of file names");
  for (const auto& f : list) {
    const std::string name = file_.scalar(f, "proxy.files[]");
    if (name.empty()) file_.fail(f, "proxy.files[]: is empty (expected a file name)");
    marks_["proxy.files/" + name] = f.Mark();
    s_.proxy.files.push_back(name);
  }
}

// host.files, host.symlinks and host.repos: absolute host paths -> a file of the folder, a link
// target, or the branch an admin's clone of the repository is on.
void Loader::host_paths(const YAML::Node& map, const std::string& field,
                        std::vector<std::pair<std::string, std::string>>& out) {
  if (!map.IsMap())
    file_.fail(map, fmt::format("{}: must map absolute host paths to {}", field,
                                field == "host.files"   ? "files of the folder"
                                : field == "host.repos" ? "the branch each clone is on"
                                                        : "link targets"));
  for (const auto& kv : map) {
    const std::string at = file_.key_of(kv.first, field);
    if (at.empty() || at.front() != '/')
      file_.fail(kv.first, fmt::format("{}: '{}' is not an absolute host path", field, at));
    const std::string value = file_.scalar(kv.second, field + "." + at);
    if (value.empty()) file_.fail(kv.second, fmt::format("{}.{}: is empty", field, at));
    marks_[field + "/" + at] = kv.second.Mark();
    out.emplace_back(at, value);
  }
}

// docker.registry: a list of {image: "nginx:1.25-alpine", runs: nginx}: what a run's docker pull can
// fetch, and what each image runs (the fake Next.js, or the run's proxy in a container).
void Loader::registry(const YAML::Node& list) {
  constexpr const char* kWhere = "docker.registry";
  if (!list.IsSequence()) file_.fail(list, "docker.registry: must be a list of {image: ..., runs: app|nginx}");
  for (const auto& entry : list) {
    file_.require_map(entry, "docker.registry[]");
    RegistryImageSettings image;
    for (const auto& kv : entry) {
      const std::string key = file_.key_of(kv.first, kWhere);
      if (key == "image") {
        image.image = file_.scalar(kv.second, "docker.registry[].image");
      } else if (key == "runs") {
        image.runs = file_.scalar(kv.second, "docker.registry[].runs");
        if (image.runs != "app" && image.runs != "nginx")
          file_.fail(kv.second, fmt::format("docker.registry[].runs: '{}' must be app or nginx", image.runs));
      } else {
        file_.fail(kv.first, fmt::format("unknown key '{}' in docker.registry[] (expected one of: image, runs)", key));
      }
    }
    if (image.image.empty()) file_.fail(entry, "docker.registry[]: needs an 'image'");
    s_.docker.registry.push_back(image);
  }
}

Scenario Loader::load() {
  s_.dir = dir_;
  s_.name = dir_.filename().string();
  if (s_.name.empty()) s_.name = dir_.parent_path().filename().string();
  const YAML::Node root = file_.root();
  if (root.IsNull()) return check_files_exist(), s_;  // an empty scenario.yaml: every default
  settings(root, "",
           {
               {"extends", [&](const YAML::Node& n) { s_.extends = extends_chain(dir_, file_, n); }},
               {"app", [&](const YAML::Node& n) { settings(n, "app", {}); }},
               {"host",
                [&](const YAML::Node& n) {
                  std::vector<std::pair<std::string, std::string>> files;
                  settings(
                      n, "host",
                      {
                          {"files", [&](const YAML::Node& v) { host_paths(v, "host.files", files); }},
                          {"symlinks", [&](const YAML::Node& v) { host_paths(v, "host.symlinks", s_.host.symlinks); }},
                          {"repos", [&](const YAML::Node& v) { host_paths(v, "host.repos", s_.host.repos); }},
                      });
                  for (auto& [at, file] : files) s_.host.files.emplace_back(at, file);
                }},
               {"docker",
                [&](const YAML::Node& n) {
                  settings(n, "docker", {{"registry", [&](const YAML::Node& v) { registry(v); }}});
                }},
               {"proxy",
                [&](const YAML::Node& n) {
                  settings(n, "proxy",
                           {
                               {"files", [&](const YAML::Node& v) { files(v); }},
                               {"container",
                                [&](const YAML::Node& v) {
                                  s_.proxy.container = file_.scalar(v, "proxy.container");
                                  if (s_.proxy.container.empty())
                                    file_.fail(v, "proxy.container: is empty (the name of nginx's container)");
                                }},
                           });
                }},
               {"traffic", [&](const YAML::Node& n) { settings(n, "traffic", {}); }},
               {"run", [&](const YAML::Node& n) { settings(n, "run", {}); }},
               {"pipeline",
                [&](const YAML::Node& n) {
                  settings(n, "pipeline",
                           {
                               {"pushes", [&](const YAML::Node& v) { pushes(v); }},
                               {"concurrency",
                                [&](const YAML::Node& v) {
                                  settings(v, "pipeline.concurrency", {});
                                  if (s_.pipeline.concurrency_group.empty())
                                    file_.fail(v, "pipeline.concurrency: needs a non-empty group");
                                }},
                           });
                }},
               {"expect",
                [&](const YAML::Node& n) {
                  s_.expect.emplace();  // `expect: {}` expects the default verdict, held
                  settings(n, "expect", {});
                  if (auto at = marks_.find("expect.invariant"); at != marks_.end())
                    s_.expect->invariant_at = file_.position(at->second);
                }},
           });
  if (auto problem = inconsistency(s_); !problem.empty())
    file_.fail(marks_.count("traffic.api_get_ratio") ? marks_["traffic.api_get_ratio"] : marks_["traffic"], problem);
  check_files_exist();
  return s_;
}

// The files the settings name must be in the deployment (or what it extends) as files: a folder or
// a missing file would otherwise fail mid-run with the filesystem's own message.
void Loader::check_files_exist() const {
  auto check = [&](const fs::path& relative, const std::string& key, const std::string& what) {
    const auto path = deployment_file(s_, relative);
    std::string problem;
    // A path the system cannot even look up (too long, a loop of links) is the setting's problem
    // too, in its words, never the filesystem library's exception (bg_fuzz_scenario found it).
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
      problem = fmt::format("{}: {}: {} ({})", key, path.string(), ec.message(), what);
    else if (!fs::exists(status))
      problem = fmt::format("{}: {} does not exist ({})", key, path.string(), what);
    else if (!fs::is_regular_file(status))
      problem = fmt::format("{}: {} is not a file ({})", key, path.string(), what);
    if (problem.empty()) return;
    auto at = marks_.find(key);
    if (at != marks_.end()) file_.fail(at->second, problem);
    throw ScenarioError(fmt::format("{}: {}", file_.path().string(), problem));
  };
  // A folder deploys through CodeDeploy (appspec.yml at its root) or through a GitHub workflow.
  std::error_code ignored;  // a path that cannot be looked up is check()'s to name
  const bool workflows = fs::is_directory(deployment_file(s_, ".github/workflows"), ignored);
  if (!workflows || fs::exists(deployment_file(s_, s_.appspec), ignored) || marks_.count("appspec"))
    check(s_.appspec, "appspec",
          "CodeDeploy reads appspec.yml at the bundle root; a folder without one deploys "
          "through .github/workflows/");
  // With a host of its own (`host.nginx`), /etc/nginx is what the host holds; proxy.config is then
  // only copied when written out.
  if (s_.host.nginx.empty() || s_.proxy_config_given)
    check(s_.proxy.config, "proxy.config", "the nginx.conf the proxy serves");
  for (const auto& f : s_.proxy.files) check(f, "proxy.files/" + f.string(), "a file copied beside nginx.conf");
  for (const auto& [at, file] : s_.host.files) {
    const bool tree = at.back() == '/';  // a host path ending in "/" receives a folder's tree
    const auto path = deployment_file(s_, file);
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (tree ? fs::is_directory(status) : fs::is_regular_file(status)) continue;
    const std::string state = ec && ec != std::errc::no_such_file_or_directory ? ec.message()
                              : fs::exists(status) ? (tree ? "is not a folder" : "is not a file")
                                                   : "does not exist";
    file_.fail(
        marks_.at("host.files/" + at),
        fmt::format("host.files.{}: {} {} ({} placed on the host before the first deployment)", at, path.string(),
                    state, tree ? "a folder of the deployment whose tree is" : "a file of the deployment"));
  }
}

}  // namespace

std::filesystem::path deployment_file(const Scenario& s, const std::filesystem::path& relative) {
  // With error codes: a path that cannot be looked up is "not here", for the caller to name.
  std::error_code ec;
  auto own = s.dir / relative;
  if (std::filesystem::exists(own, ec)) return own;
  for (const auto& base : s.extends)
    if (std::filesystem::exists(base / relative, ec)) return base / relative;
  return own;
}

Scenario load_scenario(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw ScenarioError(fmt::format("{}: {}", dir.string(),
                                    fs::exists(dir, ec) ? "is a file, not a scenario folder" : "no such folder"));
  return Loader(dir, YamlFile::read(dir / "scenario.yaml", "no scenario.yaml in this folder")).load();
}

}  // namespace bg::scenarios
