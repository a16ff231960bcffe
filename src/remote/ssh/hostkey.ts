// Host key pinning, pure: OpenSSH known_hosts lines (plain, hashed `|1|`,
// `[host]:port`, wildcards, @revoked) and `SHA256:` fingerprints.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHost {
  marker: '' | '@revoked' | '@cert-authority';
  patterns: string[];
  keyType: string;
  key: Buffer;
}

export class KnownHostsError extends Error {}

/** Parses known_hosts text; throws naming the line that is not one. */
export function parseKnownHosts(text: string): KnownHost[] {
  const entries: KnownHost[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const marker = fields[0].startsWith('@') ? (fields.shift() ?? '') : '';
    if (marker !== '' && marker !== '@revoked' && marker !== '@cert-authority') {
      throw new KnownHostsError(`line ${index + 1}: unknown marker ${marker}`);
    }
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) {
      throw new KnownHostsError(`line ${index + 1}: expected "HOSTS KEYTYPE BASE64KEY [comment]"`);
    }
    const key = Buffer.from(keyBase64, 'base64');
    if (keyTypeOf(key) !== keyType) {
      throw new KnownHostsError(`line ${index + 1}: the key does not decode as ${keyType}`);
    }
    entries.push({ marker, patterns: hosts.split(','), keyType, key });
  });
  return entries;
}

/** The algorithm name at the start of an SSH public key blob. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return '';
  const length = key.readUInt32BE(0);
  return length > 0 && length < 64 && key.length >= 4 + length ? key.subarray(4, 4 + length).toString('latin1') : '';
}

/** OpenSSH's `SHA256:` fingerprint: unpadded base64 of sha256 over the key blob. */
export function fingerprintOf(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function hostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatches(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function patternMatches(pattern: string, name: string): boolean {
  const hashed = /^\|1\|([^|]+)\|([^|]+)$/.exec(pattern);
  if (hashed) {
    const digest = createHmac('sha1', Buffer.from(hashed[1], 'base64')).update(name).digest('base64');
    return digest === hashed[2];
  }
  return globMatches(pattern, name);
}

/** OpenSSH semantics: a negated pattern that matches excludes the line. */
export function entryMatchesHost(entry: KnownHost, host: string, port: number): boolean {
  const name = hostName(host, port);
  let matched = false;
  for (const pattern of entry.patterns) {
    if (pattern.startsWith('!')) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) matched = true;
  }
  return matched;
}

export interface HostKeyPins {
  knownHosts: KnownHost[];
  fingerprints: string[];
}

export type HostKeyVerdict = { ok: true } | { ok: false; reason: string };

export function verifyHostKey(pins: HostKeyPins, host: string, port: number, offered: Buffer): HostKeyVerdict {
  const lines = pins.knownHosts.filter((e) => entryMatchesHost(e, host, port));
  if (lines.some((e) => e.marker === '@revoked' && e.key.equals(offered))) {
    return { ok: false, reason: 'the offered key is marked @revoked in known-hosts' };
  }
  if (lines.some((e) => e.marker === '' && e.key.equals(offered))) return { ok: true };
  if (pins.fingerprints.includes(fingerprintOf(offered))) return { ok: true };
  if (pins.knownHosts.length > 0 && lines.length === 0 && pins.fingerprints.length === 0) {
    return { ok: false, reason: `known-hosts has no line for ${hostName(host, port)}` };
  }
  return { ok: false, reason: 'the offered key matches neither known-hosts nor host-fingerprint' };
}

/** Host key algorithms to offer, pinned types first, as OpenSSH orders them. */
export function preferredHostKeyAlgorithms(pins: HostKeyPins, host: string, port: number): string[] | undefined {
  const types = pins.knownHosts.filter((e) => e.marker === '' && entryMatchesHost(e, host, port)).map((e) => e.keyType);
  if (types.length === 0 || pins.fingerprints.length > 0) return undefined;
  const algorithms = types.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
  return [...new Set(algorithms)];
}
