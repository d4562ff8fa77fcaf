#pragma once
// What a Next.js standalone server prints on stdout when it starts, by version (what `docker logs`
// shows). Sources: the standalone server.js template of 12.1 (`console.log('Listening on port',
// port)`) and 12.2-13.3 (`'Listening on port', port, 'url: http://localhost:' + port`), as the
// compiled templates in public repositories show them (packages/next/build/utils.ts); 13.4-13.5's
// startServer (`Log.ready("started server on ...")`, printed "- ready started server on 0.0.0.0:3000,
// url: http://localhost:3000"); 14.x's start banner (packages/next/src/server/lib/start-server.ts:
// "▲ Next.js <version>", Local and Network URLs, "✓ Ready in <ms>ms"). [inference] The exact
// spacing of the 14.x banner and the "✓ Starting..." line are taken from the dev server's output,
// which shares logStartInfo; the release boundaries are those of semantics.md §5.
#include <string>
#include <vector>

#include "fakes/nextjs/next_app_profile.h"

namespace bg::fakes {

struct NextLogLines {
  std::vector<std::string> on_listen;  // printed when the server listens
  std::vector<std::string> on_ready;   // printed when the app is prepared
};

// `port` is the port the app listens on inside its container (PORT, default 3000); `hostname` the
// HOSTNAME it binds ("" = 0.0.0.0); `ready_ms` the scenario milliseconds from start to ready.
NextLogLines next_start_lines(const NextAppProfile& profile, int port, const std::string& hostname, long ready_ms);

}  // namespace bg::fakes
