/**
 * The web pages for clerks, supervisors and the public (issue 10): static files from `web/` at `/app/` (plain HTML and
 * ES modules, no build step) over the same JSON API with the session cookie, and the charting library from
 * node_modules. `/` leads to the sign-in page.
 */
import express, { Router } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const WEB_DIR = join(import.meta.dirname, '..', '..', 'web');
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

export function webRouter(): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect(302, '/app/'));
  router.get('/app/vendor/chart.umd.min.js', (_req, res) => {
    res.type('application/javascript').sendFile(CHART_JS, { maxAge: '1d' });
  });
  router.use(
    '/app',
    (_req, res, next) => {
      // The pages only talk to this server: no inline scripts, no other origins.
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
      );
      res.setHeader('X-Content-Type-Options', 'nosniff');
      next();
    },
    express.static(WEB_DIR, { index: 'index.html', extensions: ['html'], maxAge: 0 }),
  );
  return router;
}
