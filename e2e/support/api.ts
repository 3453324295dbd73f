import type { APIRequestContext } from '@playwright/test';
import type { ApiArgs, ApiMethod, ApiResult } from '../../src/services/contract.js';
import type { ApiEnvelope } from '../../src/transport/dispatch.js';
import type { ServeInfo } from './serve-fixture.js';

/**
 * Calls the serve API from the test process, as a second window would: to read what the page
 * saved, or to change the project underneath it. Throws the API's own error text on failure.
 */
export async function callApi<M extends ApiMethod>(
  request: APIRequestContext,
  serve: ServeInfo,
  method: M,
  args: ApiArgs<M>,
): Promise<ApiResult<M>> {
  const res = await request.post(`${serve.origin}/api/${method}`, {
    data: args,
    headers: { Authorization: `Bearer ${serve.token}` },
  });
  const body = (await res.json()) as ApiEnvelope<ApiResult<M>>;
  if (!body.ok) throw Object.assign(new Error(`${method}: ${body.error.message}`), { code: body.error.code });
  return body.result;
}
