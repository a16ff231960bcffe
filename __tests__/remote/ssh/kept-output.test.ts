import { KeptOutput } from '../../../src/remote/ssh/kept-output.js';

describe('what a command keeps of its output', () => {
  test('all of it while it fits', () => {
    const kept = new KeptOutput(10);
    kept.push(Buffer.from('abc'));
    kept.push(Buffer.from('defg'));
    expect(kept.bytes().toString()).toBe('abcdefg');
    expect(kept.cut).toBe(0);
  });

  test('the last bytes once it does not, and how many were cut', () => {
    const kept = new KeptOutput(10);
    for (let i = 0; i < 1000; i += 1) kept.push(Buffer.from(`line ${i}\n`));
    expect(kept.bytes().toString()).toBe('\nline 999\n');
    expect(kept.cut).toBe(Buffer.byteLength(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join('')) - 10);
  });

  test('holds about the limit, not the stream: 50 MB in 32 KB chunks keep under 64 KB', () => {
    const kept = new KeptOutput(32 * 1024);
    const chunk = Buffer.alloc(32 * 1024, 'x');
    let most = 0;
    for (let i = 0; i < 1600; i += 1) {
      kept.push(chunk);
      most = Math.max(most, (kept as unknown as { size: number }).size);
    }
    expect(most).toBeLessThanOrEqual(64 * 1024);
    expect(kept.bytes().length).toBe(32 * 1024);
  });
});
