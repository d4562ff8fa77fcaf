// Server-side helpers shared by the routes: the same knobs the fake app has (fakes/nextjs/), read from
// the request and the environment. Imported only by API routes and getServerSideProps, so Next keeps
// it (and `os`) out of the client bundle.
import os from 'os';

// X-Bluegreen-Delay-Ms: delays a response by N scenario milliseconds after its route ran, capped as
// the fake caps it (next_session.cc kMaxDelayMs).
export const DELAY_HEADER = 'x-bluegreen-delay-ms';
const MAX_DELAY_MS = 10 * 60 * 1000;

// The fake's 404 body (next_routes.cc render_route, Route::not_found), for the methods an API route
// does not serve. Unknown paths get Next's own 404 page instead.
const NOT_FOUND_HTML =
  '<!DOCTYPE html><html><head><title>404: This page could not be found</title></head><body>' +
  '<h1>404</h1><h2>This page could not be found.</h2></body></html>';

// A whole decimal number, else 0 (next_session.cc parse_u64: "12x", "-1" and "" are 0).
export function parseU64(text) {
  if (typeof text !== 'string' || !/^[0-9]+$/.test(text)) return 0;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : 0;
}

// Real seconds per scenario second (the harness's time_scale); 1 when unset or malformed.
function timeScale() {
  const s = Number(process.env.BLUEGREEN_TIME_SCALE);
  return Number.isFinite(s) && s > 0 ? s : 1;
}

export function delayHeaderMs(req) {
  return Math.min(parseU64(req.headers[DELAY_HEADER]), MAX_DELAY_MS);
}

// BLUEGREEN_API_LATENCY_MS: "N" or "MIN-MAX" scenario milliseconds, drawn uniformly per request like
// the fake's api_latency (next_process.cc draw_api_latency). Unset or malformed: 0.
export function apiLatencyMs() {
  const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(process.env.BLUEGREEN_API_LATENCY_MS || '');
  if (!m) return 0;
  const min = Number(m[1]);
  const max = Math.max(min, m[2] === undefined ? min : Number(m[2]));
  return min + Math.random() * (max - min);
}

export function sleepScenarioMs(ms) {
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms * timeScale()));
}

// The container's name, as the fake's X-Served-By and execution ids use it (spec.container).
export function containerName() {
  return process.env.BLUEGREEN_CONTAINER || os.hostname();
}

// <container>-<n>, n counting this process's POST handler runs from 1 (next_process.cc
// next_execution_id). On globalThis: each API route is its own bundle with its own module copies.
export function nextExecutionId() {
  globalThis.__bluegreenExecutions = (globalThis.__bluegreenExecutions || 0) + 1;
  return `${containerName()}-${globalThis.__bluegreenExecutions}`;
}

// One stdout line per POST handler run, for the harness to turn into the fake's `execution` event
// (next_session.cc serve: logged when the handler starts, before any delay).
export function logExecution(req, executionId) {
  console.log(`bluegreen execution request_id=${parseU64(req.headers['x-request-id'])} execution_id=${executionId}`);
}

export function sendNotFound(res) {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(NOT_FOUND_HTML);
}

// The whole request body as a Buffer (bodyParser is off so the echo is byte for byte), at most 1 MiB
// like the fake's parser (next_session.cc body_limit); null when larger.
export function readBody(req, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : null));
    req.on('error', reject);
  });
}
