// The city agencies of Liaoning (Art. 5, 39), as citizens know them: by the city's name. Each pays its own
// beneficiaries; a claim names one by its administrative division code (GB/T 2260), which a person should not have to
// know. The list is the reference data of migration 20261127000100_liaoning_agencies (test/unit/web-agencies.test.ts
// keeps the two the same).

export const CITIES = [
  ['210100', '沈阳市'],
  ['210200', '大连市'],
  ['210300', '鞍山市'],
  ['210400', '抚顺市'],
  ['210500', '本溪市'],
  ['210600', '丹东市'],
  ['210700', '锦州市'],
  ['210800', '营口市'],
  ['210900', '阜新市'],
  ['211000', '辽阳市'],
  ['211100', '盘锦市'],
  ['211200', '铁岭市'],
  ['211300', '朝阳市'],
  ['211400', '葫芦岛市'],
];

/** 210100 → 沈阳市; a county code → its city; the province → 辽宁省; anything else as it is. */
export function cityName(code) {
  if (!code) return '';
  if (code === '210000') return '辽宁省';
  const city = `${String(code).slice(0, 4)}00`;
  return CITIES.find(([c]) => c === city)?.[1] ?? String(code);
}
