/**
 * altTextCheck with `verify`: the check's report with the alt-mismatch findings added, the cost said first (as a
 * progress message: an agent asked for it, there is no one to confirm), `maxRequests` as a limit that sends nothing
 * when passed, and the answers cached for the server's lifetime (a second call sends nothing).
 */
import { verifyAltTexts, verifyCostLine, withVerified, type DocFile, type Report, type VerifyRunOptions } from '../../core/docs';
import { DescribeError } from '../../core/base';

export interface McpVerifyOptions extends VerifyRunOptions {
  readonly maxRequests: number | undefined;
  /** Say a line to the client (progress, of `total` images) before anything is sent. */
  readonly say: (line: string, total: number) => void;
}

/** The report with the verify findings and its summary. */
export async function mcpVerify(report: Report, docs: readonly DocFile[], o: McpVerifyOptions): Promise<Report> {
  let over: number | undefined;
  const verified = await verifyAltTexts(docs, {
    ...o,
    beforeSend: (preview) => {
      o.say(verifyCostLine(preview, o.run.settings.deployment || o.run.settings.endpoint), preview.images);
      if (o.maxRequests !== undefined && preview.requests > o.maxRequests) over = preview.requests;
      return over === undefined;
    },
  });
  if (!verified) throw new DescribeError('bad-input', `altTextCheck: verify would send ${over ?? 0} request(s), more than maxRequests ${o.maxRequests ?? 0}: nothing was sent. Check fewer files, or raise maxRequests.`);
  return withVerified(report, docs, verified);
}
