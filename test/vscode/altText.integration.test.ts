/**
 * Alt text inside VS Code against the Azure-like server: the quick fix on a Markdown image, Refine with a cancelled
 * prompt, and Fill Missing Alt Text in Workspace over 30 images (duplicates among them) with a throttling server.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import sharp from 'sharp';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import { AzureLikeServer } from '../support/azureServer';
import { StubUi } from './stubUi';
import { folder, revertAll, connectToServer } from './altTextSetup';

const server = new AzureLikeServer({ answer: (req) => `Image of a ${req.images[0]?.width}x${req.images[0]?.height} picture with ${req.images[0]?.bytes} bytes.` });
let api: TestApi;
let ui: StubUi;

/**
 * With the alt-text diagnostics on in the workspace: open `uri` and wait until it has `count` of them (the language
 * features start after the editor shows), then run `body`; the setting and the editors are put back after.
 */
async function withDiagnostics(uri: vscode.Uri, count: number, body: (doc: vscode.TextDocument, diags: vscode.Diagnostic[]) => Promise<void>): Promise<void> {
  const c = vscode.workspace.getConfiguration('describeImage.altText');
  await c.update('diagnostics', true, vscode.ConfigurationTarget.Workspace);
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    let diags: vscode.Diagnostic[] = [];
    for (let i = 0; i < 50 && diags.length < count; i++) {
      await new Promise((r) => setTimeout(r, 100));
      diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Describe Image');
    }
    await body(doc, diags);
  } finally {
    await c.update('diagnostics', undefined, vscode.ConfigurationTarget.Workspace);
    await revertAll();
  }
}

describe('Alt text in VS Code', () => {
  before(async () => {
    api = await connectToServer(server);
  });
  after(async () => {
    api.setUi(undefined);
    await server.stop();
  });
  beforeEach(async () => {
    ui = new StubUi();
    api.setUi(ui);
    server.requests.length = 0;
    server.script.length = 0;
    await revertAll();
  });

  it('the quick fix "Generate alt text" fills in the alt text from the service', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'docs', 'quick.md');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const at = doc.positionAt(doc.getText().indexOf('![](../images/ui.png)') + 1);
    // The first request can come before the language features are ready: ask again briefly.
    let actions: vscode.CodeAction[] = [];
    for (let i = 0; i < 20 && !actions.some((a) => a.title === 'Generate alt text'); i++) {
      if (i) await new Promise((r) => setTimeout(r, 250));
      actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(at, at));
    }
    const fix = actions.find((a) => a.title === 'Generate alt text');
    assert.ok(fix?.command, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(!actions.some((a) => a.title === 'Refine alt text…'), 'no refine on an empty alt');
    const applied = await vscode.commands.executeCommand<boolean>(fix.command.command, ...(fix.command.arguments ?? []));
    assert.equal(applied, true, ui.messages.map((m) => m.message).join(' | '));
    assert.match(doc.getText(), /\n!\[A 160x100 picture with 970 bytes\.\]\(\.\.\/images\/ui\.png\)\n/);
    assert.match(doc.getText(), /```md\n!\[\]\(\.\.\/images\/in-a-fence\.png\)\n```/, 'code is left alone');
    assert.equal(server.requests.length, 1);
    // The same context as the CLI: the heading and the sentence that introduces the image, labelled.
    const prompt = JSON.stringify(server.requests[0]?.body);
    assert.match(prompt, /Section: \\"Quick fix fixture\\"/);
    assert.match(prompt, /Introduced by: \\"The settings dialog:\\"/);
  });

  it('"Refine alt text…" with a cancelled prompt changes nothing', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'docs', 'quick.md');
    const doc = await vscode.workspace.openTextDocument(uri);
    const before = doc.getText();
    const offset = before.indexOf('![A gradient photo]');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(doc.positionAt(offset + 2), doc.positionAt(offset + 2)));
    const refine = actions.find((a) => a.title === 'Refine alt text…');
    assert.ok(refine?.command);
    ui.inputs.push(undefined);
    assert.equal(await vscode.commands.executeCommand(refine.command.command, ...(refine.command.arguments ?? [])), false);
    assert.equal(doc.getText(), before);
    assert.equal(server.requests.length, 0);

    ui.inputs.push('shorter, in German');
    assert.equal(await vscode.commands.executeCommand(refine.command.command, ...(refine.command.arguments ?? [])), true);
    assert.match(server.requests[0]?.images.length === 1 ? JSON.stringify(server.requests[0]?.body) : '', /The current alt text is: \\"A gradient photo\\"\. Rewrite it following this instruction: shorter, in German/);
  });

  it('Fill Missing Alt Text in Workspace: 30 images, duplicates sent once, throttling survived, one reviewed edit, a second run sends nothing', async () => {
    const docs = vscode.Uri.joinPath(folder(), 'bulk');
    await fs.mkdir(vscode.Uri.joinPath(docs, 'img').fsPath, { recursive: true });
    const distinct = 20;
    for (let i = 0; i < distinct; i++) {
      await sharp({ create: { width: 40 + i, height: 30, channels: 3, background: { r: i * 10, g: 100, b: 200 } } }).png().toFile(vscode.Uri.joinPath(docs, 'img', `shot-${i}.png`).fsPath);
    }
    const lines: string[][] = [[], [], []];
    // The ten images used twice are used in the same context (same heading, same words): each is asked once.
    for (let i = 0; i < 30; i++) lines[i % 3]?.push(`Step ${i % distinct}: ![](img/shot-${i % distinct}.png)`);
    for (let f = 0; f < 3; f++) await fs.writeFile(vscode.Uri.joinPath(docs, `page-${f}.md`).fsPath, `# Screens\n\n${(lines[f] ?? []).join('\n\n')}\n`);
    // One file is open with unsaved changes: it must be edited as the open document, not on disk.
    const dirty = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(docs, 'page-0.md'));
    const editor = await vscode.window.showTextDocument(dirty);
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'Unsaved note.\n'));
    const onDisk = await fs.readFile(dirty.uri.fsPath, 'utf8');
    // The service throttles the first requests.
    for (let i = 0; i < 3; i++) server.script.push({ status: 429, headers: { 'content-type': 'application/json', 'retry-after-ms': '300' }, body: { error: { code: '429', message: 'Rate limit is exceeded.' } } });
    ui.answers.push({ match: /Found \d+ image\(s\) without alt text in \d+ file\(s\)/, pick: 'Generate' });
    assert.equal(ui.reviewEdits, false);

    const report = await vscode.commands.executeCommand<{ found: number; filled: number; sent: number; applied: boolean; skipped: string[] }>('describeImage.fillMissingAltText');
    assert.ok(report, ui.errors().join(' | '));
    assert.ok(report.found >= 30, `found ${report.found}`);
    assert.deepEqual(report.skipped, []);
    assert.equal(report.applied, true);
    const sent = server.requests.filter((r) => r.status === 200).map((r) => `${r.images[0]?.width}x${r.images[0]?.height}:${r.images[0]?.bytes}`);
    assert.equal(new Set(sent).size, sent.length, 'no image was sent twice');
    assert.ok(sent.length === distinct || sent.length === distinct + 1, `${sent.length} requests: the ${distinct} distinct bulk images (and quick.md's, unless cached)`);
    assert.ok(server.requests.filter((r) => r.status === 429).length === 3);
    for (let f = 0; f < 3; f++) {
      const text = (await vscode.workspace.openTextDocument(vscode.Uri.joinPath(docs, `page-${f}.md`))).getText();
      assert.ok(!text.includes('![]('), `page-${f}.md is filled`);
      assert.match(text, /!\[A \d+x30 picture with \d+ bytes\.\]\(img\/shot-\d+\.png\)/);
    }
    assert.match(dirty.getText(), /^# Screens\nUnsaved note\./, 'the unsaved change is kept');
    assert.equal(await fs.readFile(dirty.uri.fsPath, 'utf8'), onDisk, 'nothing was written to disk behind the user');

    // Second run after the edits: nothing is missing, nothing is sent.
    server.requests.length = 0;
    const again = await vscode.commands.executeCommand<{ found: number }>('describeImage.fillMissingAltText');
    assert.equal(again?.found, 0);
    // And after throwing the edits away (every edited document reverted), the cache answers everything.
    for (const d of vscode.workspace.textDocuments.filter((x) => x.isDirty)) {
      await vscode.window.showTextDocument(d);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await revertAll();
    ui.answers.push({ match: /Found \d+ image/, pick: 'Generate' });
    const cached = await vscode.commands.executeCommand<{ found: number; filled: number; sent: number }>('describeImage.fillMissingAltText');
    assert.ok(cached && cached.filled >= 30, JSON.stringify(cached));
    assert.equal(cached.sent, 0);
    assert.equal(server.requests.length, 0);
    await revertAll();
  });

  it('the review path: the edit waits in the refactor preview, unticked, until the user acts; Discard changes nothing', async () => {
    const dir = vscode.Uri.joinPath(folder(), 'review');
    await fs.mkdir(dir.fsPath, { recursive: true });
    await fs.copyFile(vscode.Uri.joinPath(folder(), 'images', 'ui.png').fsPath, vscode.Uri.joinPath(dir, 'r.png').fsPath);
    const page = vscode.Uri.joinPath(dir, 'review.md');
    await fs.writeFile(page.fsPath, '# Review\n\nThe dialog: ![](r.png)\n');
    await vscode.workspace.getConfiguration('describeImage.altText').update('include', 'review/**/*.md', vscode.ConfigurationTarget.Workspace);
    try {
      ui.reviewEdits = true;
      ui.answers.push({ match: /Found 1 image\(s\) without alt text in 1 file\(s\)/, pick: 'Generate' });
      const running = vscode.commands.executeCommand<{ applied: boolean; filled: number }>('describeImage.fillMissingAltText');
      let settled = false;
      void running.then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(settled, false, 'the edit waits for the review');
      assert.equal(server.requests.length, 1, 'the alt text was generated');
      assert.equal((await vscode.workspace.openTextDocument(page)).getText(), '# Review\n\nThe dialog: ![](r.png)\n', 'nothing changed yet');
      for (let i = 0; i < 50 && !settled; i++) {
        await Promise.resolve(vscode.commands.executeCommand('refactorPreview.discard')).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
      }
      const report = await running;
      assert.equal(report?.applied, false);
      assert.equal(report?.filled, 1);
      assert.equal((await vscode.workspace.openTextDocument(page)).getText(), '# Review\n\nThe dialog: ![](r.png)\n');
    } finally {
      await vscode.workspace.getConfiguration('describeImage.altText').update('include', undefined, vscode.ConfigurationTarget.Workspace);
      await revertAll();
    }
  });

  it('the workspace scan leaves out what .gitignore files say (nested too) and a file changed meanwhile; a wrong key stops at once', async () => {
    const dir = vscode.Uri.joinPath(folder(), 'scan');
    await fs.mkdir(vscode.Uri.joinPath(dir, 'drafts').fsPath, { recursive: true });
    await fs.copyFile(vscode.Uri.joinPath(folder(), 'images', 'photo.jpg').fsPath, vscode.Uri.joinPath(dir, 'p.jpg').fsPath);
    await fs.writeFile(vscode.Uri.joinPath(dir, '.gitignore').fsPath, 'drafts/\n');
    await fs.writeFile(vscode.Uri.joinPath(dir, 'drafts', 'draft.md').fsPath, '![](../p.jpg)\n');
    await fs.writeFile(vscode.Uri.joinPath(dir, 'a.md').fsPath, '![](p.jpg)\n');
    // p.jpg in the same context on both pages (alone, no words around it): one alt text, one request.
    await fs.writeFile(vscode.Uri.joinPath(dir, 'b.md').fsPath, '![](p.jpg)\n\n![](missing.png)\n');
    await vscode.workspace.getConfiguration('describeImage.altText').update('include', 'scan/**/*.md', vscode.ConfigurationTarget.Workspace);
    try {
      // A wrong key: one request, one error with Set API Key, nothing changed.
      await vscode.commands.executeCommand('describeImage.setApiKey', 'wrong-key-1234');
      ui.answers.push({ match: /Found 2 image\(s\) without alt text in 2 file\(s\)/, pick: 'Generate' });
      assert.equal(await vscode.commands.executeCommand('describeImage.fillMissingAltText'), undefined);
      assert.equal(server.requests.length, 1);
      assert.deepEqual(ui.errors().length, 1);
      assert.match(ui.errors()[0] ?? '', /API key was refused \(401\)/);
      assert.ok(ui.messages.find((m) => m.level === 'error')?.items.includes('Set API Key'));
      await vscode.commands.executeCommand('describeImage.setApiKey', server.key);

      // a.md changes on disk while the alt text is generated: it is left alone, b.md is filled.
      server.requests.length = 0;
      server.latencyMs = 1500;
      ui.answers.push({ match: /Found 2 image\(s\) without alt text in 2 file\(s\)/, pick: 'Generate', before: () => setTimeout(() => void fs.writeFile(vscode.Uri.joinPath(dir, 'a.md').fsPath, '![](p.jpg)\n\nA new line.\n'), 700) });
      const report = await vscode.commands.executeCommand<{ filled: number; skipped: string[] }>('describeImage.fillMissingAltText');
      assert.ok(report, ui.errors().join(' | '));
      assert.equal(report.filled, 1);
      assert.ok(report.skipped.some((s) => /scan\/a\.md: changed while alt text was generated/.test(s)), report.skipped.join('\n'));
      assert.ok(report.skipped.some((s) => /scan\/b\.md:3: no such file: missing\.png/.test(s)), report.skipped.join('\n'));
      assert.equal(server.requests.length, 1, 'the draft (ignored) and the missing file are never sent; p.jpg once');
      assert.match((await vscode.workspace.openTextDocument(vscode.Uri.joinPath(dir, 'b.md'))).getText(), /^!\[A 120x80 picture with \d+ bytes\.\]\(p\.jpg\)\n\n!\[\]\(missing\.png\)/);
    } finally {
      server.latencyMs = 0;
      await vscode.workspace.getConfiguration('describeImage.altText').update('include', undefined, vscode.ConfigurationTarget.Workspace);
      await revertAll();
    }
  });

  it('Fill Missing Alt Text edits a closed file that starts with a BOM (kept on save) and skips a file that is not UTF-8, saying why', async () => {
    const dir = vscode.Uri.joinPath(folder(), 'encodings');
    await fs.mkdir(dir.fsPath, { recursive: true });
    await fs.copyFile(vscode.Uri.joinPath(folder(), 'images', 'ui.png').fsPath, vscode.Uri.joinPath(dir, 'e.png').fsPath);
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const bomPage = vscode.Uri.joinPath(dir, 'bom.md');
    await fs.writeFile(bomPage.fsPath, Buffer.concat([bom, Buffer.from('# BOM\n\nThe dialog: ![](e.png)\n')]));
    const latin1 = Buffer.from('# Café\n\nLe résumé : ![](e.png)\n', 'latin1');
    const latinPage = vscode.Uri.joinPath(dir, 'latin.md');
    await fs.writeFile(latinPage.fsPath, latin1);
    await vscode.workspace.getConfiguration('describeImage.altText').update('include', 'encodings/**/*.md', vscode.ConfigurationTarget.Workspace);
    try {
      ui.answers.push({ match: /Found \d+ image\(s\) without alt text/, pick: 'Generate' });
      const report = await vscode.commands.executeCommand<{ found: number; filled: number; applied: boolean; skipped: string[] }>('describeImage.fillMissingAltText');
      assert.ok(report, ui.messages.map((m) => m.message).join(' | '));
      assert.deepEqual([report.found, report.filled, report.applied], [1, 1, true], report.skipped.join('\n'));
      assert.equal(report.skipped.length, 1, report.skipped.join('\n'));
      assert.match(report.skipped[0] ?? '', /^encodings\/latin\.md:1: not valid UTF-8 \(line 1\)/);
      const doc = await vscode.workspace.openTextDocument(bomPage);
      assert.equal(doc.getText(), '# BOM\n\nThe dialog: ![A 160x100 picture with 970 bytes.](e.png)\n', 'the edit is where the image is');
      assert.equal(await doc.save(), true);
      assert.deepEqual(await fs.readFile(bomPage.fsPath), Buffer.concat([bom, Buffer.from(doc.getText())]), 'the BOM is kept');
      assert.deepEqual(await fs.readFile(latinPage.fsPath), latin1, 'the Latin-1 file is byte for byte as it was');
      // Open, the Latin-1 file is a UTF-8 document whose unreadable bytes VS Code replaced: it is skipped all the same.
      const opened = await vscode.workspace.openTextDocument(latinPage);
      assert.equal(opened.isDirty, false, 'no edit is pending in it');
      assert.equal(opened.encoding, 'utf8');
      const again = await vscode.commands.executeCommand<{ found: number; skipped: string[] }>('describeImage.fillMissingAltText');
      assert.equal(again?.found, 0);
      assert.match(again.skipped.join('\n'), /^encodings\/latin\.md:1: not valid UTF-8 \(line 1\)/);
      assert.deepEqual(await fs.readFile(latinPage.fsPath), latin1);
    } finally {
      await vscode.workspace.getConfiguration('describeImage.altText').update('include', undefined, vscode.ConfigurationTarget.Workspace);
      await revertAll();
    }
  });

  it('a document over 5 MB is not parsed: no quick fix on it (the extension host stays responsive), and the fill lists it as too large', async () => {
    const dir = vscode.Uri.joinPath(folder(), 'huge');
    await fs.mkdir(dir.fsPath, { recursive: true });
    const page = vscode.Uri.joinPath(dir, 'huge.md');
    await fs.writeFile(page.fsPath, `![](../images/ui.png)\n\n${'Filler text for a very long page. '.repeat(180_000)}\n`);
    await vscode.workspace.getConfiguration('describeImage.altText').update('include', 'huge/**/*.md', vscode.ConfigurationTarget.Workspace);
    try {
      const report = await vscode.commands.executeCommand<{ found: number; skipped: string[] }>('describeImage.fillMissingAltText');
      assert.equal(report.found, 0);
      assert.deepEqual(report.skipped, ['huge/huge.md:1: too large to check (5.8 MB; files up to 5 MB are read)']);
      const doc = await vscode.workspace.openTextDocument(page);
      const started = Date.now();
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', page, new vscode.Range(0, 3, 0, 3));
      assert.ok(!actions.some((a) => a.title === 'Generate alt text'), actions.map((a) => a.title).join(', '));
      assert.ok(Date.now() - started < 5000, `code actions answered in ${Date.now() - started} ms`);
      const open = await vscode.commands.executeCommand<{ skipped: string[] }>('describeImage.fillMissingAltText');
      assert.deepEqual(open.skipped, ['huge/huge.md:1: too large to check (5.8 MB; files up to 5 MB are read)'], 'open, it is listed all the same');
      assert.equal(doc.isDirty, false);
    } finally {
      await vscode.workspace.getConfiguration('describeImage.altText').update('include', undefined, vscode.ConfigurationTarget.Workspace);
      await revertAll();
    }
  });

  it('the altTextCheck tool: a pattern that matches nothing is an error, with the words the MCP tool and the CLI use', async () => {
    const check = async (paths: string[]) => {
      const result = await vscode.lm.invokeTool('describeImage_altTextCheck', { input: { paths }, toolInvocationToken: undefined });
      return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('\n');
    };
    await assert.rejects(check(['nothere.md']), (e: Error) => e.message.includes('nothere.md: no such file or folder.'));
    await assert.rejects(check(['docs/**/*.rst']), (e: Error) => e.message.includes('docs/**/*.rst matches no Markdown, MDX, HTML, JSX or TSX file (node_modules, .git, hidden files and what .gitignore says are left out).'));
    assert.match(await check(['docs/quick.md']), /^\d+ finding\(s\) in [01] file\(s\); 1 file\(s\) checked\./);
  });

  it('a link that differs from its file in letter case: diagnostics name the real file, "Use the file\'s real name" fixes it', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'docs', 'case.md');
    await fs.writeFile(uri.fsPath, '# Case\n\n![A screenshot of the app](../images/screenshot.png)\n\n![](../images/gone.png)\n');
    await withDiagnostics(uri, 3, async (doc, diags) => {
      assert.deepEqual(
        diags.map((d) => `${d.range.start.line + 1} ${String(d.code)}`),
        ['3 image-path-case', '5 alt-missing', '5 image-missing'],
      );
      assert.match(diags[0]?.message ?? '', /differs in letter case from the file "\.\.\/images\/Screenshot\.PNG"/);
      const at = doc.positionAt(doc.getText().indexOf('../images/screenshot.png'));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(at, at));
      const fix = actions.find((a) => a.title === "Use the file's real name: Screenshot.PNG");
      assert.ok(fix?.command, actions.map((a) => a.title).join(', '));
      assert.equal(await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? [])), true);
      assert.match(doc.getText(), /!\[A screenshot of the app\]\(\.\.\/images\/Screenshot\.PNG\)/);
      assert.equal(server.requests.length, 0);
    });
  });

  it("Learn's :::image: a content image without alt-text is reported and its quick fix writes alt-text in Learn's quoting; an icon is not", async () => {
    const uri = vscode.Uri.joinPath(folder(), 'docs', 'learn-article.md');
    await fs.writeFile(uri.fsPath, '# Set up\n\n1. Select the ellipsis (:::image type="icon" source="../images/ui.png" border="false":::).\n\n:::image type="content" source="../images/ui.png" lightbox="../images/ui.png":::\n');
    try {
      await withDiagnostics(uri, 1, async (doc, diags) => {
        assert.deepEqual(diags.map((d) => `${d.range.start.line + 1} ${String(d.code)}`), ['5 alt-missing']);
        const at = doc.positionAt(doc.getText().indexOf(':::image type="content"') + 3);
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(at, at));
        const fix = actions.find((a) => a.title === 'Generate alt text');
        assert.ok(fix?.command, actions.map((a) => a.title).join(', '));
        assert.equal(await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? [])), true, ui.messages.map((m) => m.message).join(' | '));
        assert.match(doc.getText(), /\n:::image type="content" source="\.\.\/images\/ui\.png" alt-text="A 160x100 picture with 970 bytes\." lightbox="\.\.\/images\/ui\.png":::\n/);
        assert.match(doc.getText(), /\(:::image type="icon" source="\.\.\/images\/ui\.png" border="false":::\)/, 'the icon is left as it was');
        assert.equal(server.requests.length, 1);
      });
    } finally {
      await fs.rm(uri.fsPath, { force: true });
    }
  });

  it('a Docusaurus .md page is read as MDX, with the repository\'s image components: diagnostics and the quick fix as the CLI', async () => {
    const site = vscode.Uri.joinPath(folder(), 'dsite');
    await fs.mkdir(vscode.Uri.joinPath(site, 'docs').fsPath, { recursive: true });
    await fs.mkdir(vscode.Uri.joinPath(site, 'static', 'img').fsPath, { recursive: true });
    await fs.writeFile(vscode.Uri.joinPath(site, 'docusaurus.config.js').fsPath, "module.exports = { title: 'Site', baseUrl: '/', presets: [['classic', { docs: { path: 'docs' } }]] };\n");
    await fs.writeFile(vscode.Uri.joinPath(site, '.describe-image.json').fsPath, '{"imageComponents": {"Illustration": {"src": "src", "alt": "alt"}}}\n');
    await fs.writeFile(vscode.Uri.joinPath(site, 'static', 'img', 'chart.png').fsPath, await sharp({ create: { width: 160, height: 100, channels: 3, background: '#3366aa' } }).png().toBuffer());
    const uri = vscode.Uri.joinPath(site, 'docs', 'security.md');
    await fs.writeFile(uri.fsPath, "# Security\n\n<img src=\"/img/chart.png\" width={283} alt=\" \" style={{float: 'right'}} />\n\n<Illustration caption=\"Render\" src=\"/img/chart.png\" />\n");
    // The extension keeps what it detected in a folder for 5 s (roots.ts): the site made just now is seen after that.
    await new Promise((r) => setTimeout(r, 5500));
    try {
      await withDiagnostics(uri, 2, async (doc, diags) => {
        assert.deepEqual(diags.map((d) => `${d.range.start.line + 1} ${String(d.code)}`), ['3 alt-missing', '5 alt-missing']);
        const at = doc.positionAt(doc.getText().indexOf('<Illustration') + 1);
        // A busy extension host may cancel the first request: ask again briefly.
        let actions: vscode.CodeAction[] = [];
        for (let i = 0; i < 20 && !actions.some((a) => a.title === 'Generate alt text'); i++) {
          if (i) await new Promise((r) => setTimeout(r, 250));
          actions = await Promise.resolve(vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(at, at))).catch(() => []);
        }
        const fix = actions.find((a) => a.title === 'Generate alt text');
        assert.ok(fix?.command, actions.map((a) => a.title).join(', '));
        assert.equal(await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? [])), true, ui.messages.map((m) => m.message).join(' | '));
        assert.match(doc.getText(), /<Illustration caption="Render" src="\/img\/chart\.png" alt="A 160x100 picture with \d+ bytes\." \/>/);
        assert.equal(server.requests.length, 1);
      });
    } finally {
      await fs.rm(site.fsPath, { recursive: true, force: true });
    }
  });
});
