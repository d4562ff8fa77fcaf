#include "fakes/shim/sudo_command.h"

#include <set>
#include <sstream>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

// sudoers defaults as the images ship them: Debian/Ubuntu's `secure_path`, and Amazon Linux 2's
// (/etc/sudoers: `Defaults secure_path = /sbin:/bin:/usr/sbin:/usr/bin`, env_keep list below).
constexpr const char* kUbuntuSecurePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr const char* kAmazonSecurePath = "/sbin:/bin:/usr/sbin:/usr/bin";
const std::set<std::string> kAmazonEnvKeep = {
    "COLORS", "DISPLAY", "HOSTNAME", "HISTSIZE", "KDEDIR",   "LS_COLORS", "MAIL",         "PS1",
    "PS2",    "QTDIR",   "USERNAME", "LANG",     "LANGUAGE", "LINGUAS",   "_XKB_CHARSET", "XAUTHORITY"};
// sudo keeps these whatever env_reset says (sudo's env.c initial_keepenv_table).
const std::set<std::string> kAlwaysKept = {"TERM", "COLUMNS", "LINES", "DISPLAY", "TZ"};

core::CommandResult usage() {
  return {1, "",
          "usage: sudo -h | -K | -k | -V\n"
          "usage: sudo -v [-ABknS] [-g group] [-h host] [-p prompt] [-u user]\n"
          "usage: sudo -l [-ABknS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command]\n"
          "usage: sudo [-ABbEHknPS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T "
          "timeout] [-u user] [VAR=value] [-i|-s] [<command>]\n"
          "usage: sudo -e [-ABknS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T "
          "timeout] [-u user] file ...\n"};
}

// The value of a flag that takes one: "-uroot" or "-u root"; false when missing.
bool flag_value(const std::vector<std::string>& args, size_t& i, size_t& k, std::string& value) {
  const std::string& a = args[i];
  if (k + 1 < a.size()) {
    value = a.substr(k + 1);
  } else {
    if (i + 1 >= args.size()) return false;
    value = args[++i];
  }
  k = a.size();
  return true;
}

std::string shell_quote_for_sudo_s(const std::string& arg) {
  // sudo -s escapes every non-alphanumeric character (except _ - $) with a backslash (sudo.c).
  std::string out;
  for (char c : arg) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '$') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

SudoPlan plan_sudo(const std::vector<std::string>& args, const SudoContext& ctx) {
  SudoPlan plan;
  bool preserve_env = false, shell = false;
  std::set<std::string> preserve_list;
  std::map<std::string, std::string> assigned;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.rfind("--", 0) == 0) {
      if (a == "--preserve-env")
        preserve_env = true;
      else if (a.rfind("--preserve-env=", 0) == 0) {
        std::stringstream names(a.substr(15));
        for (std::string n; std::getline(names, n, ',');) preserve_list.insert(n);
      } else if (a == "--non-interactive" || a == "--set-home" || a == "--stdin")
        continue;
      else if (a == "--shell")
        shell = true;
      else if (a.rfind("--user=", 0) == 0 || a.rfind("--group=", 0) == 0)
        continue;
      else if (a == "--user" || a == "--group")
        ++i;
      else {
        plan.refusal = core::not_modelled_result("sudo option " + a);
        return plan;
      }
      continue;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (size_t k = 1; k < a.size(); ++k) {
      std::string ignored;
      switch (a[k]) {
        case 'E':
          preserve_env = true;
          break;
        case 'H':
        case 'n':
        case 'S':
        case 'P':
        case 'A':
          break;  // no password is ever asked here
        case 's':
          shell = true;
          break;
        case 'u':
        case 'g':
          if (!flag_value(args, i, k, ignored)) {
            plan.refusal = usage();
            return plan;
          }
          break;
        case 'k':
        case 'K':
          if (args.size() == 1) {
            plan.refusal = core::CommandResult{0, "", ""};
            return plan;
          }
          break;
        default:
          plan.refusal = core::not_modelled_result(fmt::format("sudo option -{}", a[k]));
          return plan;
      }
    }
  }
  // VAR=value before the command sets it for the command (sudoers permitting: root may).
  for (; i < args.size() && args[i].find('=') != std::string::npos && args[i].front() != '='; ++i)
    assigned[args[i].substr(0, args[i].find('='))] = args[i].substr(args[i].find('=') + 1);
  std::vector<std::string> command(args.begin() + static_cast<long>(i), args.end());
  if (command.empty()) {
    plan.refusal = shell ? core::not_modelled_result("sudo -s without a command (an interactive shell)") : usage();
    return plan;
  }

  // env_reset: a fresh environment for root, with what sudoers keeps.
  const std::string secure_path = ctx.amazon_linux ? kAmazonSecurePath : kUbuntuSecurePath;
  std::map<std::string, std::string> env;
  if (preserve_env) env = ctx.env;
  for (const auto& [k, v] : ctx.env)
    if (kAlwaysKept.count(k) || preserve_list.count(k) || (ctx.amazon_linux && kAmazonEnvKeep.count(k)) ||
        k.rfind("LC_", 0) == 0)
      env[k] = v;
  for (const auto& name : ctx.harness_variables)
    if (auto it = ctx.env.find(name); it != ctx.env.end()) env[name] = it->second;
  const auto caller = [&](const char* k, const char* d) {
    auto it = ctx.env.find(k);
    return it == ctx.env.end() ? std::string(d) : it->second;
  };
  env["PATH"] = secure_path;
  env["HOME"] = "/root";
  env["USER"] = env["LOGNAME"] = env["USERNAME"] = "root";
  env["SHELL"] = "/bin/bash";
  env["MAIL"] = "/var/mail/root";
  env["SUDO_USER"] = caller("USER", "root");
  env["SUDO_UID"] = "0";
  env["SUDO_GID"] = "0";
  for (const auto& [k, v] : assigned) env[k] = v;

  if (shell) {
    std::string joined;
    for (const auto& c : command) joined += (joined.empty() ? "" : " ") + shell_quote_for_sudo_s(c);
    command = {"/bin/bash", "-c", joined};
  }
  std::string program = command.front();
  if (program.find('/') == std::string::npos) {
    std::stringstream dirs(secure_path);
    std::string found;
    for (std::string d; std::getline(dirs, d, ':') && found.empty();)
      if (ctx.executable(d + "/" + program)) found = d + "/" + program;
    if (found.empty()) {
      plan.refusal = core::CommandResult{1, "", fmt::format("sudo: {}: command not found\n", program)};
      return plan;
    }
    program = found;
  } else if (!ctx.executable(program)) {
    plan.refusal = core::CommandResult{1, "", fmt::format("sudo: {}: command not found\n", program)};
    return plan;
  }
  std::string sudo_command = program;
  for (size_t k = 1; k < command.size(); ++k) sudo_command += " " + command[k];
  env["SUDO_COMMAND"] = sudo_command;
  command.front() = program;
  plan.exec = std::move(command);
  plan.env = std::move(env);
  return plan;
}

}  // namespace bg::fakes
