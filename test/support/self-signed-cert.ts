// A throwaway TLS certificate for a test server on 127.0.0.1, made with openssl (Debian's, no
// package needed). Each call makes a new key, so two calls give two unrelated CAs (for CA
// rotation tests). The caller owns `dir` and removes it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SelfSignedCert {
  /** PEM texts, as `https.createServer` takes them. */
  key: string;
  cert: string;
  keyFile: string;
  /** The certificate is its own CA: give this file as the CA to trust. */
  certFile: string;
}

export function selfSignedCert(dir: string): SelfSignedCert {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    keyFile,
    certFile,
  };
}
