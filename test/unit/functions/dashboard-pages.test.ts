import { DashboardManifestSchema } from '../../../functions/dashboard/assets';
import { appShell, privacyRecordPage } from '../../../functions/dashboard/pages';

/** The server-rendered documents: what the browser learns from the first response, before any script runs. */

const manifest = DashboardManifestSchema.parse({ entry: { script: 'main-1.js', style: 'app-1.css', preload: ['chunk-2.js', 'chunk-3.js'] }, files: {} });

describe('dashboard documents', () => {
  it('announce the chunks the entry script imports, so they load beside it rather than after it', () => {
    const shell = appShell(manifest);
    expect(shell).toContain('<script type="module" src="assets/main-1.js"></script>');
    expect(shell).toContain('<link rel="modulepreload" href="assets/chunk-2.js"><link rel="modulepreload" href="assets/chunk-3.js">');
  });

  it('announce no script on a page without one', () => {
    expect(privacyRecordPage(manifest, '<p>record</p>')).not.toMatch(/modulepreload|<script/);
  });

  it('read a manifest built before chunks were announced', () => {
    const older = DashboardManifestSchema.parse({ entry: { script: 'main-1.js', style: 'app-1.css' }, files: {} });
    expect(appShell(older)).not.toContain('modulepreload');
  });
});
