// Reading a private key the way the SSH connection will, to check the input before connecting.
// ssh2 is loaded only when there is a key to read: a step that stops at its inputs need not load it
// (docs/architecture.md, "Start-up").
import type { ParsedKey } from 'ssh2';

/** ssh2's parser: the key, or why it cannot be read (an Error, returned rather than thrown). An
 * OpenSSH file gives an array (it may hold several keys), which @types/ssh2 does not say. */
export type ParseKey = (key: string, passphrase?: string) => ParsedKey | ParsedKey[] | Error;

export async function loadKeyParser(): Promise<ParseKey> {
  // ssh2 is CommonJS: a named import works only once bundled, the default one everywhere (tsx too).
  const { default: ssh2 } = await import('ssh2');
  return (key, passphrase) => ssh2.utils.parseKey(key, passphrase);
}
