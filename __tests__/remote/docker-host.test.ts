// The docker host over a faked remote shell: how it reacts to what Docker answers.
import { remoteDockerHost } from '../../src/remote/docker-host.js';
import type { ExecResult, RemoteShell } from '../../src/remote/ssh/connection.js';

function shellAnswering(...answers: ExecResult[]): RemoteShell & { commands: string[][] } {
  const commands: string[][] = [];
  return {
    commands,
    run: async (argv) => {
      commands.push(argv);
      return answers.shift() ?? { code: 0, stdout: '', stderr: '' };
    },
    forward: async () => {
      throw new Error('no forwards here');
    },
    onLost: () => undefined,
    close: async () => undefined,
  };
}

describe('discard', () => {
  test('a container between exit and restart refuses the first forced removal: tried again', async () => {
    const racing =
      'Error response from daemon: Could not kill running container 61c0, cannot remove - Container 61c0 is not running';
    const shell = shellAnswering({ code: 1, stdout: '', stderr: racing }, { code: 0, stdout: '', stderr: '' });
    await remoteDockerHost(shell).discard(['61c0']);
    expect(shell.commands).toEqual([
      ['docker', 'rm', '--force', '--volumes', '61c0'],
      ['docker', 'rm', '--force', '--volumes', '61c0'],
    ]);
  });

  test('any other refusal fails at once, naming the command and what Docker said', async () => {
    const shell = shellAnswering({ code: 1, stdout: '', stderr: 'Error response from daemon: permission denied' });
    await expect(remoteDockerHost(shell).discard(['61c0'])).rejects.toThrow(/docker rm --force.*permission denied/);
    expect(shell.commands).toHaveLength(1);
  });
});
