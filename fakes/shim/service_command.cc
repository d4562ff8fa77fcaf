#include "fakes/shim/service_command.h"

#include <map>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

const std::map<std::string, ServiceVerb> kSystemctlVerbs = {{"start", ServiceVerb::start},
                                                            {"stop", ServiceVerb::stop},
                                                            {"restart", ServiceVerb::restart},
                                                            {"reload", ServiceVerb::reload},
                                                            {"reload-or-restart", ServiceVerb::reload_or_restart},
                                                            {"try-restart", ServiceVerb::try_restart},
                                                            {"status", ServiceVerb::status},
                                                            {"is-active", ServiceVerb::is_active},
                                                            {"is-enabled", ServiceVerb::is_enabled},
                                                            {"enable", ServiceVerb::enable},
                                                            {"disable", ServiceVerb::disable},
                                                            {"daemon-reload", ServiceVerb::daemon_reload}};
// The nginx init script's actions (/etc/init.d/nginx), which `service` passes through.
const std::map<std::string, ServiceVerb> kServiceActions = {
    {"start", ServiceVerb::start},           {"stop", ServiceVerb::stop},
    {"restart", ServiceVerb::restart},       {"reload", ServiceVerb::reload},
    {"force-reload", ServiceVerb::reload},   {"status", ServiceVerb::status},
    {"configtest", ServiceVerb::configtest}, {"try-restart", ServiceVerb::try_restart}};

// "nginx.service" -> "nginx"; a unit of another type is kept as written.
std::string unit_name(const std::string& u) {
  const std::string suffix = ".service";
  return u.size() > suffix.size() && u.compare(u.size() - suffix.size(), suffix.size(), suffix) == 0
             ? u.substr(0, u.size() - suffix.size())
             : u;
}

bool modelled_unit(const std::string& u) { return u == "nginx" || u == "docker"; }

}  // namespace

ServicePlan plan_systemctl(const std::vector<std::string>& args) {
  ServicePlan plan;
  bool quiet = false;
  std::vector<std::string> words;
  for (const auto& a : args) {
    if (a == "-q" || a == "--quiet")
      quiet = true;
    else if (a == "--no-pager" || a == "--no-block" || a == "-l" || a == "--full" || a == "--now" ||
             a == "--no-ask-password" || a == "--system")
      continue;
    else if (!a.empty() && a[0] == '-') {
      plan.answer = core::not_modelled_result("systemctl option " + a);
      return plan;
    } else
      words.push_back(a);
  }
  if (words.empty()) {
    plan.answer = core::not_modelled_result("systemctl without a verb (list-units)");
    return plan;
  }
  auto verb = kSystemctlVerbs.find(words[0]);
  if (verb == kSystemctlVerbs.end()) {
    plan.answer = core::not_modelled_result("systemctl " + words[0]);
    return plan;
  }
  if (verb->second == ServiceVerb::daemon_reload) {
    plan.answer = core::CommandResult{0, "", ""};  // unit files are reread; nothing the run models changes
    return plan;
  }
  if (words.size() != 2) {
    plan.answer = words.size() < 2 ? core::CommandResult{1, "", "Too few arguments.\n"}
                                   : core::not_modelled_result("systemctl " + words[0] + " with several units");
    return plan;
  }
  const std::string unit = unit_name(words[1]);
  if (!modelled_unit(unit)) {
    plan.answer = core::not_modelled_result(fmt::format("the {} service (systemctl {} {})", unit, words[0], words[1]));
    return plan;
  }
  plan.request = ServiceRequest{unit, verb->second, quiet};
  return plan;
}

ServicePlan plan_service(const std::vector<std::string>& args) {
  ServicePlan plan;
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    plan.answer = core::CommandResult{
        1, "", "Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n"};
    return plan;
  }
  if (args[0] == "--status-all") {
    plan.answer = core::not_modelled_result("service --status-all");
    return plan;
  }
  const std::string unit = args[0];
  if (!modelled_unit(unit)) {
    plan.answer = core::not_modelled_result(fmt::format("the {} service (service {})", unit, fmt::join(args, " ")));
    return plan;
  }
  if (args.size() < 2) {
    plan.answer = core::CommandResult{
        1, "",
        fmt::format("Usage: /etc/init.d/{} {{start|stop|status|restart|reload|force-reload|configtest}}\n", unit)};
    return plan;
  }
  auto action = kServiceActions.find(args[1]);
  if (action == kServiceActions.end()) {
    plan.answer = core::CommandResult{
        1, "",
        fmt::format("Usage: /etc/init.d/{} {{start|stop|status|restart|reload|force-reload|configtest}}\n", unit)};
    return plan;
  }
  plan.request = ServiceRequest{unit, action->second, false};
  return plan;
}

core::CommandResult systemctl_answer(const ServiceRequest& r, bool ok, bool running, const std::string& detail) {
  const std::string unit = r.unit + ".service";
  switch (r.verb) {
    case ServiceVerb::is_active:
      return {running ? 0 : 3, r.quiet ? "" : (running ? "active\n" : "inactive\n"), ""};
    case ServiceVerb::is_enabled:
      return {0, r.quiet ? "" : "enabled\n", ""};
    case ServiceVerb::status: {
      if (r.quiet) return {running ? 0 : 3, "", ""};
      std::string out = fmt::format(
          "● {} - {}\n     Loaded: loaded (/lib/systemd/system/{}; enabled; preset: enabled)\n"
          "     Active: {}\n",
          unit,
          r.unit == "nginx" ? "A high performance web server and a reverse proxy server"
                            : "Docker Application Container Engine",
          unit, running ? "active (running)" : "inactive (dead)");
      return {running ? 0 : 3, out, ""};
    }
    case ServiceVerb::enable:
    case ServiceVerb::disable:
      return {0, "", ""};
    default:
      break;
  }
  if (ok) return {0, "", ""};
  // systemd's job failure message; nginx's own line is in the unit's log (journalctl), not here.
  (void)detail;
  return {1, "",
          fmt::format("Job for {0} failed because the control process exited with error code.\n"
                      "See \"systemctl status {0}\" and \"journalctl -xeu {0}\" for details.\n",
                      unit)};
}

core::CommandResult service_answer(const ServiceRequest& r, bool ok, bool running, const std::string& detail) {
  // Debian's service(8) hands systemd units to systemctl, so the words are systemctl's, except for
  // `configtest`, which runs the init script's `nginx -t` and prints nginx's lines.
  if (r.verb == ServiceVerb::configtest) return {ok ? 0 : 1, "", detail};
  ServiceRequest as_systemctl = r;
  return systemctl_answer(as_systemctl, ok, running, detail);
}

}  // namespace bg::fakes
