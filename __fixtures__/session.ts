// A fake remote session for the Action's unit tests: what main and post open on a
// server, and what post cleans up there, written to `opened` in order.
// In a test file, before importing main or post:
//   jest.unstable_mockModule('<path to>/src/remote/session.js', () => sessionModule);

export const opened: string[] = [];

const session = {
  docker: {
    discard: async (ids: string[]) => {
      opened.push(`discard ${ids.join(',')}`);
    },
    removeDir: async (dir: string) => {
      opened.push(`rm -rf ${dir}`);
    },
  },
  keys: {
    unlock: async (name: string, owner: string) => {
      opened.push(`unlock ${name} ${owner}`);
      return true;
    },
  },
  close: async () => {
    opened.push('close');
  },
};

export const sessionModule = {
  openSession: async (target: { host: string }) => {
    opened.push(`open ${target.host}`);
    return session;
  },
  openSessions: async () => [],
};

/** What a main step of this deployment saves: its lock and its private Docker config directory. */
export const LOCK = 'docker-hot-deploy:lock:/nginx/upstream/app/port';
export const LOGIN = '/tmp/docker-hot-deploy.AbCdE12345';
