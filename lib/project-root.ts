import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The directory holding `cdk.json`. The CDK CLI runs the app from there and Jest runs from there, and
 * this works both under tsx (ES modules, no `__dirname`) and under Jest (CommonJS, no `import.meta`).
 */
export function projectRoot(): string {
  if (cached !== undefined) return cached;
  let dir = process.cwd();
  while (!existsSync(join(dir, 'cdk.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`No cdk.json found in ${process.cwd()} or any parent: run the CDK app from the project root`);
    }
    dir = parent;
  }
  cached = dir;
  return dir;
}
