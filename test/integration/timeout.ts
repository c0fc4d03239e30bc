// A test that drives the pipeline waits on emulators; on a shared 2-core runner Jest's 5 s default is too short.
// Jest 29 takes `testTimeout` only for the whole run, not per project, so the integration project sets it here.
jest.setTimeout(60_000);
