// Decode the Kubernetes protobuf envelope (`k8s\0` + runtime.Unknown{typeMeta, raw, contentEncoding,
// contentType}) that kubectl's typed commands POST, into the JSON object the API server would see.
// Go's JSON drops zero-valued omitempty fields, so zero scalars and empty messages are dropped here
// too, except pointer fields (a present `replicas: 0` or `emptyDir: {}` means something).
import type { KubeObject } from '../../../src/core/model/object.ts';
import { MergeError } from '../merge/errors.ts';
import { Reader, WireType, WireError } from './wire.ts';
import { MESSAGES, TOP_LEVEL, parseField, type FieldSpec } from './schema.ts';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];
const utf8 = new TextDecoder('utf-8');

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Split the `k8s\0` envelope. */
export function readEnvelope(body: Uint8Array): Envelope {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) {
    throw new MergeError(400, 'BadRequest', 'protobuf body does not start with the k8s\\0 magic prefix');
  }
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '', contentType: '' };
  wrap(() => {
    const r = new Reader(body, 4);
    while (!r.done()) {
      const { field, wire } = r.tag();
      if (wire !== WireType.Bytes) { r.skip(wire); continue; }
      const b = r.bytes();
      if (field === 1) {
        const t = new Reader(b);
        while (!t.done()) {
          const tag = t.tag();
          if (tag.wire !== WireType.Bytes) { t.skip(tag.wire); continue; }
          const s = utf8.decode(t.bytes());
          if (tag.field === 1) env.apiVersion = s;
          else if (tag.field === 2) env.kind = s;
        }
      } else if (field === 2) env.raw = b;
      else if (field === 3) env.contentEncoding = utf8.decode(b);
      else if (field === 4) env.contentType = utf8.decode(b);
    }
  });
  return env;
}

export function decodeKubeProtobuf(body: Buffer | Uint8Array): KubeObject {
  const env = readEnvelope(body);
  if (env.contentEncoding) throw new MergeError(415, 'UnsupportedMediaType', `unsupported protobuf content encoding ${JSON.stringify(env.contentEncoding)}`);
  const group = env.apiVersion;
  const message = TOP_LEVEL[`${group}/${env.kind}`];
  if (!message) {
    throw new MergeError(415, 'UnsupportedMediaType', `protobuf decoding of ${env.kind} (${env.apiVersion}) is not supported; send application/json`);
  }
  const decoded = wrap(() => decodeMessage(env.raw, message));
  return { apiVersion: env.apiVersion, kind: env.kind, metadata: {}, ...decoded } as KubeObject;
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WireError) throw new MergeError(400, 'BadRequest', `malformed protobuf body: ${e.message}`);
    throw e;
  }
}

const parsedTables = new Map<string, Map<number, FieldSpec>>();
function table(message: string): Map<number, FieldSpec> {
  let t = parsedTables.get(message);
  if (!t) {
    const src = MESSAGES[message];
    if (!src) throw new Error(`no protobuf table for ${message}`);
    t = new Map(Object.entries(src).map(([n, spec]) => [Number(n), parseField(spec)]));
    parsedTables.set(message, t);
  }
  return t;
}

type Obj = Record<string, unknown>;

export function decodeMessage(buf: Uint8Array, message: string): Obj {
  const fields = table(message);
  const out: Obj = {};
  const r = new Reader(buf);
  while (!r.done()) {
    const { field, wire } = r.tag();
    const spec = fields.get(field);
    if (!spec) { r.skip(wire); continue; }
    if (spec.inline) {
      if (wire !== WireType.Bytes) { r.skip(wire); continue; }
      Object.assign(out, decodeMessage(r.bytes(), spec.type));
      continue;
    }
    if (spec.type.startsWith('map')) {
      if (wire !== WireType.Bytes) { r.skip(wire); continue; }
      const [k, v] = mapEntry(r.bytes(), spec.type);
      const m = (out[spec.name] ??= {}) as Obj;
      m[k] = v;
      continue;
    }
    if (spec.repeated && wire === WireType.Bytes && (spec.type === 'int' || spec.type === 'bool')) {
      // packed scalars
      const p = new Reader(r.bytes());
      const list = (out[spec.name] ??= []) as unknown[];
      while (!p.done()) list.push(scalar(p, WireType.Varint, spec.type));
      continue;
    }
    const value = readValue(r, wire, spec);
    if (value === SKIPPED) continue;
    if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(value);
    else out[spec.name] = value;
  }
  for (const [, spec] of fields) {
    if (spec.inline || !(spec.name in out)) continue;
    if (!spec.pointer && isZero(out[spec.name])) delete out[spec.name];
  }
  return out;
}

const SKIPPED = Symbol('skipped');

function readValue(r: Reader, wire: WireType, spec: FieldSpec): unknown {
  switch (spec.type) {
    case 'string':
    case 'bytes':
    case 'int':
    case 'bool':
      return scalar(r, wire, spec.type);
    default:
      if (wire !== WireType.Bytes) { r.skip(wire); return SKIPPED; }
      return special(r.bytes(), spec.type);
  }
}

function scalar(r: Reader, wire: WireType, type: string): unknown {
  if (type === 'string' || type === 'bytes') {
    if (wire !== WireType.Bytes) { r.skip(wire); return SKIPPED; }
    const b = r.bytes();
    return type === 'string' ? utf8.decode(b) : Buffer.from(b).toString('base64');
  }
  if (wire !== WireType.Varint) { r.skip(wire); return SKIPPED; }
  const v = r.varint();
  return type === 'bool' ? v !== 0n : Number(v);
}

/** Messages with a custom JSON form: Time, Quantity, IntOrString. */
function special(b: Uint8Array, type: string): unknown {
  switch (type) {
    case 'Time': {
      const f = fieldsOf(b);
      const secs = Number(f.get(1) ?? 0n);
      // metav1.Time marshals to RFC 3339 with second precision; the zero time is null (dropped)
      return secs === 0 ? null : new Date(secs * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'Quantity':
      return fieldsOf(b).get(1) ?? '';
    case 'IntOrString': {
      const f = fieldsOf(b);
      return Number(f.get(1) ?? 0n) === 1 ? (f.get(3) ?? '') : Number(f.get(2) ?? 0n);
    }
    default:
      return decodeMessage(b, type);
  }
}

/** Scalar fields of a small message: varints as bigint, bytes as strings. */
function fieldsOf(b: Uint8Array): Map<number, bigint | string> {
  const out = new Map<number, bigint | string>();
  const r = new Reader(b);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (wire === WireType.Varint) out.set(field, r.varint());
    else if (wire === WireType.Bytes) out.set(field, utf8.decode(r.bytes()));
    else r.skip(wire);
  }
  return out;
}

function mapEntry(b: Uint8Array, type: string): [string, unknown] {
  let key = '';
  let value: unknown = type === 'map<bytes>' ? '' : '';
  const r = new Reader(b);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (wire !== WireType.Bytes) { r.skip(wire); continue; }
    const raw = r.bytes();
    if (field === 1) key = utf8.decode(raw);
    else if (field === 2) {
      value = type === 'map<bytes>' ? Buffer.from(raw).toString('base64') : type === 'map<Quantity>' ? special(raw, 'Quantity') : utf8.decode(raw);
    }
  }
  return [key, value];
}

function isZero(v: unknown): boolean {
  if (v === '' || v === 0 || v === false || v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}
