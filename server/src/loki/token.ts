// Bearer token from INTERFLOW_LOKI_TOKEN_FILE, re-read when the file changes (service
// account tokens are rotated by the kubelet).
import { readFile, stat } from 'node:fs/promises';

export class TokenFile {
  private cached: { mtimeMs: number; size: number; token: string } | undefined;

  constructor(readonly path: string) {}

  async token(): Promise<string> {
    const st = await stat(this.path);
    if (!this.cached || this.cached.mtimeMs !== st.mtimeMs || this.cached.size !== st.size) {
      const token = (await readFile(this.path, 'utf8')).trim();
      if (!token) throw new Error(`${this.path} is empty`);
      if (/[\r\n]/.test(token)) throw new Error(`${this.path} holds more than one line`);
      this.cached = { mtimeMs: st.mtimeMs, size: st.size, token };
    }
    return this.cached.token;
  }
}
