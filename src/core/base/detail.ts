/** The image `detail` levels the service takes. A module of its own (no imports) so the webview bundle can use it. */

export type Detail = 'low' | 'high' | 'auto';
export const DETAILS: readonly Detail[] = ['low', 'high', 'auto'];

export function isDetail(v: unknown): v is Detail {
  return typeof v === 'string' && (DETAILS as readonly string[]).includes(v);
}
