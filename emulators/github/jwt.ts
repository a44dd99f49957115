// The app's JWT: RS256, signed with the app's private key, iss = app id, at most 10 minutes long.
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';

export function generateAppPrivateKey(): string {
  // PKCS#1 PEM, the format GitHub hands out for app keys.
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

export function publicKeyFor(privateKeyPem: string): KeyObject {
  return createPublicKey(privateKeyPem);
}

export type JwtResult = { ok: true; appId: string } | { ok: false; message: string };

/** Verifies like GitHub does, with the messages GitHub returns in its 401 bodies. */
export function verifyAppJwt(token: string, key: KeyObject, appId: number, nowSeconds = Math.floor(Date.now() / 1000)): JwtResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, message: 'A JSON web token could not be decoded' };
  let header: { alg?: string };
  let claims: { iss?: unknown; iat?: number; exp?: number };
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  if (header.alg !== 'RS256') return { ok: false, message: 'A JSON web token could not be decoded' };
  const good = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
  if (!good) return { ok: false, message: 'A JSON web token could not be decoded' };
  if (String(claims.iss) !== String(appId)) return { ok: false, message: "'Issuer' claim ('iss') must be an Integer" };
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return { ok: false, message: "Missing 'issued at' or 'expiration time' claim" };
  if (claims.exp <= nowSeconds) return { ok: false, message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
  if (claims.iat > nowSeconds + 60) return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  if (claims.exp - claims.iat > 600 + 60) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
  return { ok: true, appId: String(claims.iss) };
}
