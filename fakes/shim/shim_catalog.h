#pragma once
// The programs the shims stand in for on the run's host, where each is installed, and which of them
// the simulation models. A program here that is not modelled still gets a shim: calling it ends the
// run as ERROR naming it, instead of the real program failing quietly inside the sandbox (it has no
// network) or changing nothing the run can see (a package install, a firewall rule).
#include <string>
#include <vector>

namespace bg::fakes {

struct ShimmedProgram {
  std::string name;                // argv[0]'s basename as the shim sees it
  std::vector<std::string> paths;  // where it is installed on the host
  bool modelled = true;
  std::string why_not;  // for one that is not: what it would do ("installs packages")
};

const std::vector<ShimmedProgram>& shimmed_programs();
const ShimmedProgram* find_shimmed_program(const std::string& name);

// Real programs the shims hand work back to, bound read-only into the host at /run/bluegreen/real/.
const std::vector<std::string>& real_programs_for_shims();

}  // namespace bg::fakes
