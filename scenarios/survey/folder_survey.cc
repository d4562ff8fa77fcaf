#include "scenarios/survey/folder_survey.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "scenarios/survey/folder_reading.h"
#include "scenarios/survey/nginx_placement.h"

namespace bg::survey {
namespace {

void decide_delivery(const FolderReading& in, FolderSurvey& s) {
  const Appspec& a = in.deploy.appspec;
  std::vector<Source> creates, ssh;
  for (const auto& w : in.deploy.workflows) {
    creates.insert(creates.end(), w.create_deployment.begin(), w.create_deployment.end());
    for (const auto& step : w.ssh_steps) ssh.push_back(step.at);
  }
  if (!a.present && in.deploy.workflows.empty())
    throw SurveyError(
        fmt::format("{}: not a deploy folder: it has neither appspec.yml (CodeDeploy) nor "
                    ".github/workflows/*.yml (GitHub Actions)",
                    in.files.dir().string()));
  const Source hooks_at = a.hooks.empty() ? Source{"appspec.yml", 1} : a.hooks.front().at;
  if (a.present && !creates.empty()) {
    s.delivery = {"workflow+codedeploy",
                  Basis::read,
                  {creates.front(), hooks_at},
                  "the workflow hands each push to CodeDeploy, which runs the appspec's hooks"};
  } else if (a.present) {
    s.delivery = {"codedeploy", Basis::read, {hooks_at}, "CodeDeploy runs the appspec's hooks for each push"};
    if (!ssh.empty())
      s.checks.push_back(
          fmt::format("the folder has appspec.yml and an ssh-action step ({}): init assumed the "
                      "deployment is CodeDeploy's",
                      ssh.front().str()));
  } else if (!ssh.empty()) {
    s.delivery = {"ssh-action", Basis::read, ssh, "appleboy/ssh-action runs the swap on the host"};
  } else {
    s.delivery = {"", Basis::unknown, {}, "no appspec.yml, and no workflow step that deploys"};
    s.checks.push_back(
        "the workflows neither run appleboy/ssh-action nor create a CodeDeploy deployment: a run "
        "has no way to deploy this folder");
  }
  if (a.present && a.hooks.empty()) s.checks.push_back("appspec.yml has no hooks: no script runs on the host");
}

struct Clue {
  std::string os;
  Source at;
  std::string what;
};

std::vector<Clue> os_clues(const FolderReading& in) {
  std::vector<Clue> clues;
  auto user = [&](const std::string& u, const Source& at, const std::string& what) {
    if (u == "ec2-user") clues.push_back({"amazon-linux-2", at, what});
    if (u == "ubuntu") clues.push_back({"ubuntu-22.04", at, what});
  };
  const Appspec& a = in.deploy.appspec;
  if (a.destination.rfind("/home/", 0) == 0)
    user(a.destination.substr(6, a.destination.find('/', 6) - 6), a.destination_at, a.destination);
  for (const auto& h : a.hooks) user(h.runas, h.at, "runas: " + h.runas);
  for (const auto& w : in.deploy.workflows)
    for (const auto& step : w.ssh_steps) user(step.script.ssh_user, step.user_at, "username: " + step.script.ssh_user);
  for (const auto& f : in.facts) {
    for (const auto& h : f.home_users) user(h.value, h.at, "/home/" + h.value);
    for (const auto& pm : f.package_managers) {
      const bool al2 = pm.value == "yum" || pm.value == "dnf" || pm.value == "amazon-linux-extras";
      clues.push_back({al2 ? "amazon-linux-2" : "ubuntu-22.04", pm.at, pm.value});
    }
  }
  return clues;
}

void decide_host_os(const FolderReading& in, FolderSurvey& s) {
  const auto clues = os_clues(in);
  std::map<std::string, std::vector<const Clue*>> by_os;
  for (const auto& c : clues) by_os[c.os].push_back(&c);
  if (by_os.size() == 1) {
    const auto& [os, list] = *by_os.begin();
    std::vector<Source> from;
    std::vector<std::string> what;
    for (const Clue* c : list) {
      if (from.size() == 3 || std::find(what.begin(), what.end(), c->what) != what.end()) continue;
      from.push_back(c->at);
      what.push_back(c->what);
    }
    std::string why = fmt::format("the host's user and tools: {}", fmt::join(what, ", "));
    if (os == "ubuntu-22.04") why += "; 22.04 is the Ubuntu bluegreen models";
    s.host_os = {os, Basis::read, from, why};
  } else if (by_os.empty()) {
    s.host_os = {
        "", Basis::unknown, {}, "nothing names the host's user (/home/ec2-user, /home/ubuntu) or package manager"};
    s.checks.push_back(
        "host.os: nothing in the folder names the host's user or package manager: amazon-linux-2 "
        "(the default) or ubuntu-22.04");
  } else {
    const Clue* al2 = by_os["amazon-linux-2"].front();
    const Clue* u22 = by_os["ubuntu-22.04"].front();
    s.host_os = {"", Basis::unknown, {al2->at, u22->at}, "the folder names both hosts"};
    s.checks.push_back(
        fmt::format("host.os: {} ({}) says Amazon Linux, {} ({}) says Ubuntu: write the host you deploy to",
                    al2->at.str(), al2->what, u22->at.str(), u22->what));
  }
}

void decide_compose(const FolderReading& in, FolderSurvey& s) {
  std::vector<Source> standalone, plugin;
  for (const auto& f : in.facts)
    for (const auto& c : f.compose) (c.standalone ? standalone : plugin).push_back(c.at);
  if (standalone.empty() && plugin.empty()) {
    s.compose_generation = {"", Basis::read, {}, "no compose command in the scripts"};
    return;
  }
  if (!plugin.empty() && standalone.empty()) {
    s.compose_generation = {"v2", Basis::read, {plugin.front()}, "`docker compose` is compose v2, Docker's plugin"};
    s.compose_version = {"2.20.2",
                         Basis::assumed,
                         {plugin.front()},
                         "a plugin installed from Docker's repository since 2023 is 2.15 or later (2.20.2's `ps`: "
                         "`Up 5 seconds`); write 2.5.0 for an older one (`ps` says `running`)"};
    return;
  }
  s.compose_generation = {plugin.empty() ? "standalone" : "mixed",
                          Basis::read,
                          {standalone.front()},
                          "`docker-compose` is compose v1 (1.29.2: Ubuntu's package, pip) or v2's standalone binary "
                          "(2.20.2: Docker's instructions today); the folder cannot tell which"};
  s.compose_version = {"", Basis::unknown, {standalone.front()}, s.compose_generation.why};
  s.checks.push_back(
      fmt::format("docker.compose: {} calls `docker-compose`; `docker-compose version` on your host says "
                  "whether it is 1.29.2 or 2.x (their `ps` output differs: races.md R10)",
                  standalone.front().str()));
}

// Where the folder's files are on the host, and for ssh-action, how they get there: a clone the
// script pulls (host.repos), or a folder of the repository an admin copied once (host.files).
std::vector<std::pair<std::string, std::string>> place_on_host(const FolderReading& in, FolderSurvey& s) {
  std::vector<std::pair<std::string, std::string>> dirs;
  std::string root = in.deploy.appspec.destination;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  const std::map<std::string, std::string> homes = {{"amazon-linux-2", "/home/ec2-user"},
                                                    {"ubuntu-22.04", "/home/ubuntu"}};
  for (size_t i = 0; i < in.scripts.size(); ++i) {
    const ShellScript& script = in.scripts[i];
    if (!script.ssh_action) continue;
    const ScriptFacts& f = in.facts[i];
    std::string home = script.ssh_user.empty() ? (homes.count(s.host_os.value) ? homes.at(s.host_os.value) : "")
                                               : (script.ssh_user == "root" ? "/root" : "/home/" + script.ssh_user);
    // The script's steps in order: where it changes folder, pulls, and runs a script by path.
    std::multimap<int, std::pair<char, const Named*>> steps;
    for (const auto& c : f.cds) steps.insert({c.at.line, {'c', &c}});
    for (const auto& g : f.git_updates) steps.insert({g.at.line, {'g', &g}});
    for (const auto& r : f.script_calls) steps.insert({r.at.line, {'r', &r}});
    std::string cwd;
    bool pulled = false;
    for (const auto& [line, step] : steps) {
      const auto& [kind, named] = step;
      const std::string& v = named->value;
      if (kind == 'c')
        cwd = v.rfind("~", 0) == 0 ? (home.empty() ? "" : home + v.substr(1)) : v.front() == '/' ? v : cwd + "/" + v;
      if (kind == 'g' && !cwd.empty()) {
        pulled = true;
        if (root.empty()) root = cwd;
        std::string branch = named->value;
        for (const auto& w : in.deploy.workflows)
          if (branch.empty() && !w.push_branches.empty()) branch = w.push_branches.front();
        if (std::none_of(s.repos.begin(), s.repos.end(), [&](auto& r) { return r.path == cwd; }))
          s.repos.push_back({cwd, branch.empty() ? "main" : branch, named->at});
      }
      if (kind != 'r' || pulled || cwd.empty()) continue;
      std::string called = v.rfind("./", 0) == 0 ? v.substr(2) : v;
      for (const auto& file : in.files.files()) {
        if (file.path.size() <= called.size() || !file.path.ends_with("/" + called)) continue;
        const std::string folder = file.path.substr(0, file.path.size() - called.size());
        s.host_files.push_back(
            {cwd + "/", folder, Basis::read, named->at,
             fmt::format("runs {} in {} without pulling: the admin put the repository's {} there", v, cwd, folder)});
        dirs.push_back({folder, cwd});
        break;
      }
    }
  }
  dirs.push_back({"", root});
  return dirs;
}

void note_reading(const FolderReading& in, FolderSurvey& s) {
  auto list = [](const std::vector<std::string>& items) { return fmt::format("{}", fmt::join(items, ", ")); };
  if (in.deploy.appspec.present) {
    std::vector<std::string> hooks;
    for (const auto& h : in.deploy.appspec.hooks) hooks.push_back(h.event + " " + h.location);
    s.read.push_back("appspec.yml: " + (hooks.empty() ? "no hooks" : list(hooks)));
  }
  for (const auto& w : in.deploy.workflows) s.read.push_back(w.file);
  std::vector<std::string> scripts, compose, nginx;
  for (const auto& sc : in.scripts) scripts.push_back(sc.origin + (sc.ssh_action ? " (ssh-action script)" : ""));
  for (const auto& c : in.compose) compose.push_back(c.path);
  for (const auto& n : in.nginx) nginx.push_back(n.path);
  if (!scripts.empty()) s.read.push_back("scripts: " + list(scripts));
  if (!compose.empty()) s.read.push_back("compose files: " + list(compose));
  if (!nginx.empty()) s.read.push_back("nginx configuration: " + list(nginx));
  for (const auto& skipped : in.files.skipped()) s.read.push_back("not read: " + skipped);
}

}  // namespace

FolderSurvey survey_files(const FolderFiles& files, const std::string& name) {
  FolderReading in{files,
                   read_deploy_files(files),
                   {},
                   {},
                   read_compose_files(files),
                   read_nginx_files(files),
                   read_app_files(files)};
  FolderSurvey s;
  s.dir = files.dir();
  s.name = name;
  decide_delivery(in, s);
  // Every shell script of the folder is read, whether a hook runs it, a script sources it or an
  // admin runs it by hand: what it does to the host is the same.
  for (const auto& f : files.files())
    if (is_shell_file(f)) in.scripts.push_back({f.path, false, "", shell_lines(f.path, 1, f.lines)});
  for (const auto& w : in.deploy.workflows)
    for (const auto& step : w.ssh_steps) in.scripts.push_back(step.script);
  for (const auto& script : in.scripts) in.facts.push_back(scan_script(script));
  note_reading(in, s);
  decide_host_os(in, s);
  decide_compose(in, s);
  const auto dirs = place_on_host(in, s);
  place_nginx(NginxInputs{in.nginx, in.facts, in.compose, dirs}, s);
  survey_app(in, s);
  survey_registry(in, s);
  return s;
}

FolderSurvey survey_folder(const std::filesystem::path& dir) {
  const FolderFiles files = FolderFiles::read(dir);
  std::string name = dir.filename().string();
  if (name.empty() || name == ".")
    name = std::filesystem::absolute(dir).lexically_normal().parent_path().filename().string();
  return survey_files(files, name);
}

}  // namespace bg::survey
