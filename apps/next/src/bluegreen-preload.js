// Loaded before Next.js with NODE_OPTIONS="--require /abs/path/bluegreen-preload.js" (the command
// stays `node server.js`, as the Dockerfile's CMD names it). Next's own code is untouched: start-up,
// keep-alive handling and SIGTERM stay Next's and Node's. The preload registers no signal handler
// (a SIGTERM listener would change what the process does with the signal).
//
// Always: the headers the fake puts on every response (next_session.cc respond): X-Served-By,
// X-Build-Id, and X-Request-Id echoed, on all routes alike, static files and 404s included, which no
// page or API code could reach.
//
// What the real-app engine (fakes/nextjs/real_next_server.cc) sets, each a no-op when unset, so the
// app still runs by hand as apps/next/README.md shows:
//   BLUEGREEN_LISTEN_HOST      the address a listen() that names none, or a wildcard, binds: the
//                              container's own port stands for a loopback port (12.2's template
//                              ignores HOSTNAME and would listen on every address).
//   BLUEGREEN_LISTEN_AT_MS     wall-clock time (ms since the epoch) before which the server's first
//                              listen() does not happen: the scenario's start delay, when it is
//                              longer than the real start.
//   BLUEGREEN_TIME_SCALE       real seconds per scenario second: Node's keepAliveTimeout (its 5000 ms
//                              default, or what Next set from KEEP_ALIVE_TIMEOUT) is scenario time and
//                              is scaled to real time, as every other timer of a run is.
//   BLUEGREEN_KEEP_ALIVE_MS    the scenario's app.keep_alive_timeout, in place of Node's default
//                              (KEEP_ALIVE_TIMEOUT, which 13.4 and 14.1 read, still wins).
//   BLUEGREEN_PROTOCOL=1       prints the lines the engine turns into history events, on stdout:
//                                bluegreen listening port=P
//                                bluegreen ready
//                                bluegreen begin n=K request_id=R   (a request reached the server)
//                                bluegreen end n=K                  (its response ended, or its client left)
//                                bluegreen draining                 (server.close(): stops accepting)
//                              and API routes print `bluegreen execution ...` (lib/bluegreen.js).
//                              A request that began and never ended when the process is gone was cut.
// Only the process started as the container's command does any of it: 13.4's render workers inherit
// NODE_OPTIONS and load this file too, and see BLUEGREEN_CHILD set by their parent.
'use strict';

const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const isMain = !process.env.BLUEGREEN_CHILD;
process.env.BLUEGREEN_CHILD = '1'; // inherited by the processes this one starts

// Next's own record of the build, next to this file in the standalone folder and in the app folder.
function readBuildId() {
  try {
    return fs.readFileSync(path.join(__dirname, '.next', 'BUILD_ID'), 'utf8').trim();
  } catch {
    return process.env.BLUEGREEN_BUILD_ID || '';
  }
}

function positiveNumber(text) {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
}

const servedBy = process.env.BLUEGREEN_CONTAINER || os.hostname();
const buildId = readBuildId();
const protocol = isMain && process.env.BLUEGREEN_PROTOCOL === '1';
const listenHost = process.env.BLUEGREEN_LISTEN_HOST || '';
const listenAt = positiveNumber(process.env.BLUEGREEN_LISTEN_AT_MS);
const timeScale = positiveNumber(process.env.BLUEGREEN_TIME_SCALE) || 1;
const keepAliveDefault = positiveNumber(process.env.BLUEGREEN_KEEP_ALIVE_MS);
const PROBE_HEADER = 'x-bluegreen-probe';

// Pipes are written synchronously on Linux (Node's process.stdout), so a line is out before the next
// statement runs: an `end` never trails the exit it preceded.
function say(line) {
  if (protocol) process.stdout.write(`bluegreen ${line}\n`);
}

let requests = 0;
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function bluegreenEmit(event, req, res) {
  if (event === 'request' && res && !res.headersSent) {
    res.setHeader('X-Served-By', servedBy);
    if (buildId) res.setHeader('X-Build-Id', buildId);
    const requestId = req.headers['x-request-id'];
    if (requestId !== undefined) res.setHeader('X-Request-Id', requestId);
    if (protocol && req.headers[PROBE_HEADER] === undefined) {
      const n = ++requests;
      const id = /^[0-9]+$/.test(requestId || '') ? requestId : '0';
      say(`begin n=${n} request_id=${id}`);
      res.once('close', () => say(`end n=${n}`));
    }
  }
  return emit.apply(this, arguments);
};

// The idle time Node adds to keepAliveTimeout before it closes a keep-alive socket: newer Nodes (the
// machine's Node 20.20.2 among them) call socket.setTimeout(keepAliveTimeout +
// HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER), 1000 ms, in lib/_http_server.js resOnFinish (from Node 24.6
// the server's keepAliveTimeoutBuffer, nodejs/node#59243); Node 16 and 18, which the node:16 and
// node:18 images of a Dockerfile run, close at keepAliveTimeout. The harness runs the machine's Node
// for every image, so it takes the buffer out: the socket closes keepAliveTimeout after the last
// response, as in the fake (fakes/nextjs) and the images. Read from Node's own source, 0 when absent.
function nodeKeepAliveBuffer() {
  try {
    const source = process.binding('natives')._http_server;
    const constant = /HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER = (\d+)/.exec(source);
    return constant && source.includes('keepAliveTimeout + HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER')
      ? Number(constant[1])
      : 0;
  } catch {
    return 0;
  }
}

// Node's keepAliveTimeout, read by its HTTP server whenever a response ends (`resOnFinish`), as an
// accessor: the value set (Node's constructor sets 5000 first, Next may set KEEP_ALIVE_TIMEOUT's
// after) is scenario time, and Node reads real time, less its buffer (above). The `Keep-Alive:
// timeout=N` header Node derives from it may then show a negative N: nginx does not read it.
if (isMain && (timeScale !== 1 || keepAliveDefault !== undefined)) {
  const kSet = Symbol('bluegreen.keepAliveTimeout');
  const constantBuffer = nodeKeepAliveBuffer();
  Object.defineProperty(http.Server.prototype, 'keepAliveTimeout', {
    configurable: true,
    enumerable: true,
    get() {
      const v = this[kSet] === undefined ? 5000 : this[kSet];
      const buffer = typeof this.keepAliveTimeoutBuffer === 'number' ? this.keepAliveTimeoutBuffer : constantBuffer;
      return v > 0 ? Math.max(1, Math.round(v * timeScale)) - buffer : v;
    },
    set(v) {
      // The first assignment is the constructor's default.
      this[kSet] = this[kSet] === undefined && keepAliveDefault !== undefined ? keepAliveDefault : v;
    },
  });
}

function isWildcard(host) {
  return host === undefined || host === null || host === '' || host === '0.0.0.0' || host === '::';
}

// listen(port[, host][, backlog][, cb]) or listen(options[, cb]), with a missing or wildcard host
// replaced by listenHost. A path or a handle is left alone.
function pinnedHost(args) {
  const a = Array.from(args);
  if (!listenHost) return a;
  if (a[0] !== null && typeof a[0] === 'object' && !(a[0] instanceof net.Server)) {
    if ('port' in a[0] && isWildcard(a[0].host)) a[0] = { ...a[0], host: listenHost };
  } else if (typeof a[0] === 'number' || (typeof a[0] === 'string' && /^[0-9]+$/.test(a[0])) || a[0] === undefined) {
    if (typeof a[1] === 'string' || a[1] === null) {
      if (isWildcard(a[1])) a[1] = listenHost;
    } else {
      a.splice(1, 0, listenHost);
      if (a[0] === undefined) a[0] = 0;
    }
  }
  return a;
}

let firstListen = isMain;
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function bluegreenListen() {
  if (!isMain || !(this instanceof http.Server)) return listen.apply(this, arguments);
  const args = pinnedHost(arguments);
  if (!firstListen) return listen.apply(this, args);
  firstListen = false;
  this.once('listening', () => {
    const address = this.address();
    say(`listening port=${address && address.port}`);
    probeUntilReady(address && address.port);
  });
  const close = this.close;
  this.close = function bluegreenClose() {
    say('draining');
    return close.apply(this, arguments);
  };
  const wait = listenAt === undefined ? 0 : listenAt - Date.now();
  if (wait <= 0) return listen.apply(this, args);
  setTimeout(() => listen.apply(this, args), wait);
  return this;
};

// Ready is when the server answers: a request to a path no route has (a 404 from Next's own static
// handler, no app code run) waits, like any request, for what the version waits for before it serves
// (13.4 and 14.1 hold requests until their handlers are loaded; 12.2 serves from listen on).
function probeUntilReady(port) {
  if (!protocol || !port) return;
  const started = Date.now();
  const attempt = () => {
    const req = http.request(
      {
        host: listenHost || '127.0.0.1',
        port,
        method: 'HEAD',
        path: '/_next/static/bluegreen-ready-probe',
        agent: false,
        headers: { [PROBE_HEADER]: '1', Connection: 'close' },
      },
      (res) => {
        res.resume();
        say('ready');
      }
    );
    req.on('error', () => {
      if (Date.now() - started < 60000) setTimeout(attempt, 5).unref();
    });
    req.end();
  };
  attempt();
}
