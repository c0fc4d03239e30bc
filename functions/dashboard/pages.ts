import type { SignInStep } from '../adapters/identity/identity-provider';
import type { DashboardManifest } from './assets';
import { escapeHtml } from './markdown';

/**
 * Server-rendered HTML: the app shell (the app renders into it) and the sign-in steps, which work without script.
 * URLs are relative, so the pages work under API Gateway's stage prefix (`/prod/`) as well as at `/` locally.
 */

function document(manifest: DashboardManifest, title: string, body: string, withScript: boolean): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<link rel="stylesheet" href="assets/${manifest.entry.style}">`,
    withScript ? `<script type="module" src="assets/${manifest.entry.script}"></script>` : '',
    withScript ? manifest.entry.preload.map((chunk) => `<link rel="modulepreload" href="assets/${chunk}">`).join('') : '',
    '</head>',
    `<body>${body}</body>`,
    '</html>',
  ].join('');
}

export function appShell(manifest: DashboardManifest): string {
  return document(
    manifest,
    'Eirlead',
    '<a class="skip" href="#main">Skip to content</a><div id="app"><p class="loading">Loading the dashboard…</p></div>' +
      '<noscript><p>The dashboard needs JavaScript.</p></noscript>',
    true,
  );
}

/**
 * The record of processing and the privacy-notice text (rendered from `npm run privacy:report`'s Markdown), as a
 * page of its own without script, so that it prints and reads well for a data-protection officer.
 */
export function privacyRecordPage(manifest: DashboardManifest, recordHtml: string): string {
  return document(
    manifest,
    'Record of processing · Eirlead',
    '<a class="skip" href="#main">Skip to content</a>' +
      '<header class="top"><span class="brand">Eirlead</span><nav aria-label="Main"><ul><li><a href="./#/privacy">Back to the dashboard</a></li></ul></nav></header>' +
      `<main id="main" class="record">${recordHtml}</main>`,
    false,
  );
}

export interface SignInView {
  readonly step: 'password' | SignInStep;
  readonly providerName: string;
  readonly error?: string;
  readonly notice?: string;
  /** For `mfa-setup`. */
  readonly totpSecret?: string;
  /** The local runtime's LOCAL_API_KEY form. */
  readonly offerLocalKey?: boolean;
}

const field = (id: string, label: string, attributes: string, hint?: string): string =>
  `<div class="field"><label for="${id}">${label}</label>` +
  (hint ? `<p class="hint" id="${id}-hint">${hint}</p>` : '') +
  `<input id="${id}" name="${id}" ${attributes}${hint ? ` aria-describedby="${id}-hint"` : ''} required></div>`;

const CODE_FIELD = field(
  'code',
  'Six-digit code',
  'type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" autofocus',
  'From your authenticator app (TOTP).',
);

function stepForm(view: SignInView): string {
  switch (view.step) {
    case 'password':
      return (
        field('username', 'E-mail address', 'type="email" autocomplete="username" autofocus') +
        field('password', 'Password', 'type="password" autocomplete="current-password" minlength="12"') +
        '<button type="submit" name="step" value="password">Continue</button>'
      );
    case 'mfa':
      return CODE_FIELD + '<button type="submit" name="step" value="mfa">Sign in</button>';
    case 'new-password':
      return (
        field(
          'newPassword',
          'New password',
          'type="password" autocomplete="new-password" minlength="12" autofocus',
          'At least 12 characters, with upper and lower case letters, a digit and a symbol.',
        ) + '<button type="submit" name="step" value="new-password">Set password</button>'
      );
    case 'mfa-setup': {
      const secret = view.totpSecret ?? '';
      const uri = `otpauth://totp/Eirlead?secret=${encodeURIComponent(secret)}&issuer=Eirlead`;
      return (
        '<p>Two-factor sign-in is required. Add Eirlead to an authenticator app with this key, then enter the code it shows.</p>' +
        `<p class="secret"><span class="label">Key</span> <code>${escapeHtml(secret.replace(/(.{4})/g, '$1 ').trim())}</code></p>` +
        `<p><a href="${escapeHtml(uri)}">Open in an authenticator app on this device</a></p>` +
        // Posted back only so that a mistyped code can show the key again; the provider verifies codes with its own copy.
        `<input type="hidden" name="secret" value="${escapeHtml(secret)}">` +
        CODE_FIELD +
        '<button type="submit" name="step" value="mfa-setup">Turn on and sign in</button>'
      );
    }
  }
}

export function signInPage(manifest: DashboardManifest, view: SignInView): string {
  const messages =
    (view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : '') +
    (view.notice ? `<p class="notice" role="status">${escapeHtml(view.notice)}</p>` : '');
  const localKey =
    view.offerLocalKey && view.step === 'password'
      ? '<form class="card local" method="post" action="sign-in">' +
        '<h2>Local runtime only</h2>' +
        field('apiKey', 'LOCAL_API_KEY', 'type="password" autocomplete="off"', 'The key npm start printed or was given; signs in as admin. Never offered on AWS.') +
        '<button type="submit" name="step" value="local-key">Sign in with the local key</button></form>'
      : '';
  return document(
    manifest,
    'Sign in · Eirlead',
    '<main id="main" class="sign-in">' +
      '<h1>Sign in to Eirlead</h1>' +
      messages +
      `<form class="card" method="post" action="sign-in">${stepForm(view)}</form>` +
      localKey +
      `<p class="hint">Signing in with ${escapeHtml(view.providerName)}; a password and a code from an authenticator app are required.</p>` +
      '</main>',
    false,
  );
}
