// The test stack's confd stand-in must render the example template as confd
// (Go text/template) would: trim markers, comments, variables, if/else, funcs.
import { readFileSync } from 'node:fs';
import { render, TemplateError } from './template.js';

const example = readFileSync(
  new URL('../../../examples/host/confd/templates/app-upstream.conf.tmpl', import.meta.url),
  'utf8',
);
const KEY = '/nginx/upstream/app/port';

test('the example template: key unset -> an error, so confd keeps the upstream nginx serves', () => {
  expect(() => render(example, new Map())).toThrow(`key does not exist: ${KEY}`);
});

test('a template with a fallback renders it when the key is missing, as confd does', () => {
  const withFallback = '{{if exists "/k"}}server {{getv "/k"}};{{else}}server 127.0.0.1:65535 down;{{end}}';
  expect(render(withFallback, new Map())).toBe('server 127.0.0.1:65535 down;');
  expect(render(withFallback, new Map([['/k', '1']]))).toBe('server 1;');
});

test('the example template: a port or an address', () => {
  expect(render(example, new Map([[KEY, '49153']]))).toBe(
    'upstream app {\n    server 127.0.0.1:49153;\n    keepalive 16;\n}\n',
  );
  expect(render(example, new Map([[KEY, '10.1.2.3:49153']]))).toContain('    server 10.1.2.3:49153;\n');
});

test('getv with a default, exists, else if, pipelines and parentheses', () => {
  const store = new Map([['/a', 'x']]);
  expect(render('{{getv "/b" "dflt"}}', store)).toBe('dflt');
  expect(render('{{if exists "/b"}}1{{else if exists "/a"}}2{{else}}3{{end}}', store)).toBe('2');
  expect(render('{{"/a" | getv}}', store)).toBe('x');
  expect(render('{{if (contains (getv "/a") "x")}}yes{{end}}', store)).toBe('yes');
  expect(render('a  {{- /* gone */ -}}  b', store)).toBe('ab');
});

test('errors as confd reports them', () => {
  expect(() => render('{{getv "/missing"}}', new Map())).toThrow('key does not exist: /missing');
  expect(() => render('{{nosuch "x"}}', new Map())).toThrow('function "nosuch" not defined');
  expect(() => render('{{if exists "/a"}}x', new Map())).toThrow(TemplateError);
  expect(() => render('{{range gets "/a/*"}}{{end}}', new Map())).toThrow('not supported by this confd stand-in');
});
