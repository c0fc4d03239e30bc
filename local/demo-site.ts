import { join } from 'node:path';
import type { Site } from '../functions/contracts/deployment-config';
import type { StaticFile } from './api-gateway/static-files';

/** The site every local runtime serves (docs/local-runtime.md). */
export const DEMO_SITE: Site = {
  siteId: 'demo',
  allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
  leadClasses: ['business'],
};

/**
 * The demo site: one single-page app answering at three paths, so that a reload or a shared link of any
 * page works, and its script and styles. Listed one by one: nothing else under the directory is served.
 */
export function demoFiles(demoDir: string): StaticFile[] {
  const page = join(demoDir, 'index.html');
  const html = 'text/html; charset=utf-8';
  return [
    { path: '/demo', file: page, contentType: html },
    { path: '/demo/pricing', file: page, contentType: html },
    { path: '/demo/contact', file: page, contentType: html },
    { path: '/demo/demo.js', file: join(demoDir, 'demo.js'), contentType: 'text/javascript; charset=utf-8' },
    { path: '/demo/demo.css', file: join(demoDir, 'demo.css'), contentType: 'text/css; charset=utf-8' },
  ];
}
