/** Configuration of the sources from environment variables: defaults, per-system overrides, refusals. */
import { describe, expect, it } from 'vitest';
import { SourceConfigError, createSourceClients, parseSourceConfig } from '../../integrations/config';
import { SOURCE_NAMES } from '../../integrations/errors';

describe('source configuration', () => {
  it('points every system at its prefix of the simulators by default', () => {
    const config = parseSourceConfig({});
    for (const source of SOURCE_NAMES) {
      expect(config.sources[source]).toEqual({ baseUrl: `http://127.0.0.1:4010/${source}`, timeoutMs: 10_000 });
    }
    expect(config.bank).toEqual({ keyId: 'dev', key: undefined });
    const clients = createSourceClients(config);
    expect(Object.keys(clients).sort()).toEqual([...SOURCE_NAMES].sort());
  });

  it('takes per-system URLs, tokens and timeouts, and treats empty variables as unset', () => {
    const config = parseSourceConfig({
      SIMULATOR_URL: 'http://sim.internal:9000/',
      SOURCE_TAX_URL: 'https://tax.example.gov.cn/api/v1',
      SOURCE_TAX_TOKEN: 'token-from-vault',
      SOURCE_TIMEOUT_MS: '4000',
      SOURCE_SMS_TIMEOUT_MS: '1500',
      SOURCE_CIVIL_URL: '',
      BANK_SIGNING_KEY_ID: 'bank-2026',
      BANK_SIGNING_KEY: 'k'.repeat(40),
    });
    expect(config.sources.tax).toEqual({
      baseUrl: 'https://tax.example.gov.cn/api/v1',
      timeoutMs: 4000,
      token: 'token-from-vault',
    });
    expect(config.sources.sms).toEqual({ baseUrl: 'http://sim.internal:9000/sms', timeoutMs: 1500 });
    expect(config.sources.civil.baseUrl).toBe('http://sim.internal:9000/civil');
    expect(config.bank).toEqual({ keyId: 'bank-2026', key: 'k'.repeat(40) });
  });

  it('refuses bad values naming the variable, never echoing a secret', () => {
    expect(() => parseSourceConfig({ SOURCE_TIMEOUT_MS: 'soon' })).toThrow(SourceConfigError);
    expect(() => parseSourceConfig({ SOURCE_TIMEOUT_MS: 'soon' })).toThrow(/SOURCE_TIMEOUT_MS/);
    expect(() => parseSourceConfig({ SOURCE_HUKOU_URL: 'ftp://x' })).toThrow(/SOURCE_HUKOU_URL/);
    let message = '';
    try {
      parseSourceConfig({ BANK_SIGNING_KEY: 'short-secret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/BANK_SIGNING_KEY/);
    expect(message).not.toContain('short-secret');
  });
});
