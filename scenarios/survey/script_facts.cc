#include "scenarios/survey/script_facts.h"

#include <cctype>
#include <regex>
#include <set>

namespace bg::survey {
namespace {

bool is_option(const std::string& w) { return w.size() > 1 && w[0] == '-'; }

// The words of `args` that are not options, for commands whose options take no value (ln, cp).
std::vector<std::string> operands(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& a : args)
    if (!is_option(a)) out.push_back(a);
  return out;
}

// Takes `-x VALUE`, `--long VALUE` and `--long=VALUE` forms of one option off the front of `args`.
bool take_option(const std::vector<std::string>& args, size_t& i, const std::set<std::string>& names,
                 std::string& value) {
  const std::string& w = args[i];
  const auto eq = w.find('=');
  if (w.rfind("--", 0) == 0 && eq != std::string::npos && names.count(w.substr(0, eq))) {
    value = w.substr(eq + 1);
    return true;
  }
  if (names.count(w) && i + 1 < args.size()) {
    value = args[++i];
    return true;
  }
  return false;
}

void scan_compose(const ShellLine& line, ScriptFacts& out) {
  for (const bool standalone : {true, false}) {
    for (const auto& cmd : find_commands(line, standalone ? "docker-compose" : "docker compose")) {
      ComposeCall call{standalone, "", {}, {}, cmd.at};
      size_t i = 0;
      std::string value;
      for (; i < cmd.args.size() && is_option(cmd.args[i]); ++i) {
        if (take_option(cmd.args, i, {"-p", "--project-name"}, value))
          call.project = value;
        else if (take_option(cmd.args, i, {"-f", "--file"}, value))
          call.files.push_back(value);
        else
          take_option(cmd.args, i, {"--env-file", "--project-directory", "--profile", "--ansi"}, value);
      }
      call.args.assign(cmd.args.begin() + static_cast<long>(i), cmd.args.end());
      out.compose.push_back(std::move(call));
    }
  }
}

// `docker run`'s options that take a value (docker/cli's run and create flags), so that the first
// word after them is the image.
const std::set<std::string> kRunValueOptions = {"-p",
                                                "--publish",
                                                "--name",
                                                "-e",
                                                "--env",
                                                "--env-file",
                                                "--network",
                                                "--net",
                                                "--restart",
                                                "-v",
                                                "--volume",
                                                "--mount",
                                                "--health-cmd",
                                                "--health-interval",
                                                "--health-timeout",
                                                "--health-retries",
                                                "--health-start-period",
                                                "-u",
                                                "--user",
                                                "-w",
                                                "--workdir",
                                                "-l",
                                                "--label",
                                                "--log-driver",
                                                "--log-opt",
                                                "-m",
                                                "--memory",
                                                "--cpus",
                                                "--entrypoint",
                                                "-h",
                                                "--hostname",
                                                "--add-host",
                                                "--dns",
                                                "--expose",
                                                "--link",
                                                "--pull",
                                                "--platform",
                                                "--stop-signal",
                                                "--stop-timeout",
                                                "--ulimit",
                                                "--tmpfs",
                                                "--cap-add",
                                                "--cap-drop",
                                                "--device",
                                                "--ipc",
                                                "--pid",
                                                "--shm-size",
                                                "--runtime",
                                                "--security-opt",
                                                "--sysctl",
                                                "--gpus",
                                                "--cidfile",
                                                "--ip",
                                                "--mac-address",
                                                "--network-alias",
                                                "--memory-swap",
                                                "--label-file"};

void scan_docker(const ShellLine& line, ScriptFacts& out) {
  for (const auto& cmd : find_commands(line, "docker")) {
    if (cmd.args.empty()) continue;
    const std::string& sub = cmd.args[0];
    if (sub == "run" || sub == "create") {
      DockerRun run{"", "", {}, cmd.at};
      for (size_t i = 1; i < cmd.args.size(); ++i) {
        std::string value;
        if (take_option(cmd.args, i, {"-p", "--publish"}, value))
          run.publish.push_back(value);
        else if (take_option(cmd.args, i, {"--name"}, value))
          run.name = value;
        else if (take_option(cmd.args, i, kRunValueOptions, value))
          continue;
        else if (is_option(cmd.args[i]))
          continue;
        else {
          run.image = cmd.args[i];
          break;
        }
      }
      out.runs.push_back(std::move(run));
    } else if (sub == "build" || (sub == "image" && cmd.args.size() > 1 && cmd.args[1] == "build")) {
      for (size_t i = 1; i < cmd.args.size(); ++i) {
        std::string value;
        if (take_option(cmd.args, i, {"-t", "--tag"}, value))
          out.built_images.push_back({image_repository(value), cmd.at});
      }
    } else if (sub == "exec") {
      // `docker exec [-it] CONTAINER nginx ...`: nginx driven inside a container.
      size_t i = 1;
      for (std::string value; i < cmd.args.size() && is_option(cmd.args[i]); ++i)
        take_option(cmd.args, i, {"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file"}, value);
      if (i + 1 < cmd.args.size() && cmd.args[i + 1] == "nginx") out.container_nginx.push_back({cmd.args[i], cmd.at});
    }
  }
}

void scan_nginx_control(const ShellLine& line, ScriptFacts& out) {
  for (const auto& cmd : find_commands(line, "nginx")) out.host_nginx.push_back({"nginx", cmd.at});
  for (const auto& cmd : find_commands(line, "systemctl"))
    for (const auto& a : cmd.args)
      if (a == "nginx" || a == "nginx.service") out.host_nginx.push_back({"systemctl", cmd.at});
  for (const auto& cmd : find_commands(line, "service"))
    if (!cmd.args.empty() && cmd.args[0] == "nginx") out.host_nginx.push_back({"service", cmd.at});
  for (const auto& call : out.compose)
    if (call.at.line == line.at.line && call.at.file == line.at.file && call.args.size() > 1 &&
        call.args[0] == "exec") {
      size_t i = 1;
      while (i < call.args.size() && is_option(call.args[i])) ++i;
      if (i + 1 < call.args.size() && call.args[i + 1] == "nginx")
        out.container_nginx.push_back({"service " + call.args[i], call.at});
    }
}

void scan_paths(const ShellLine& line, ScriptFacts& out) {
  static const std::regex home(R"(/home/([a-z_][a-z0-9_-]*))");
  for (std::sregex_iterator it(line.text.begin(), line.text.end(), home), end; it != end; ++it)
    out.home_users.push_back({(*it)[1], line.at});
  // A host path under /etc/nginx; one after ':' is inside a container (`docker cp f proxy:/etc/nginx/...`).
  static const std::regex etc(R"((^|[\s"'=>])(/etc/nginx/[^\s"';|&)]*))");
  for (std::sregex_iterator it(line.text.begin(), line.text.end(), etc), end; it != end; ++it)
    out.etc_nginx.push_back({(*it)[2], line.at});
  for (const auto& cmd : find_commands(line, "ln")) {
    auto ops = operands(cmd.args);
    if (ops.size() >= 2 && ops.back().rfind("/etc/nginx/", 0) == 0)
      out.links.push_back({ops[ops.size() - 2], ops.back(), cmd.at});
  }
  for (const auto& cmd : find_commands(line, "cp")) {
    auto ops = operands(cmd.args);
    if (ops.size() >= 2 && ops.back().rfind("/etc/nginx/", 0) == 0)
      out.copies.push_back({ops[ops.size() - 2], ops.back(), cmd.at});
  }
}

void scan_urls(const ShellLine& line, ScriptFacts& out) {
  // Only lines that fetch: a `set $url http://...` written into an nginx file is not a check.
  static const std::regex fetcher(R"((^|[\s;|&("'])(curl|wget|--health-cmd)\b)");
  if (!std::regex_search(line.text, fetcher)) return;
  static const std::regex url(R"(https?://(localhost|127\.0\.0\.1|0\.0\.0\.0)(:([^/\s"'`)]+))?(/[^\s"'`)|;]*)?)");
  for (std::sregex_iterator it(line.text.begin(), line.text.end(), url), end; it != end; ++it)
    out.urls.push_back({(*it)[3], (*it)[4], line.at});
}

void scan_host_commands(const ShellLine& line, ScriptFacts& out) {
  for (const char* pm : {"yum", "dnf", "amazon-linux-extras", "apt", "apt-get"})
    for (const auto& cmd : find_commands(line, pm)) out.package_managers.push_back({pm, cmd.at});
  for (const auto& cmd : find_commands(line, "cd"))
    if (!cmd.args.empty()) out.cds.push_back({cmd.args[0], cmd.at});
  for (const auto& cmd : find_commands(line, "git")) {
    if (cmd.args.empty()) continue;
    const std::string& sub = cmd.args[0];
    if (sub != "pull" && sub != "fetch" && sub != "reset") continue;
    auto ops = operands(std::vector<std::string>(cmd.args.begin() + 1, cmd.args.end()));
    std::string branch = ops.size() >= 2 ? ops[1] : "";  // git pull|fetch origin main
    if (sub == "reset" && !ops.empty() && ops[0].find('/') != std::string::npos)
      branch = ops[0].substr(ops[0].find('/') + 1);
    out.git_updates.push_back({branch, cmd.at});
  }
  // A script run by path (`./deploy.sh`, `bash deploy/swap.sh`): the file must be on the host.
  auto words = shell_words(line.text);
  size_t i = 0;
  static const std::regex assignment(R"(^[A-Za-z_][A-Za-z0-9_]*=.*)");
  while (i < words.size() && (std::regex_match(words[i], assignment) || words[i] == "sudo" || words[i] == "nohup")) ++i;
  if (i < words.size() && (words[i] == "bash" || words[i] == "sh" || words[i] == "source" || words[i] == ".")) ++i;
  if (i < words.size() && (words[i].rfind("./", 0) == 0 || words[i].ends_with(".sh")))
    out.script_calls.push_back({words[i], line.at});
}

// `$name` and `${name}` in `text` replaced by `value` (not `$name_2` or `$names`).
void expand(std::string& text, const std::string& name, const std::string& value) {
  for (const std::string& ref : {"${" + name + "}", "$" + name}) {
    for (size_t at = text.find(ref); at != std::string::npos; at = text.find(ref, at)) {
      const size_t end = at + ref.size();
      const bool whole = ref.back() == '}' || end == text.size() ||
                         !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
      if (!whole) {
        at = end;
        continue;
      }
      text.replace(at, ref.size(), value);
      at += value.size();
    }
  }
}

}  // namespace

std::string image_repository(const std::string& image) {
  std::string repo = image.substr(0, image.find('@'));
  const auto slash = repo.rfind('/');
  const auto colon = repo.rfind(':');
  // A ':' after the last '/' starts the tag; one before it belongs to a registry's port.
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) repo.resize(colon);
  return repo;
}

bool is_nginx_image(const std::string& image) {
  const std::string repo = image_repository(image);
  return repo.substr(repo.rfind('/') + 1).rfind("nginx", 0) == 0;
}

ScriptFacts scan_script(const ShellScript& script) {
  ScriptFacts out;
  // `COMPOSE="docker compose -f docker-compose.prod.yml"` then `$COMPOSE up -d`: a command kept in a
  // variable runs where the variable is expanded, so its text is put back there before scanning.
  static const std::regex assignment(R"(^([A-Za-z_][A-Za-z0-9_]*)=(.*)$)");
  static const std::regex command(R"(^(sudo |docker|nginx|systemctl |service ).*)");
  std::vector<std::pair<std::string, std::string>> commands;
  for (const auto& raw : script.lines) {
    ShellLine line = raw;
    for (const auto& [name, value] : commands) expand(line.text, name, value);
    const auto words = shell_words(line.text);
    std::smatch m;
    if (words.size() == 1 && std::regex_match(words[0], m, assignment) && std::regex_match(m[2].str(), command))
      commands.emplace_back(m[1], m[2]);

    scan_compose(line, out);
    scan_docker(line, out);
    scan_nginx_control(line, out);
    scan_paths(line, out);
    scan_urls(line, out);
    scan_host_commands(line, out);
  }
  return out;
}

}  // namespace bg::survey
