// The contract with confd and nginx, pure: what the action writes to the key
// (redis-value with the port filled in) and how nginx says which upstream answered.

/** redis-value with the port filled in. */
export function formatKeyValue(template: string, port: number): string {
  return template.replace('{port}', String(port));
}

/** The port read back from a stored value; undefined when the value does not fit redis-value. */
export function portFromKeyValue(template: string, value: string): number | undefined {
  const [before, after] = template.split('{port}');
  if (!value.startsWith(before) || !value.endsWith(after)) return undefined;
  const port = value.slice(before.length, value.length - after.length);
  return /^\d{1,5}$/.test(port) ? Number(port) : undefined;
}

/** The port a stored value names in any form confd's template accepts ("49153", "host:49153"), whatever redis-value says. */
export function portNamedBy(value: string): number | undefined {
  const m = /^(?:.*:)?(\d{1,5})$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/** The port of the last address in an upstream header ("127.0.0.1:49153" or "a:1, b:2"). */
export function upstreamPort(header: string | undefined): number | undefined {
  const last = header?.split(',').pop()?.trim();
  const m = last ? /:(\d+)$/.exec(last) : null;
  return m ? Number(m[1]) : undefined;
}
