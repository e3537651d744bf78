/**
 * Seeded pseudo-randomness for the simulators: the same seed gives the same data on every machine and every run.
 * Every person, employer and fault stream draws from its own stream, keyed by (seed, kind, index), so data can be
 * made lazily in any order. Nothing here uses Math.random or the clock.
 */

/** 32-bit FNV-1a of a string, finished with the murmur3 mixer. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** murmur3's finaliser: a bijective 32-bit mix. */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a key and two numbers, for round functions and per-item streams. */
export function mix(key: number, a: number, b = 0): number {
  return fmix32(fmix32(key ^ Math.imul(a >>> 0, 0x9e3779b1)) ^ Math.imul((b >>> 0) + 0x7f4a7c15, 0x85ebca6b));
}

/** sfc32, seeded from four 32-bit words: fast and good enough for test data. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mix(seed, 1);
    this.b = mix(seed, 2);
    this.c = mix(seed, 3);
    this.d = mix(seed, 4);
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of choices) total += weight;
    let point = this.next() * total;
    for (const [value, weight] of choices) {
      point -= weight;
      if (point < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.int(0, 9));
    return out;
  }
}

/** The stream of one item: `streamFor(seed, 'person', 42)`. */
export function streamFor(seed: string, kind: string, index = 0): Rng {
  return new Rng(mix(hashString(`${seed}\u0000${kind}`), index));
}

/**
 * A seeded bijection of [0, size) onto itself (a 4-round Feistel network with cycle walking): it turns an index into
 * an identifier (a birth date and sequence number, an organisation code, an account number) and back again, so that
 * an identifier can be looked up without generating everything first. Works for sizes up to 2^52.
 */
export class Permutation {
  private readonly key: number;
  private readonly half: number;

  constructor(
    key: string,
    readonly size: number,
  ) {
    let bits = Math.max(2, Math.ceil(Math.log2(size)));
    if (bits % 2 === 1) bits++;
    this.half = 2 ** (bits / 2);
    this.key = hashString(key);
  }

  forward(index: number): number {
    let value = index;
    do value = this.encrypt(value);
    while (value >= this.size);
    return value;
  }

  inverse(value: number): number {
    let index = value;
    do index = this.decrypt(index);
    while (index >= this.size);
    return index;
  }

  private round(round: number, value: number): number {
    return mix(this.key, round, value) % this.half;
  }

  private encrypt(value: number): number {
    let left = Math.floor(value / this.half);
    let right = value % this.half;
    for (let r = 0; r < 4; r++) [left, right] = [right, (left + this.round(r, right)) % this.half];
    return left * this.half + right;
  }

  private decrypt(value: number): number {
    let left = Math.floor(value / this.half);
    let right = value % this.half;
    for (let r = 3; r >= 0; r--) [left, right] = [(right - this.round(r, left) + this.half) % this.half, left];
    return left * this.half + right;
  }
}
