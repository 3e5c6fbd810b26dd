// A small file (bearer token, CA bundle) that is re-read when it changes. Kubernetes rotates
// projected service account tokens and service CA bundles by swapping a `..data` symlink,
// which changes the inode behind the path; a plain rewrite changes size or mtime. One stat()
// per push is cheap next to the push itself, and unlike fs.watch it cannot miss a symlink swap.
import { readFile, stat } from 'node:fs/promises';

export class WatchedFile {
  private signature: string | undefined;
  private content: string | undefined;

  constructor(
    readonly path: string,
    private readonly onReadError: (error: Error) => void = () => {},
  ) {}

  /**
   * The current content. Throws only when the file has never been read successfully; after
   * that a failed re-read (a rotation caught half-way) keeps the last good content.
   */
  async read(): Promise<string> {
    try {
      const st = await stat(this.path);
      const signature = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
      if (signature !== this.signature || this.content === undefined) {
        this.content = await readFile(this.path, 'utf8');
        this.signature = signature;
      }
    } catch (e) {
      if (this.content === undefined) throw e;
      this.onReadError(e as Error);
    }
    return this.content;
  }

  /** Forget the signature so the next read() goes to the disk (e.g. after a 401). */
  invalidate(): void {
    this.signature = undefined;
  }
}
