import { describe, expect, it } from 'vitest';
import { dependencyOutage } from '../../api/errors';

describe('dependency outages become 503 with Retry-After', () => {
  it('maps gRPC UNAVAILABLE from Temporal', () => {
    const err = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      name: 'ServiceError',
    });
    expect(dependencyOutage(err)).toMatchObject({
      status: 503,
      code: 'temporal_unavailable',
      headers: { 'Retry-After': '5' },
    });
  });

  it('maps a refused PostgreSQL connection, also when wrapped', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(dependencyOutage(new Error('query failed', { cause: inner }))).toMatchObject({
      status: 503,
      code: 'database_unavailable',
    });
  });

  it("maps pg's own errors of the reads that bypass Prisma: no connection free in time, a dropped connection", () => {
    for (const message of [
      'timeout exceeded when trying to connect',
      'Connection terminated unexpectedly',
      'Client has encountered a connection error and is not queryable',
    ]) {
      expect(dependencyOutage(new Error(message)), message).toMatchObject({
        status: 503,
        code: 'database_unavailable',
      });
    }
  });

  it('leaves other errors alone (they are bugs: 500)', () => {
    expect(dependencyOutage(new TypeError('x is undefined'))).toBeUndefined();
  });
});
