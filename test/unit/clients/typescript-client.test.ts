import { createEirleadClient, EirleadApiError, waitForExport } from '../../../clients/typescript';
import { EXAMPLE_EXPORT_DONE, EXAMPLE_EXPORT_QUEUED } from '../../../functions/contracts/routes/examples';

/** The typed client's own behaviour, against a fake `fetch` (the contract test drives it against the runtime). */
function fakeFetch(answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>) {
  const requests: Request[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    requests.push(new Request(input, init));
    const answer = answers.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json', ...answer.headers } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}
const error = (code: string) => ({ error: { code, message: code, requestId: 'r-1' } });

it('sends the key as a bearer token to the base URL, without the ApiUrl output’s trailing v1/', async () => {
  const { fetch, requests } = fakeFetch([{ status: 200, body: { items: [], nextCursor: null } }]);
  const client = createEirleadClient({ baseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1/', apiKey: 'eirl_k', fetch });
  await client.GET('/v1/sites/{siteId}/leads', { params: { path: { siteId: 'demo' } } });
  expect(requests[0]?.url).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1/sites/demo/leads');
  expect(requests[0]?.headers.get('authorization')).toBe('Bearer eirl_k');
});

it('waitForExport polls until the export is done, past transient failures', async () => {
  const { fetch, requests } = fakeFetch([
    { status: 200, body: EXAMPLE_EXPORT_QUEUED },
    { status: 500, body: error('InternalError') },
    { status: 429, body: error('Throttled'), headers: { 'Retry-After': '0' } },
    { status: 200, body: EXAMPLE_EXPORT_DONE },
  ]);
  const client = createEirleadClient({ baseUrl: 'http://127.0.0.1:3000', fetch });
  await expect(waitForExport(client, 'demo', EXAMPLE_EXPORT_QUEUED.exportId, { intervalMs: 1 })).resolves.toEqual(EXAMPLE_EXPORT_DONE);
  expect(requests).toHaveLength(4);
});

it('waitForExport gives up on a refusal at once, and after too many failures in a row', async () => {
  const refused = createEirleadClient({ baseUrl: 'http://127.0.0.1:3000', fetch: fakeFetch([{ status: 404, body: error('NotFound') }]).fetch });
  await expect(waitForExport(refused, 'demo', EXAMPLE_EXPORT_QUEUED.exportId, { intervalMs: 1 })).rejects.toThrow(new EirleadApiError(404, error('NotFound')));
  const failing = createEirleadClient({ baseUrl: 'http://127.0.0.1:3000', fetch: fakeFetch([]).fetch });
  await expect(waitForExport(failing, 'demo', EXAMPLE_EXPORT_QUEUED.exportId, { intervalMs: 1, retries: 2 })).rejects.toThrow(/^500 /);
});
