// POST /api/echo : 200 echoing the body and its Content-Type (text/plain; charset=utf-8 when absent),
// with X-Execution-Id: <container>-<n> (fake: next_routes.cc render_route Route::echo,
// next_session.cc serve/respond). The handler counts as executed when it starts, before the delay
// header and the API latency, so a request cut during the wait has still run (R09).
import {
  apiLatencyMs,
  delayHeaderMs,
  logExecution,
  nextExecutionId,
  readBody,
  sendNotFound,
  sleepScenarioMs,
} from '../../lib/bluegreen';

// The raw body, not Next's parsed JSON/form object: the echo is byte for byte.
export const config = { api: { bodyParser: false } };

export default async function echo(req, res) {
  if (req.method !== 'POST') {
    sendNotFound(res);
    return;
  }
  const body = await readBody(req);
  if (body === null) {
    // The fake drops the connection on a body over 1 MiB; the harness never sends one.
    res.statusCode = 413;
    res.end();
    return;
  }
  const executionId = nextExecutionId();
  logExecution(req, executionId);
  await sleepScenarioMs(delayHeaderMs(req) + apiLatencyMs());
  res.statusCode = 200;
  res.setHeader('Content-Type', req.headers['content-type'] || 'text/plain; charset=utf-8');
  res.setHeader('X-Execution-Id', executionId);
  res.setHeader('Content-Length', body.length); // as the fake's echo: no chunked framing
  res.end(body);
}
