// What the Action's main step saves for its post step (core.saveState), by name: `servers` holds
// each server's leftovers (cleanup.ts) as JSON, `finished` says the deploy ended and left nothing.
// A module of its own: the post step's entry reads it before it loads anything else.
export const STATE = { servers: 'servers', finished: 'finished' } as const;
