/**
 * HTTP requests from another client address: the loopback network is all of 127.0.0.0/8, so a request bound to
 * 127.0.0.2 reaches an API listening on 127.0.0.1 and is seen coming from 127.0.0.2 (sign-in is counted per client).
 */
import { request } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export function fetchFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? (payload ? 'POST' : 'GET'),
        localAddress,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** The `name=value` of a Set-Cookie header for `name`, to send back as a Cookie header. */
export function cookieFrom(headers: Answer['headers'], name: string): string | undefined {
  const set = headers['set-cookie'];
  const all = Array.isArray(set) ? set : set ? [set] : [];
  return all.map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`));
}
