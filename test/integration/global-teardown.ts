import { DYNAMODB_ENDPOINT_ENV, SQS_ENDPOINT_ENV } from './support/emulator-env';

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.__EIRLEAD_EMULATORS__ ?? [];
  globalThis.__EIRLEAD_EMULATORS__ = undefined;
  await Promise.all(running.map((emulator) => emulator.stop()));
  delete process.env[DYNAMODB_ENDPOINT_ENV];
  delete process.env[SQS_ENDPOINT_ENV];
}
