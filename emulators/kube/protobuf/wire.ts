// A minimal protobuf wire-format reader: tags, varints (as int64), fixed32/64, length-delimited.
// Enough for Kubernetes' gogo-generated proto2 messages; malformed input throws WireError.

export class WireError extends Error {}

export const enum WireType { Varint = 0, Fixed64 = 1, Bytes = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 }

export class Reader {
  pos: number;
  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a signed 64-bit integer (int32 negatives are sign-extended on the wire). */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw new WireError('varint too long');
  }

  /** A varint that must fit a JS safe integer (lengths, tags). */
  uint(): number {
    const v = this.varint();
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WireError('length out of range');
    return Number(v);
  }

  tag(): { field: number; wire: WireType } {
    const t = this.uint();
    const field = Math.floor(t / 8);
    if (field === 0) throw new WireError('field number 0');
    return { field, wire: (t & 7) as WireType };
  }

  bytes(): Uint8Array {
    const len = this.uint();
    if (this.pos + len > this.end) throw new WireError('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  fixed(n: 4 | 8): Uint8Array {
    if (this.pos + n > this.end) throw new WireError('truncated fixed field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(wire: WireType): void {
    switch (wire) {
      case WireType.Varint: this.varint(); return;
      case WireType.Fixed64: this.fixed(8); return;
      case WireType.Bytes: this.bytes(); return;
      case WireType.Fixed32: this.fixed(4); return;
      case WireType.StartGroup:
        for (;;) {
          const t = this.tag();
          if (t.wire === WireType.EndGroup) return;
          this.skip(t.wire);
        }
      default:
        throw new WireError(`unsupported wire type ${wire as number}`);
    }
  }
}
