/**
 * The pure API routers (no database, no Temporal) mounted on a small Express app with the project's error handling,
 * on an ephemeral port, called over real HTTP with fetch.
 */
import express, { type Router } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorHandler, notFoundHandler } from '../../../api/errors';

export interface RunningRouters {
  url: string;
  /** Unexpected errors the error handler saw (a 500 in a test is a bug). */
  unexpected: unknown[];
  close(): Promise<void>;
}

export async function serveRouters(...routers: Router[]): Promise<RunningRouters> {
  const unexpected: unknown[] = [];
  const app = express();
  app.use(express.json({ limit: '64kb', strict: true }));
  for (const router of routers) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler((err) => unexpected.push(err)));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    unexpected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** POST a JSON body; answers the status and the parsed body. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}
