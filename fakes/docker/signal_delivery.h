#pragma once
// SignalDelivery: whether the stop signal Docker sends to a container's PID 1 reaches the app
// (races.md R06; semantics.md §3 "Stop and down", §5 signal handling). Pure: decided from what the
// container runs as PID 1 and compose's `init:`.
//   - exec form `CMD ["node","server.js"]` (through the node images' docker-entrypoint.sh, which
//     `exec "$@"`s): node is PID 1 and gets SIGTERM;
//   - `init: true`: tini is PID 1 and forwards the signal to its child;
//   - shell form `CMD node server.js` runs as `/bin/sh -c "node server.js"`: the shell is PID 1,
//     has no handler, and PID 1 ignores signals without one, so node never sees SIGTERM (unless the
//     command starts with `exec`, which replaces the shell);
//   - `npm start` / `yarn start` as PID 1 do not pass SIGTERM on (R06).
// Then only Docker's SIGKILL at the grace period ends the container: exit 137, in-flight requests
// cut. Simplification: some shells (dash, busybox ash) exec a lone simple command themselves, which
// would make node PID 1; the harness takes the documented worst case (R06) for every `sh -c`.
#include <string>
#include <vector>

namespace bg::fakes {

struct SignalDelivery {
  bool reaches_app = true;
  std::string pid1;  // what receives the signal: "node", "tini", "/bin/sh", "npm"...
  std::string why;   // one line for the history and reports
};

SignalDelivery signal_delivery(const std::vector<std::string>& argv, bool init);

}  // namespace bg::fakes
