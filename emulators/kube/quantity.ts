// Canonical form of resource.Quantity, as the API server writes it back (k8s.io/apimachinery
// pkg/api/resource: CanonicalizeBytes). Exact decimal arithmetic with bigint: value = n * 10^e.
// Rules: the input's suffix picks the format (binary Ki.., decimal m/k/M.., exponent e/E); values
// round up to nano precision; binary values below 1024 or non-integral print as decimal SI.

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const RE = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

interface Parsed { neg: boolean; n: bigint; e: number; format: Format }

export function parseQuantity(input: string | number): Parsed | undefined {
  const s = typeof input === 'number' ? numberText(input) : input.trim();
  const m = RE.exec(s);
  if (!m) return undefined;
  const [, sign, num, suffix = ''] = m;
  const [int, frac = ''] = num!.split('.');
  let n = BigInt((int || '0') + frac);
  let e = -frac.length;
  let format: Format = 'DecimalSI';
  if (suffix in BINARY) {
    n *= 1024n ** BigInt(BINARY[suffix]!);
    format = 'BinarySI';
  } else if (/^[eE]/.test(suffix)) {
    e += Number(suffix.slice(1));
    format = 'DecimalExponent';
  } else {
    e += DECIMAL[suffix]!;
  }
  return { neg: sign === '-' && n !== 0n, n, e, format };
}

function numberText(n: number): string {
  // JSON numbers (e.g. `cpu: 0.5`) arrive as numbers; their decimal text is the quantity.
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

/** Canonical string of a quantity, or the input unchanged when it is not a valid quantity. */
export function canonicalQuantity(input: string | number): string {
  const p = parseQuantity(input);
  if (!p) return String(input);
  let { n, e } = p;
  // Round up (away from zero) to nano precision, as Quantity does.
  if (e < -9) {
    const div = 10n ** BigInt(-9 - e);
    n = (n + div - 1n) / div;
    e = -9;
  }
  if (n === 0n) return '0';
  while (n % 10n === 0n) { n /= 10n; e++; }
  const sign = p.neg ? '-' : '';
  let format = p.format;
  if (format === 'BinarySI') {
    const integral = e >= 0;
    const value = integral ? n * 10n ** BigInt(e) : 0n;
    if (!integral || value < 1024n) format = 'DecimalSI';
    else {
      let k = 0;
      let v = value;
      while (k < 6 && v % 1024n === 0n) { v /= 1024n; k++; }
      return `${sign}${v}${BINARY_SUFFIX[k]}`;
    }
  }
  let exp = Math.floor(e / 3) * 3;
  if (exp > 18 && format === 'DecimalSI') exp = 18;
  const mantissa = n * 10n ** BigInt(e - exp);
  if (format === 'DecimalExponent') return `${sign}${mantissa}${exp === 0 ? '' : `e${exp}`}`;
  return `${sign}${mantissa}${DECIMAL_SUFFIX[exp]}`;
}

const QUANTITY_MAPS = new Set(['requests', 'limits', 'hard', 'capacity', 'allocatable', 'overhead', 'max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio', 'used']);

/**
 * Canonicalizes quantities in place at the places built-in kinds carry them: resource maps
 * (requests/limits/hard/capacity/... under objects), emptyDir.sizeLimit, and storage sizes.
 */
export function canonicalizeQuantities(value: unknown, parentKey = ''): void {
  if (Array.isArray(value)) { for (const v of value) canonicalizeQuantities(v, parentKey); return; }
  if (typeof value !== 'object' || value === null) return;
  const rec = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(rec)) {
    if (QUANTITY_MAPS.has(k) && v && typeof v === 'object' && !Array.isArray(v) && parentKey !== 'metadata') {
      const map = v as Record<string, unknown>;
      for (const [rk, rv] of Object.entries(map)) {
        if (typeof rv === 'string' || typeof rv === 'number') map[rk] = canonicalQuantity(rv);
      }
    } else if (k === 'sizeLimit' && (typeof v === 'string' || typeof v === 'number')) {
      rec[k] = canonicalQuantity(v);
    } else if (k !== 'metadata' || parentKey !== '') {
      canonicalizeQuantities(v, k);
    }
  }
}
