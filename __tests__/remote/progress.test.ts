import { lastLine, pullLine, PullProgress, withoutRedraws } from '../../src/remote/progress.js';

/** `docker pull` on a terminal (Docker 20.10, as captured over ssh -tt): each layer's line redrawn in place. */
const redraw = (up: number, line: string): string => `\x1b[${up}A\x1b[2K\r${line}\r\x1b[${up}B`;
const PULL = [
  'large: Pulling from hello\r\n\r\n',
  `${redraw(1, '4c902a3b68ec: Already exists ')}\r\n`,
  `${redraw(1, '36356066ed85: Pulling fs layer ')}\r\n`,
  `${redraw(1, 'c004be8e794d: Pulling fs layer ')}`,
  redraw(1, 'c004be8e794d: Downloading  539.1kB/100MB'),
  redraw(2, '36356066ed85: Downloading  23.63MB/100MB'),
  redraw(1, 'c004be8e794d: Downloading  62.66MB/100MB'),
];

describe('the progress of a pull', () => {
  test('layers done of all, and the bytes of those Docker sized, as the output comes (a line may be cut between chunks)', () => {
    const progress = new PullProgress();
    expect(pullLine(progress.state)).toBe('waiting for the registry');
    const text = PULL.join('');
    // Fed in pieces that cut lines and escapes alike.
    for (let i = 0; i < text.length; i += 7) progress.feed(text.slice(i, i + 7));
    expect(progress.state).toEqual({ layers: 3, done: 1, bytes: 23_630_000 + 62_660_000, totalBytes: 200_000_000 });
    expect(pullLine(progress.state)).toBe('1/3 layers, 86.3 MB of 200.0 MB');

    progress.feed(redraw(1, 'c004be8e794d: Verifying Checksum ') + redraw(1, 'c004be8e794d: Download complete '));
    progress.feed(redraw(2, '36356066ed85: Extracting  17.27MB/100MB'));
    expect(progress.state).toMatchObject({ done: 1, bytes: 200_000_000 });
    progress.feed(
      `${redraw(2, '36356066ed85: Pull complete ')}${redraw(1, 'c004be8e794d: Pull complete ')}\r\nDigest: sha256:ab\r\n`,
    );
    expect(pullLine(progress.state)).toBe('3/3 layers, 200.0 MB of 200.0 MB');
  });

  test('sizes in every unit Docker prints', () => {
    const progress = new PullProgress();
    progress.feed('aaaaaaaaaaaa: Downloading  512B/1.049kB\nbbbbbbbbbbbb: Downloading  1.5GB/2GB\n');
    expect(progress.state).toMatchObject({ bytes: 512 + 1.5e9, totalBytes: 1049 + 2e9 });
  });

  test("a terminal's output as lines, and its last one", () => {
    expect(
      withoutRedraws(`${redraw(1, 'a: Pull complete ')}\r\n\r\nError response from daemon: manifest unknown\r\n`),
    ).toBe('a: Pull complete\nError response from daemon: manifest unknown');
    expect(lastLine('Migrating 0041\nMigrating 0042_add_index\n\n')).toBe('Migrating 0042_add_index');
    expect(lastLine('')).toBeUndefined();
  });
});
