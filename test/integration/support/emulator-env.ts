import type { RunningEmulator } from '../../../local/emulators';

/** How globalSetup hands the emulator endpoints to the test files (Jest workers inherit its environment). */
export const DYNAMODB_ENDPOINT_ENV = 'EIRLEAD_TEST_DYNAMODB_ENDPOINT';
export const SQS_ENDPOINT_ENV = 'EIRLEAD_TEST_SQS_ENDPOINT';

declare global {
  // Jest documents globalThis as the one channel from globalSetup to globalTeardown.
  var __EIRLEAD_EMULATORS__: RunningEmulator[] | undefined;
}
