/**
 * `alt-text check` output formats: text (one line per finding, `path:line:column rule message`, which VS Code's
 * terminal makes clickable), JSON, SARIF 2.1.0 (GitHub code scanning and other SARIF viewers), and GitHub Actions
 * workflow annotations.
 */
import { type Finding } from './rules';
import { failsCheck, RULES } from '../base';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'github';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'github'];

export interface Report {
  readonly files: number;
  readonly findings: readonly Finding[];
  /** Files that could not be read or parsed: reported as findings would be, with rule `parse-error`. */
  readonly errors: readonly { readonly file: string; readonly line: number; readonly column: number; readonly message: string }[];
  /** With --verify: what was asked of the model (before: the preview; after: what was sent) and what could not be. */
  readonly verify?: VerifySummary | undefined;
}

export interface VerifySummary {
  /** Images whose alt text was checked against the image. */
  readonly images: number;
  /** Requests sent, from the cache, and images sharing another's request. */
  readonly sent: number;
  readonly cached: number;
  readonly deduplicated: number;
  /** Images with alt text that were not verified, each as `file:line:column: why`. */
  readonly notVerified: readonly string[];
}

/**
 * The closing sentence of a check: the findings, the files they are in, and the files checked ("0 finding(s)" alone
 * would not tell a check of one clean file from a check that read a file it could not parse).
 */
export function checkSummary(report: Report): string {
  const withFindings = new Set(report.findings.map((f) => f.file)).size;
  const unread = report.errors.length ? ` and ${report.errors.length} file(s) that could not be read or parsed` : '';
  return `${report.findings.length} finding(s) in ${withFindings} file(s)${unread}; ${report.files} file(s) checked.`;
}

export function formatText(report: Report): string {
  const lines = [
    ...report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`),
    ...report.errors.map((e) => `${e.file}:${e.line}:${e.column} parse-error ${e.message}`),
  ];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function formatJson(report: Report): string {
  const findings = report.findings.map((f) => ({ file: f.file, line: f.line, column: f.column, rule: f.rule, message: f.message, src: f.src, ...(f.suggestion !== undefined ? { suggestion: f.suggestion, fix: f.fix } : {}) }));
  return `${JSON.stringify({ files: report.files, findings, errors: report.errors, ...(report.verify ? { verify: report.verify } : {}) }, null, 2)}\n`;
}

/** GitHub Actions workflow commands: `::warning file=…,line=…,col=…,title=…::message` (values escaped as GitHub says). */
export function formatGithub(report: Report): string {
  const prop = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C');
  const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return [
    ...report.findings.map((f) => `::${failsCheck(f.rule) ? 'warning' : 'notice'} file=${prop(f.file)},line=${f.line},col=${f.column},title=${prop(f.rule)}::${data(f.message)}`),
    ...report.errors.map((e) => `::error file=${prop(e.file)},line=${e.line},col=${e.column},title=parse-error::${data(e.message)}`),
  ]
    .map((l) => `${l}\n`)
    .join('');
}

export function formatSarif(report: Report, toolVersion: string): string {
  const rules = [...RULES.map((r) => ({ id: r.id, shortDescription: { text: r.summary }, help: { text: r.help }, defaultConfiguration: { level: r.failsCheck ? 'warning' : 'note' } })), { id: 'parse-error', shortDescription: { text: 'File could not be parsed' }, help: { text: 'Fix the syntax error so the file can be checked.' }, defaultConfiguration: { level: 'error' } }];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const artifact = (file: string) => ({ uri: encodeURI(file), uriBaseId: '%SRCROOT%' });
  const location = (file: string, line: number, column: number) => ({ physicalLocation: { artifactLocation: artifact(file), region: { startLine: line, startColumn: column } } });
  // A suggestion as a SARIF fix: the alt text's span replaced by the suggestion, escaped for the file's syntax.
  const fixes = (f: Finding) =>
    f.fix && f.suggestion !== undefined
      ? {
          fixes: [
            {
              description: { text: `Replace the alt text with the suggested alt text: ${f.suggestion}` },
              artifactChanges: [{ artifactLocation: artifact(f.file), replacements: [{ deletedRegion: { startLine: f.fix.startLine, startColumn: f.fix.startColumn, endLine: f.fix.endLine, endColumn: f.fix.endColumn }, insertedContent: { text: f.fix.newText } }] }],
            },
          ],
        }
      : {};
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'describe-image alt-text', version: toolVersion, informationUri: 'https://github.com/describe-image/describe-image', rules } },
        results: [
          ...report.findings.map((f) => ({ ruleId: f.rule, ruleIndex: index.get(f.rule) ?? 0, level: failsCheck(f.rule) ? 'warning' : 'note', message: { text: f.message }, locations: [location(f.file, f.line, f.column)], ...fixes(f) })),
          ...report.errors.map((e) => ({ ruleId: 'parse-error', ruleIndex: index.get('parse-error') ?? 0, level: 'error', message: { text: e.message }, locations: [location(e.file, e.line, e.column)] })),
        ],
        ...(report.verify ? { properties: { verify: report.verify } } : {}),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

export function formatReport(report: Report, format: ReportFormat, toolVersion: string): string {
  switch (format) {
    case 'text':
      return formatText(report);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, toolVersion);
    case 'github':
      return formatGithub(report);
  }
}
