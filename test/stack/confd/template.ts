// The subset of Go text/template that confd templates use, with confd's
// semantics: `{{-`/`-}}` trim, comments, variables, if/else/end, pipelines and
// the functions getv (missing key without default is an error), exists and
// contains. Anything else fails loudly, as confd would on a bad template.

export type Store = ReadonlyMap<string, string>;
type Value = string | boolean;

interface Text {
  kind: 'text';
  text: string;
}
interface Action {
  kind: 'action';
  body: string;
}
type Piece = Text | Action;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'output'; expr: Expr }
  | { kind: 'assign'; name: string; expr: Expr }
  | { kind: 'if'; cond: Expr; then: Node[]; otherwise: Node[] };

type Expr =
  | { kind: 'literal'; value: string }
  | { kind: 'variable'; name: string }
  | { kind: 'call'; name: string; args: Expr[] };

export class TemplateError extends Error {}

function lex(source: string): Piece[] {
  const pieces: Piece[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      pieces.push({ kind: 'text', text: rest });
      break;
    }
    let text = rest.slice(0, open);
    let after = rest.slice(open + 2);
    if (/^- /.test(after) || after.startsWith('-\n') || after.startsWith('-\t')) {
      text = text.replace(/\s+$/, '');
      after = after.slice(1);
    }
    pieces.push({ kind: 'text', text });
    const close = findClose(after);
    if (close < 0) throw new TemplateError('unclosed action');
    let body = after.slice(0, close);
    rest = after.slice(close + 2);
    if (/ -$|\n-$|\t-$/.test(body)) {
      body = body.slice(0, -1);
      rest = rest.replace(/^\s+/, '');
    }
    pieces.push({ kind: 'action', body: body.trim() });
  }
  return pieces;
}

/** The index of the `}}` that closes an action, skipping quoted strings. */
function findClose(s: string): number {
  let quote = '';
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i];
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '}' && s[i + 1] === '}') return i;
  }
  return -1;
}

function tokenize(body: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|:=|\||\(|\)|\$?[A-Za-z_][A-Za-z0-9_]*|\$|[^\s()|]+)/gy;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) {
    tokens.push(m[1]);
    consumed = re.lastIndex;
  }
  if (body.slice(consumed).trim() !== '') throw new TemplateError(`cannot parse action {{${body}}}`);
  return tokens;
}

class ExprParser {
  private i = 0;
  constructor(
    private readonly tokens: string[],
    private readonly body: string,
  ) {}

  parsePipeline(): Expr {
    let expr = this.parseCommand();
    while (this.peek() === '|') {
      this.i += 1;
      const next = this.parseCommand();
      if (next.kind !== 'call') throw new TemplateError(`non-function after | in {{${this.body}}}`);
      expr = { kind: 'call', name: next.name, args: [...next.args, expr] };
    }
    return expr;
  }

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  private peek(): string | undefined {
    return this.tokens[this.i];
  }

  private parseCommand(): Expr {
    const first = this.parseOperand();
    const args: Expr[] = [];
    while (!this.done() && this.peek() !== '|' && this.peek() !== ')') args.push(this.parseOperand());
    if (first.kind === 'call') return { kind: 'call', name: first.name, args: [...first.args, ...args] };
    if (args.length > 0) throw new TemplateError(`can't give argument to non-function in {{${this.body}}}`);
    return first;
  }

  private parseOperand(): Expr {
    const token = this.tokens[this.i];
    this.i += 1;
    if (token === undefined) throw new TemplateError(`missing value in {{${this.body}}}`);
    if (token === '(') {
      const inner = this.parsePipeline();
      if (this.tokens[this.i] !== ')') throw new TemplateError(`unclosed ( in {{${this.body}}}`);
      this.i += 1;
      return inner;
    }
    if (token.startsWith('"')) return { kind: 'literal', value: JSON.parse(token) as string };
    if (token.startsWith('`')) return { kind: 'literal', value: token.slice(1, -1) };
    if (token.startsWith('$')) return { kind: 'variable', name: token };
    if (/^[A-Za-z_]\w*$/.test(token)) return { kind: 'call', name: token, args: [] };
    throw new TemplateError(`unexpected "${token}" in {{${this.body}}}`);
  }
}

function parseExpr(tokens: string[], body: string): Expr {
  const parser = new ExprParser(tokens, body);
  const expr = parser.parsePipeline();
  if (!parser.done()) throw new TemplateError(`unexpected ")" in {{${body}}}`);
  return expr;
}

function parse(pieces: Piece[]): Node[] {
  let i = 0;
  // The nodes up to the next {{else}}, {{else if X}} or {{end}}, and that keyword.
  function block(): { nodes: Node[]; stop: string; elseIf?: Expr } {
    const nodes: Node[] = [];
    while (i < pieces.length) {
      const piece = pieces[i];
      i += 1;
      if (piece.kind === 'text') {
        if (piece.text) nodes.push(piece);
        continue;
      }
      const body = piece.body;
      if (body.startsWith('/*')) {
        if (!body.endsWith('*/')) throw new TemplateError('unclosed comment');
        continue;
      }
      const tokens = tokenize(body);
      const [head] = tokens;
      if (head === 'else' && tokens[1] === 'if')
        return { nodes, stop: 'else', elseIf: parseExpr(tokens.slice(2), body) };
      if (head === 'end' || head === 'else') {
        if (tokens.length > 1) throw new TemplateError(`unexpected {{${body}}}`);
        return { nodes, stop: head };
      }
      if (head === 'if') {
        nodes.push(ifNode(parseExpr(tokens.slice(1), body)));
        continue;
      }
      if (['range', 'with', 'define', 'template', 'block'].includes(head)) {
        throw new TemplateError(`{{${head}}} is not supported by this confd stand-in`);
      }
      if (head.startsWith('$') && tokens[1] === ':=') {
        nodes.push({ kind: 'assign', name: head, expr: parseExpr(tokens.slice(2), body) });
        continue;
      }
      nodes.push({ kind: 'output', expr: parseExpr(tokens, body) });
    }
    return { nodes, stop: 'eof' };
  }
  // `else if X` is an `if X` in the else branch that shares the outer {{end}}.
  function ifNode(cond: Expr): Node {
    const then = block();
    if (then.stop === 'end') return { kind: 'if', cond, then: then.nodes, otherwise: [] };
    if (then.stop !== 'else') throw new TemplateError('missing {{end}}');
    if (then.elseIf) return { kind: 'if', cond, then: then.nodes, otherwise: [ifNode(then.elseIf)] };
    const otherwise = block();
    if (otherwise.stop !== 'end') throw new TemplateError('missing {{end}} after {{else}}');
    return { kind: 'if', cond, then: then.nodes, otherwise: otherwise.nodes };
  }
  const top = block();
  if (top.stop !== 'eof') throw new TemplateError(`unexpected {{${top.stop}}}`);
  return top.nodes;
}

function callFunction(name: string, args: Value[], store: Store): Value {
  const strings = args.map(String);
  switch (name) {
    case 'getv': {
      if (strings.length < 1 || strings.length > 2) throw new TemplateError('getv takes a key and an optional default');
      const value = store.get(strings[0]);
      if (value !== undefined) return value;
      if (strings.length === 2) return strings[1];
      throw new TemplateError(`key does not exist: ${strings[0]}`);
    }
    case 'exists':
      if (strings.length !== 1) throw new TemplateError('exists takes one key');
      return store.has(strings[0]);
    case 'contains':
      if (strings.length !== 2) throw new TemplateError('contains takes two strings');
      return strings[0].includes(strings[1]);
    default:
      throw new TemplateError(`function "${name}" not defined`);
  }
}

function truthy(value: Value): boolean {
  return typeof value === 'boolean' ? value : value.length > 0;
}

export function render(source: string, store: Store): string {
  const nodes = parse(lex(source));
  const scopes: Map<string, Value>[] = [new Map<string, Value>()];
  const lookup = (name: string): Value => {
    for (let s = scopes.length - 1; s >= 0; s -= 1) {
      const value = scopes[s].get(name);
      if (value !== undefined) return value;
    }
    throw new TemplateError(`undefined variable: ${name}`);
  };
  const evaluate = (expr: Expr): Value => {
    if (expr.kind === 'literal') return expr.value;
    if (expr.kind === 'variable') return lookup(expr.name);
    return callFunction(expr.name, expr.args.map(evaluate), store);
  };
  const run = (list: Node[]): string => {
    let out = '';
    for (const node of list) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'output') out += String(evaluate(node.expr));
      else if (node.kind === 'assign') scopes[scopes.length - 1].set(node.name, evaluate(node.expr));
      else {
        scopes.push(new Map());
        out += run(truthy(evaluate(node.cond)) ? node.then : node.otherwise);
        scopes.pop();
      }
    }
    return out;
  };
  return run(nodes);
}
