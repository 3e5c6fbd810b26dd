// Cache and security headers for the web build and every other answer.
import { basename } from 'node:path';

/** webpack names hashed files `[name].[contenthash].js` (and assets `[name].[contenthash][ext]`). */
const HASHED = /\.[0-9a-f]{8,}\.[A-Za-z0-9]+$/;
const ENTRY_FILES = new Set(['index.html', 'plugin-manifest.json', 'plugin-entry.js']);

export function cacheControlFor(path: string): string {
  const name = basename(path);
  if (!ENTRY_FILES.has(name) && HASHED.test(name)) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

/**
 * CSP of the standalone page: only our own scripts; inline styles are allowed because
 * PatternFly and the style loader insert <style> elements; frame-ancestors from configuration
 * (the console loads the plugin's scripts, not this page, so 'self' is the safe default).
 */
export function contentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

export const COMMON_SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
