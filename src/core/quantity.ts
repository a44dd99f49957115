// Kubernetes resource.Quantity, compared by value: `1000m` == `1`, `0.5` == `500m`, `1Gi` == `1073741824`,
// `1e3` == `1k`. Exact (BigInt fractions), so `0.1` vs `100m` never suffers float rounding.
// Grammar (k8s.io/apimachinery/pkg/api/resource): sign? digits[.digits] then a binary-SI suffix
// (Ki Mi Gi Ti Pi Ei), a decimal-SI suffix (n u m "" k M G T P E) or a decimal exponent (e/E±N).

export interface QuantityValue {
  /** value = num / den, den > 0 */
  num: bigint;
  den: bigint;
}

const QTY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BIN: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
/** Exponents beyond this are not real quantities; refusing them keeps BigInt maths bounded. */
const MAX_EXP = 400;

/** Parse a quantity (string or number, as YAML may give `cpu: 1`); undefined when it is not one. */
export function parseQuantity(v: unknown): QuantityValue | undefined {
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    s = String(v);
  } else if (typeof v === 'string') {
    s = v.trim();
  } else return undefined;
  const m = QTY.exec(s);
  if (!m) return undefined;
  const [, sign, digits, suffix] = m as unknown as [string, string, string, string | undefined];
  const dot = digits.indexOf('.');
  const intPart = dot < 0 ? digits : digits.slice(0, dot);
  const frac = dot < 0 ? '' : digits.slice(dot + 1);
  let num = BigInt((intPart || '0') + frac);
  let exp10 = -frac.length;
  let exp2 = 0;
  if (suffix) {
    if (suffix in BIN) exp2 = BIN[suffix]!;
    else if (suffix in DEC) exp10 += DEC[suffix]!;
    else {
      const e = Number.parseInt(suffix.slice(1), 10);
      if (Math.abs(e) > MAX_EXP) return undefined;
      exp10 += e;
    }
  }
  if (sign === '-') num = -num;
  let den = 1n;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den = 10n ** BigInt(-exp10);
  num *= 2n ** BigInt(exp2);
  return { num, den };
}

export function quantitiesEqual(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x.num * y.den === y.num * x.den;
}
