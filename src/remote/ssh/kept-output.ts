// What a command's output keeps on the runner: at most `limit` bytes of a stream,
// the last ones. node-ssh keeps all of it, and a chatty release command (or a
// huge file on the server) could run the runner out of memory mid-deploy.

export class KeptOutput {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Whole chunks go while the rest still holds `limit` bytes; bytes() cuts what remains over it.
    while (this.chunks.length > 1 && this.size - this.chunks[0].length >= this.limit) {
      const first = this.chunks.shift() as Buffer;
      this.size -= first.length;
      this.dropped += first.length;
    }
  }

  /** The bytes that came and are not kept (from the start of the stream). */
  get cut(): number {
    return this.dropped + Math.max(this.size - this.limit, 0);
  }

  /** The last `limit` bytes. */
  bytes(): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(all.length - this.limit, 0));
  }
}
