import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';

/**
 * Everything `npm start` starts listens on 127.0.0.1 only: the API front, the SQS emulator (in this process) and
 * DynamoDB Local (a JVM child process, which binds every interface unless started through its loopback launcher).
 * Read from the kernel's socket table with `ss`, so a listener nobody knew about is caught too.
 */

interface Listener {
  readonly address: string;
  readonly port: number;
  readonly pid: number;
}

/** `LISTEN 0 50 [::ffff:127.0.0.1]:8765 *:* users:(("java",pid=31017,fd=115))` */
function listeners(): Listener[] {
  const output = execFileSync('ss', ['-H', '-l', '-t', '-n', '-p'], { encoding: 'utf8' });
  return output.split('\n').flatMap((line) => {
    const [, , , local] = line.trim().split(/\s+/);
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
    const at = local?.lastIndexOf(':') ?? -1;
    if (!local || at < 0) return [];
    return pids.map((pid) => ({ address: local.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(local.slice(at + 1)), pid }));
  });
}

/** This process and all its descendants, from /proc. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      // `pid (comm) state ppid …`; comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while the table was read.
    }
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++) {
    for (const [pid, parent] of parents) if (parent === tree[index]) tree.push(pid);
  }
  return tree;
}

const isLoopback = (address: string) => address === '127.0.0.1' || address === '::ffff:127.0.0.1' || address === '::1';

const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('local runtime listeners', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startLocalRuntime({ ipDataDir: 'build/ipdata', snippetFile: 'build/snippet/eirlead.js', log: () => undefined });
  }, 90_000);
  afterAll(() => runtime?.stop());

  it('are all on 127.0.0.1, the emulators included', () => {
    const ours = new Set(processTree(process.pid));
    const found = listeners().filter((listener) => ours.has(listener.pid));
    const ports = [runtime.url, runtime.endpoints.dynamoDb, runtime.endpoints.sqs].map((url) => Number(new URL(url).port));

    // The three servers the runtime names are among them: the check looked at the right sockets.
    expect(ports.every((port) => found.some((listener) => listener.port === port))).toBe(true);
    expect(found.filter((listener) => !isLoopback(listener.address))).toEqual([]);
  });
});
