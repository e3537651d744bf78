/**
 * Security headers and cross-site request refusal (issue 12).
 *   - helmet: CSP (same-origin scripts; the API docs page's inline styles), no sniffing, no framing, no referrer
 *     leaks. The web pages under /app set their own, stricter CSP (api/web/router.ts).
 *   - Cookie sessions are SameSite=Strict; in addition a write that a browser sends from another site (its `Origin`
 *     is not this host, or `Sec-Fetch-Site: cross-site`) is refused before anything reads it, so a signed-in clerk's
 *     browser cannot be made to act (CSRF), nor to sign in as someone else (login CSRF). Requests with a bearer token
 *     are not sent by browsers on their own and are exempt; clients that are not browsers send no Origin.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { ApiError } from './errors';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'frame-ancestors': ["'none'"],
        // Served over plain HTTP inside the agency's network too: do not rewrite the page's requests to HTTPS.
        'upgrade-insecure-requests': null,
      },
    },
    frameguard: { action: 'deny' },
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const refuseCrossSiteWrites: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method) || req.headers.authorization?.startsWith('Bearer ')) return next();
  const origin = req.headers.origin;
  let foreign = req.headers['sec-fetch-site'] === 'cross-site';
  if (typeof origin === 'string') {
    try {
      foreign ||= origin === 'null' || new URL(origin).host !== req.headers.host;
    } catch {
      foreign = true;
    }
  }
  if (foreign) throw new ApiError(403, 'cross_site_request', '拒绝来自其他网站的请求');
  next();
};
