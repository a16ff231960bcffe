// Values from the server are shown, never obeyed as workflow commands.
import { printable } from '../../src/remote/printable.js';

test.each([
  [
    'a lock holder with a workflow command on a new line',
    'acme/web run 9\n::add-mask::x',
    'acme/web run 9\n\u200b::add-mask::x',
  ],
  ['a carriage return hiding one', 'run 9\r::set-output name=port::1', 'run 9\\x0d::set-output name=port::1'],
  [
    "indented, and the runner's old syntax, which counts anywhere in a line",
    '  ::stop-commands::t\n##[group]x held by y ##[add-mask]z',
    '  \u200b::stop-commands::t\n##\u200b[group]x held by y ##\u200b[add-mask]z',
  ],
  ['an escape sequence and a NUL', 'web\u001b[31m\u0000', 'web\\x1b[31m\\x00'],
  ['ordinary text with tabs and colons', 'key=127.0.0.1:20001\tserving: web', 'key=127.0.0.1:20001\tserving: web'],
])('%s', (_what, text, shown) => {
  expect(printable(text)).toBe(shown);
});
