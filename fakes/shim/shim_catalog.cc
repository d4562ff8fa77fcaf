#include "fakes/shim/shim_catalog.h"

namespace bg::fakes {

const std::vector<ShimmedProgram>& shimmed_programs() {
  static const std::vector<ShimmedProgram> programs = {
      // Modelled: the fakes answer (docker, compose, nginx, the services), or the real program runs
      // under the harness's control (curl and wget on the run's addresses only, sleep and timeout in
      // scenario time, sudo's command inside the host).
      {"docker", {"/usr/bin/docker"}},
      {"docker-compose", {"/usr/local/bin/docker-compose", "/usr/bin/docker-compose"}},
      {"nginx", {"/usr/sbin/nginx"}},
      {"curl", {"/usr/bin/curl"}},
      {"wget", {"/usr/bin/wget"}},
      {"sleep", {"/usr/bin/sleep"}},
      {"timeout", {"/usr/bin/timeout"}},
      {"sudo", {"/usr/bin/sudo"}},
      {"service", {"/usr/sbin/service"}},
      {"systemctl", {"/usr/bin/systemctl"}},
      // Not modelled: each would reach the network or change the machine in ways the run cannot see.
      {"nc", {"/usr/bin/nc"}, false, "opens network connections"},
      {"netcat", {"/usr/bin/netcat"}, false, "opens network connections"},
      {"ncat", {"/usr/bin/ncat"}, false, "opens network connections"},
      {"telnet", {"/usr/bin/telnet"}, false, "opens network connections"},
      {"ssh", {"/usr/bin/ssh"}, false, "reaches another host"},
      {"scp", {"/usr/bin/scp"}, false, "reaches another host"},
      {"rsync", {"/usr/bin/rsync"}, false, "reaches another host"},
      // Modelled where the run has what they reach: git where the run has a GitHub (workflow
      // deployments), aws on a workflow's runners; elsewhere their handler says not modelled.
      {"git", {"/usr/bin/git"}},
      {"aws", {"/usr/local/bin/aws", "/usr/bin/aws"}},
      {"apt-get", {"/usr/bin/apt-get"}, false, "installs packages"},
      {"apt", {"/usr/bin/apt"}, false, "installs packages"},
      {"yum", {"/usr/bin/yum"}, false, "installs packages"},
      {"dnf", {"/usr/bin/dnf"}, false, "installs packages"},
      {"amazon-linux-extras", {"/usr/bin/amazon-linux-extras"}, false, "installs packages"},
      {"snap", {"/usr/bin/snap"}, false, "installs packages"},
      {"pip", {"/usr/bin/pip"}, false, "installs packages"},
      {"pip3", {"/usr/bin/pip3"}, false, "installs packages"},
      {"npm", {"/usr/bin/npm"}, false, "installs packages and runs a Node.js app outside Docker"},
      {"npx", {"/usr/bin/npx"}, false, "installs packages"},
      {"yarn", {"/usr/bin/yarn"}, false, "installs packages"},
      {"pm2", {"/usr/bin/pm2"}, false, "runs a Node.js app outside Docker"},
      {"node", {"/usr/bin/node"}, false, "runs a Node.js app outside Docker"},
      {"certbot", {"/usr/bin/certbot"}, false, "obtains certificates over the network"},
      {"ufw", {"/usr/sbin/ufw"}, false, "changes the firewall"},
      {"iptables", {"/usr/sbin/iptables"}, false, "changes the firewall"},
      {"journalctl", {"/usr/bin/journalctl"}, false, "reads the system journal"},
      {"crontab", {"/usr/bin/crontab"}, false, "schedules jobs"},
      {"reboot", {"/usr/sbin/reboot"}, false, "restarts the instance"},
      {"shutdown", {"/usr/sbin/shutdown"}, false, "stops the instance"},
      {"lsof", {"/usr/bin/lsof"}, false, "inspects the host's sockets"},
      {"ss", {"/usr/bin/ss"}, false, "inspects the host's sockets"},
      {"netstat", {"/usr/bin/netstat"}, false, "inspects the host's sockets"},
  };
  return programs;
}

const ShimmedProgram* find_shimmed_program(const std::string& name) {
  for (const auto& p : shimmed_programs())
    if (p.name == name) return &p;
  return nullptr;
}

const std::vector<std::string>& real_programs_for_shims() {
  static const std::vector<std::string> programs = {"timeout", "curl", "wget", "git"};
  return programs;
}

}  // namespace bg::fakes
