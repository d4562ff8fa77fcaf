// The bluegreen test app's Next.js configuration, shared by every version folder (build.sh copies it
// next to that version's package.json). Only keys that 12.2.5, 13.4.19 and 14.1.0 all read:
//   output: 'standalone'  12.2 already reads it and warns that experimental.outputStandalone "has
//                         been renamed" (next@12.2.5 dist/server/config.js:454-456).
//   generateBuildId       a string is used as is (trimmed), null means a random id
//                         (dist/build/generate-build-id.js in all three).
//   env                   inlined at build time into server and client bundles: the routes name
//                         their build without reading .next/BUILD_ID at run time.
// A function config, so that `next start` (which loads this file again, in the server phase) does
// not need BLUEGREEN_BUILD_ID: only the build does.
const PHASE_PRODUCTION_BUILD = 'phase-production-build';

module.exports = (phase) => {
  const buildId = process.env.BLUEGREEN_BUILD_ID;
  if (phase === PHASE_PRODUCTION_BUILD && !/^[A-Za-z0-9._-]+$/.test(buildId || '')) {
    // A random id would make builds unreproducible and the routes' X-Build-Id meaningless.
    throw new Error(
      `BLUEGREEN_BUILD_ID must be set to the build id (letters, digits, '.', '_', '-'), got '${buildId || ''}'`
    );
  }
  return {
    output: 'standalone',
    generateBuildId: async () => buildId || null,
    env: { BLUEGREEN_BUILD_ID: buildId || '' },
    // No ESLint in the lock files: skip the lint step instead of warning about it.
    eslint: { ignoreDuringBuilds: true },
  };
};
