#pragma once
// ComposeV215Dialect: Docker Compose v2.15.0 onward (semantics.md §3): `ps` prints docker/cli's
// columns `NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS` with moby's human status ("Up 5
// seconds", "Exited (0) 3 seconds ago"), lists only running containers unless -a (or a status
// filter), and takes `--format table|json|<Go template>`. Progress lines and errors are v2's.
#include <string>

#include "fakes/docker/compose_dialect.h"

namespace bg::fakes {

class ComposeV215Dialect : public ComposeDialect {
 public:
  ComposeV215Dialect(std::string version, int minor) : version_(std::move(version)), minor_(minor) {}
  std::string version() const override { return version_; }

  bool ps_lists_stopped() const override { return false; }
  std::string ps_table(const std::vector<ContainerRecord>& containers, core::Time now) const override;
  std::string ps_format(const std::vector<ContainerRecord>& containers, core::Time now,
                        const std::string& format) const override;
  std::string nothing_to_remove(const std::string& project) const override;
  std::string pull_skipped(const std::string& service, bool exists) const override;
  std::string dependency_error(const std::string& dependent, const std::string& dependency,
                               const ContainerRecord& container, DependencyFailure why, int exit_code) const override;

 private:
  std::string version_;
  int minor_;
};

}  // namespace bg::fakes
