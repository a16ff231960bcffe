import { execFileSync } from 'node:child_process';
import { shellCommand } from '../../src/remote/shell.js';

// Every value must reach the command as exactly one literal argument, as the
// server's shell (sh -c, what sshd runs) parses it.
const HOSTILE = [
  'plain',
  'with space',
  'semi;colon',
  'a && touch /tmp/pwned',
  '$(touch /tmp/pwned)',
  '`touch /tmp/pwned`',
  "single'quote",
  'double"quote',
  'new\nline',
  '--leading-dash',
  '-',
  '',
  '*',
  '~root',
  '#comment',
  'a|b',
  'x>y',
  '{port}',
  '{{json .}}',
  'back\\slash',
  '$HOME',
  "it's $(id)",
  'tab\there',
  '!bang',
  'ünïcödé',
];

test.each(HOSTILE.map((v) => [v]))('%j arrives as one literal argument', (value) => {
  const out = execFileSync('/bin/sh', ['-c', shellCommand(['printf', '%s\\0', value, 'end'])], { encoding: 'utf8' });
  expect(out.split('\0')).toEqual([value, 'end', '']);
});

test('an empty command is refused', () => {
  expect(() => shellCommand([])).toThrow('empty command');
});
