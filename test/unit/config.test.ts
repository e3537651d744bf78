import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/env';

describe('configuration from the environment', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({
      API_PORT: 3000,
      TEMPORAL_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      PG_PORT: 5433,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TLS: false,
    });
    expect(cfg.DATABASE_URL).toBeUndefined();
    expect(cfg.TEMPORAL_ADDRESS).toBeUndefined();
  });

  it('parses values and treats empty strings as unset', () => {
    const cfg = loadConfig({
      API_PORT: '8080',
      TEMPORAL_TLS: 'true',
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      TEMPORAL_ADDRESS: '',
    });
    expect(cfg.API_PORT).toBe(8080);
    expect(cfg.TEMPORAL_TLS).toBe(true);
    expect(cfg.DATABASE_URL).toBe('postgresql://u:p@db:5432/x');
    expect(cfg.TEMPORAL_ADDRESS).toBeUndefined();
  });

  it.each([
    [{ API_PORT: 'eighty' }, /^Invalid configuration: API_PORT: .*\(got "eighty"\)$/],
    [{ API_PORT: '70000' }, /^Invalid configuration: API_PORT: /],
    [{ DATABASE_URL: 'mysql://x/y' }, /^Invalid configuration: DATABASE_URL: must be a postgresql:\/\/ URL/],
    [{ TEMPORAL_ADDRESS: 'temporal.example' }, /^Invalid configuration: TEMPORAL_ADDRESS: must be host:port/],
    [{ TEMPORAL_TLS: 'maybe' }, /^Invalid configuration: TEMPORAL_TLS: must be true or false/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL: /],
    [
      { TEMPORAL_TLS_CERT_PATH: '/x.pem' },
      /^Invalid configuration: TEMPORAL_TLS_CERT_PATH: must be set together with TEMPORAL_TLS_KEY_PATH$/,
    ],
  ])('refuses %o with one line naming the variable and the rule', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
