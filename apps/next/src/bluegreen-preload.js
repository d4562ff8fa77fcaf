// Loaded before Next.js with NODE_OPTIONS="--require /abs/path/bluegreen-preload.js" (the command
// stays `node server.js`, as the Dockerfile's CMD names it). It adds the headers the fake puts on
// every response (next_session.cc respond): X-Served-By, X-Build-Id, and X-Request-Id echoed, on all
// routes alike, static files and 404s included, which no page or API code could reach. It registers
// no signal handler, prints nothing and changes nothing else: start-up, keep-alive and SIGTERM stay
// Next's and Node's own. In 13.4.x the render workers inherit NODE_OPTIONS and load it too (harmless:
// the same values).
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

// Next's own record of the build, next to this file in the standalone folder and in the app folder.
function readBuildId() {
  try {
    return fs.readFileSync(path.join(__dirname, '.next', 'BUILD_ID'), 'utf8').trim();
  } catch {
    return process.env.BLUEGREEN_BUILD_ID || '';
  }
}

const servedBy = process.env.BLUEGREEN_CONTAINER || os.hostname();
const buildId = readBuildId();

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function bluegreenEmit(event, req, res) {
  if (event === 'request' && res && !res.headersSent) {
    res.setHeader('X-Served-By', servedBy);
    if (buildId) res.setHeader('X-Build-Id', buildId);
    const requestId = req.headers['x-request-id'];
    if (requestId !== undefined) res.setHeader('X-Request-Id', requestId);
  }
  return emit.apply(this, arguments);
};
