/**
 * Citizens choose the paying city by its name (issue 21): web/agencies.js lists the city agencies the database has
 * (migration 20261127000100_liaoning_agencies, Art. 5, 39), with the same codes and names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const web = (await import(pathToFileURL(join(ROOT, 'web/agencies.js')).href)) as {
  CITIES: [string, string][];
  cityName(code: string): string;
};

it('lists every city agency of the reference data by its city name, and names a county by its city (Art. 5, 39)', () => {
  const sql = readFileSync(join(ROOT, 'prisma/migrations/20261127000100_liaoning_agencies/migration.sql'), 'utf8');
  const cities = [...sql.matchAll(/\('(\d{6})', '(\S+?)失业保险经办机构', 'city'/g)].map((m) => [m[1], m[2]]);
  expect(cities).toHaveLength(14);
  expect(web.CITIES).toEqual(cities);
  expect(web.cityName('210102')).toBe('沈阳市');
  expect(web.cityName('211400')).toBe('葫芦岛市');
  expect(web.cityName('210000')).toBe('辽宁省');
});
