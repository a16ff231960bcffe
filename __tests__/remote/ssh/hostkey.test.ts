import { createHmac, randomBytes } from 'node:crypto';
import {
  entryMatchesHost,
  fingerprintOf,
  keyTypeOf,
  KnownHostsError,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
  verifyHostKey,
} from '../../../src/remote/ssh/hostkey.js';

function blob(type: string, body: Buffer): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, body]);
}

const ed = blob('ssh-ed25519', randomBytes(36));
const rsa = blob('ssh-rsa', randomBytes(100));
const other = blob('ssh-ed25519', randomBytes(36));

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

test('fingerprints are OpenSSH SHA256: unpadded base64', () => {
  expect(fingerprintOf(ed)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  expect(keyTypeOf(rsa)).toBe('ssh-rsa');
});

test('parses plain, hashed, [host]:port, wildcard and negated entries with comments', () => {
  const text = [
    '# a comment',
    `deploy.example.com,10.0.0.5 ssh-ed25519 ${ed.toString('base64')} root@host`,
    `${hashed('[secret.example.com]:2222')} ssh-rsa ${rsa.toString('base64')}`,
    `*.internal,!db.internal ssh-ed25519 ${other.toString('base64')}`,
    '',
  ].join('\n');
  const entries = parseKnownHosts(text);
  expect(entries).toHaveLength(3);
  expect(entryMatchesHost(entries[0], '10.0.0.5', 22)).toBe(true);
  expect(entryMatchesHost(entries[0], '10.0.0.5', 2222)).toBe(false);
  expect(entryMatchesHost(entries[1], 'secret.example.com', 2222)).toBe(true);
  expect(entryMatchesHost(entries[1], 'secret.example.com', 22)).toBe(false);
  expect(entryMatchesHost(entries[2], 'web.internal', 22)).toBe(true);
  expect(entryMatchesHost(entries[2], 'db.internal', 22)).toBe(false);
});

test('refuses a line whose key does not decode as its type', () => {
  expect(() => parseKnownHosts(`h ssh-rsa ${ed.toString('base64')}`)).toThrow(KnownHostsError);
});

test('verifies against known-hosts or fingerprints, fails closed otherwise', () => {
  const pins = { knownHosts: parseKnownHosts(`[h]:2222 ssh-ed25519 ${ed.toString('base64')}`), fingerprints: [] };
  expect(verifyHostKey(pins, 'h', 2222, ed)).toEqual({ ok: true });
  expect(verifyHostKey(pins, 'h', 2222, other).ok).toBe(false);
  expect(verifyHostKey(pins, 'elsewhere', 22, ed)).toEqual({
    ok: false,
    reason: 'known-hosts has no line for elsewhere',
  });
  expect(verifyHostKey({ knownHosts: [], fingerprints: [fingerprintOf(other)] }, 'h', 22, other)).toEqual({ ok: true });
  const revoked = {
    knownHosts: parseKnownHosts(
      `@revoked h ssh-ed25519 ${ed.toString('base64')}\nh ssh-ed25519 ${ed.toString('base64')}`,
    ),
    fingerprints: [],
  };
  expect(verifyHostKey(revoked, 'h', 22, ed).ok).toBe(false);
});

test('offers pinned key types first', () => {
  const pins = { knownHosts: parseKnownHosts(`h ssh-rsa ${rsa.toString('base64')}`), fingerprints: [] };
  expect(preferredHostKeyAlgorithms(pins, 'h', 22)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  expect(preferredHostKeyAlgorithms({ knownHosts: [], fingerprints: ['SHA256:x'] }, 'h', 22)).toBeUndefined();
});
