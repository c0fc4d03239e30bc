// Runs at asset bundling time (NodejsFunction commandHooks.afterBundling), in plain Node so that it works
// the same in every shell. Usage: node copy-into-bundle.mjs <source dir> <destination dir>
import { cpSync, existsSync, statSync } from 'node:fs';

const [source, destination] = process.argv.slice(2);
if (!source || !destination) {
  console.error('copy-into-bundle: usage: node copy-into-bundle.mjs <source dir> <destination dir>');
  process.exit(2);
}
if (!existsSync(source) || !statSync(source).isDirectory()) {
  console.error(
    `copy-into-bundle: ${source} does not exist. It is built, not committed: run "npm run build:ipdata" and "npm run build:snippet" (cdk.json's app does both) before synth or deploy.`,
  );
  process.exit(1);
}
cpSync(source, destination, { recursive: true });
