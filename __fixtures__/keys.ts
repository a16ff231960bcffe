// Real private keys for unit tests: inputs are checked by parsing the key.
import { generateKeyPairSync } from 'node:crypto';

const rsa = (passphrase?: string): string =>
  generateKeyPairSync('rsa', {
    modulusLength: 1024,
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem', ...(passphrase ? { cipher: 'aes-128-cbc', passphrase } : {}) },
  }).privateKey;

/** A PEM RSA key, and one encrypted with TEST_PASSPHRASE. */
export const TEST_KEY = rsa();
export const TEST_PASSPHRASE = 'correct horse battery staple';
export const TEST_ENCRYPTED_KEY = rsa(TEST_PASSPHRASE);
