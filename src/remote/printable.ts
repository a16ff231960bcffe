// What a server, Redis or an image says reaches the runner's log: GitHub takes a line that starts
// with "::" as a workflow command (::add-mask::, ::set-output, ::stop-commands::), and the old
// form "##[command]" anywhere in a line. Control characters are shown escaped, a line's leading
// "::" and every "##[" are broken, so a value read from the server is only ever shown, never obeyed.
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text
    .replace(CONTROL, (c) => (c === '\t' ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
    .split('\n')
    .map((line) => line.replace(/^(\s*)::/, '$1\u200b::').replace(/##\[/g, '##\u200b['))
    .join('\n');
}
