// Parsers for configuration values (INTERFLOW_* variables of the agent and the backend), so
// both accept the same spellings. Each failure names the variable, so start-up stops with a
// message an operator can act on.

/** A bad INTERFLOW_* variable; start-up stops with this message (exit 2). */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `5s`, `2m`, `1h`, `7d`, or a bare number of seconds. */
export function parseDuration(variable: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new ConfigError(variable, `"${text}" is not a duration (examples: 500ms, 30s, 2m, 24h, 7d)`);
  const ms = Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? 's']!);
  if (ms <= 0) throw new ConfigError(variable, 'must be greater than zero');
  return ms;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** `1073741824`, `512MiB`, `2GB`, `10gib`. */
export function parseBytes(variable: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new ConfigError(variable, `"${text}" is not a size (examples: 1073741824, 512MiB, 2GB)`);
  }
  const n = Math.floor(Number(m[1]) * unit);
  if (n < 1024 * 1024) throw new ConfigError(variable, 'must be at least 1MiB');
  return n;
}

export function parseInteger(variable: string, text: string, min: number, max: number): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new ConfigError(variable, `"${text}" is not a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new ConfigError(variable, `${n} is outside ${min}..${max}`);
  return n;
}

/** A switch: true/false, 1/0, yes/no, on/off (any case). */
export function parseBoolean(variable: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off'].includes(t)) return false;
  throw new ConfigError(variable, `"${text}" is not a boolean (true or false)`);
}

export function parseHttpUrl(variable: string, text: string): string {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    throw new ConfigError(variable, `"${text}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ConfigError(variable, `"${text}" must be an http:// or https:// URL`);
  }
  if (u.search || u.hash) throw new ConfigError(variable, `"${text}" must not have a query or fragment`);
  return u.toString().replace(/\/+$/, '');
}

export function parseEnum<T extends string>(variable: string, text: string, allowed: readonly T[]): T {
  const t = text.trim() as T;
  if (!allowed.includes(t)) throw new ConfigError(variable, `"${text}" must be one of ${allowed.join(', ')}`);
  return t;
}
