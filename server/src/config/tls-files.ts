// The serving certificate and key (INTERFLOW_TLS_CERT_FILE / INTERFLOW_TLS_KEY_FILE), loaded
// when the app is built. A file that is not a certificate or key, or a key that does not fit
// the certificate, is a ConfigError naming the variable rather than an OpenSSL stack trace.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../errors.ts';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

const why = (e: unknown): string => (e as Error).message;

export function loadTlsFiles(
  certFile: string,
  keyFile: string,
  minVersion: TlsFiles['minVersion'] = 'TLSv1.3',
): TlsFiles {
  const cert = readFileSync(certFile);
  const key = readFileSync(keyFile);
  try {
    new X509Certificate(cert);
  } catch (e) {
    throw new ConfigError('INTERFLOW_TLS_CERT_FILE', `${certFile} holds no PEM certificate: ${why(e)}`);
  }
  try {
    createPrivateKey(key);
  } catch (e) {
    throw new ConfigError('INTERFLOW_TLS_KEY_FILE', `${keyFile} holds no private key: ${why(e)}`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new ConfigError('INTERFLOW_TLS_KEY_FILE', `${keyFile} does not fit ${certFile}: ${why(e)}`);
  }
  return { cert, key, minVersion };
}
