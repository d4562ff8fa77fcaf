// GET|HEAD / : 200 HTML naming the build (fake: next_routes.cc render_route, Route::page). Rendered per
// request (getServerSideProps) so that the delay header holds it in flight like the fake's page.
// The /_next/static/<buildId>/ files it references are Next's own: _buildManifest.js and
// _ssgManifest.js (plus content-hashed /_next/static/chunks/ files); see README.md.
import Head from 'next/head';
import { delayHeaderMs, sleepScenarioMs } from '../lib/bluegreen';

export default function Home({ buildId }) {
  return (
    <>
      <Head>
        <title>bluegreen</title>
      </Head>
      <p>{`build ${buildId}`}</p>
    </>
  );
}

export async function getServerSideProps({ req }) {
  // The fake routes only GET and HEAD to the page; anything else is its 404 (next_routes.cc route_of).
  if (req.method !== 'GET' && req.method !== 'HEAD') return { notFound: true };
  await sleepScenarioMs(delayHeaderMs(req));
  return { props: { buildId: process.env.BLUEGREEN_BUILD_ID } };
}
