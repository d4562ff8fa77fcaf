// GET|HEAD /api/health : 200 {"status":"ok","buildId":"<id>"} (fake: next_routes.cc render_route,
// Route::health), after the delay header and the API latency (an API route pays it, next_routes.h
// is_api_route). There is no 503 {"status":"starting"}: a real server answers nothing before its
// handler is ready (README.md, "Start-up").
import { apiLatencyMs, delayHeaderMs, sendNotFound, sleepScenarioMs } from '../../lib/bluegreen';

export default async function health(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendNotFound(res);
    return;
  }
  await sleepScenarioMs(delayHeaderMs(req) + apiLatencyMs());
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ status: 'ok', buildId: process.env.BLUEGREEN_BUILD_ID }));
}
