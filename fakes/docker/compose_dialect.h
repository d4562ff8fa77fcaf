#pragma once
// ComposeDialect: what differs between compose versions in what a script sees — container names,
// progress lines, the `ps` table, the "nothing to do" messages (semantics.md §3). ComposeCli
// decides; the dialect words it. ComposeV2Dialect is v2.0.0–v2.14.x (the seed's standalone
// v2.5.0); v1 (1.29.2) and v2.15+ are further subclasses to add beside it.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "fakes/docker/container_runtime.h"

namespace bg::fakes {

class ComposeDialect {
 public:
  virtual ~ComposeDialect() = default;
  virtual std::string version() const = 0;  // "2.5.0"
  virtual std::string container_name(const std::string& project, const std::string& service, int number) const = 0;
  virtual std::string network_name(const std::string& project) const = 0;
  // One progress line (stderr): kind "Container", "Network", or "" for a service (pulls).
  virtual std::string progress(const std::string& kind, const std::string& id, const std::string& verb) const = 0;
  // The `ps` table for a project's containers (already sorted by name).
  virtual std::string ps_table(const std::vector<ContainerRecord>& containers, core::Time now) const = 0;
  // Whether `ps` without -a lists stopped containers (v2 < 2.15 and v1 do: race R10).
  virtual bool ps_lists_stopped() const = 0;
  // stderr of `down` on a project with nothing to remove.
  virtual std::string nothing_to_remove(const std::string& project) const = 0;
  // A daemon error as the CLI prints it (one line, with its newline).
  virtual std::string daemon_error(const std::string& message) const = 0;
};

class ComposeV2Dialect : public ComposeDialect {
 public:
  explicit ComposeV2Dialect(std::string version = "2.5.0") : version_(std::move(version)) {}
  std::string version() const override { return version_; }
  std::string container_name(const std::string& project, const std::string& service, int number) const override;
  std::string network_name(const std::string& project) const override { return project + "_default"; }
  std::string progress(const std::string& kind, const std::string& id, const std::string& verb) const override;
  std::string ps_table(const std::vector<ContainerRecord>& containers, core::Time now) const override;
  bool ps_lists_stopped() const override { return true; }
  std::string nothing_to_remove(const std::string& project) const override;
  std::string daemon_error(const std::string& message) const override;

  // STATUS column: `running`, `running (healthy)`, `exited (0)`, `dead (1)`, else the raw state.
  static std::string status(const ContainerRecord& c);
  // PORTS column: "0.0.0.0:3000->3000/tcp" for a running container, "" otherwise.
  static std::string ports(const ContainerRecord& c);

 private:
  std::string version_;
};

// The dialect for a compose version string ("2.5.0", "v2.5.0"). Throws std::invalid_argument for a
// version no dialect models yet.
std::unique_ptr<ComposeDialect> make_compose_dialect(std::string_view version);

}  // namespace bg::fakes
