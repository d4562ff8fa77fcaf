#pragma once
// MountPlan: how the run's sandboxed host is put together, as data. The harness (HostLayout) decides
// it and writes it to a file; bluegreen-host, the host's init, carries it out inside fresh
// namespaces without deciding anything. Keeping the decisions here makes them testable without
// namespaces and keeps the init small.
#include <string>
#include <vector>

// Declarations only: the files that use the plan but never (de)serialize it need not parse
// nlohmann/json; the ones that do include it themselves.
#include <nlohmann/json_fwd.hpp>

namespace bg::fakes {

struct MountStep {
  enum class Kind {
    mkdir,    // target: a folder (and its parents), mode 0755
    symlink,  // target -> source (the link's text)
    tmpfs,    // a fresh tmpfs at target, mount `options` ("size=64m,mode=755")
    overlay,  // target = source (lower, a real folder) with writes going to upper (work beside it)
    bind,     // the real folder or file `source` at target (read_only: remounted read-only)
    proc,     // a procfs of the host's PID namespace at target
    devpts,   // a private devpts instance at target
    file,     // an empty regular file at target (a mount point for a device node)
  };
  Kind kind = Kind::mkdir;
  std::string target;  // a path inside the host ("/usr"); made absolute under the plan's root
  std::string source;
  std::string upper;
  std::string work;
  std::string options;
  bool read_only = false;
};

struct MountPlan {
  std::string root;             // the real (empty) folder that becomes the host's "/"
  std::string hostname;         // what `hostname` says inside
  bool user_namespace = false;  // map the caller's uid and gid to root (needed when not root)
  bool own_network = true;      // a network namespace of its own, loopback only
  std::vector<MountStep> steps;
};

void to_json(nlohmann::json& j, const MountStep& s);
void from_json(const nlohmann::json& j, MountStep& s);
void to_json(nlohmann::json& j, const MountPlan& p);
void from_json(const nlohmann::json& j, MountPlan& p);

}  // namespace bg::fakes
