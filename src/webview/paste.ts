/**
 * The paste panel's script (runs in the webview; bundled by esbuild to media/dist/paste.js). It reads pasted,
 * dropped or picked images, shows what the extension accepted, and sends the prompt. It decides nothing the
 * extension has to trust: the extension validates every message and every byte.
 */
import type { Detail, FromWebview, ImageInfo, PresetInfo, ToWebview } from './protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const drop = $<HTMLDivElement>('drop');
const list = $<HTMLUListElement>('images');
const notice = $<HTMLParagraphElement>('notice');
const preset = $<HTMLSelectElement>('preset');
const prompt = $<HTMLTextAreaElement>('prompt');
const deployment = $<HTMLSpanElement>('deployment');
const chooseModel = $<HTMLButtonElement>('choose-model');
/** Which model answers, and where the images go (set by the extension). */
function showModel(text: string | undefined): void {
  deployment.textContent = text ? `Model: ${text}` : 'No model chosen';
}
const send = $<HTMLButtonElement>('send');
const cancel = $<HTMLButtonElement>('cancel');
const progress = $<HTMLSpanElement>('progress');
const errorBox = $<HTMLDivElement>('error');
const errorText = $<HTMLParagraphElement>('error-text');
const errorActions = $<HTMLDivElement>('error-actions');

let images: readonly ImageInfo[] = [];
let presets: readonly PresetInfo[] = [];
let maxImages = 10;
let maxBytes = 50 * 1024 * 1024;
let busy = false;
/** Which folder the extension keeps this panel's images in: saved with the state, for the panel restored after a reload. */
let panelId: string | undefined;

const detailValue = (): Detail => (document.querySelector<HTMLInputElement>('input[name="detail"]:checked')?.value as Detail | undefined) ?? 'auto';

/**
 * Whether `init` came: until then the form holds nothing of the panel's (a restored panel's images may arrive first),
 * and saving it would overwrite the saved prompt with an empty one.
 */
let initialised = false;

function saveState(): void {
  if (!initialised) return;
  const state = { prompt: prompt.value, detail: detailValue(), presetId: preset.value || undefined, images, panelId };
  vscode.setState(state);
  vscode.postMessage({ type: 'state', prompt: state.prompt, detail: state.detail, presetId: state.presetId });
}

function formatBytes(n: number): string {
  if (n >= 1048576) return `${(n / 1048576).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

function renderImages(): void {
  list.replaceChildren(
    ...images.map((image) => {
      const li = document.createElement('li');
      li.className = 'image';
      if (image.thumbnail) {
        const img = document.createElement('img');
        img.src = image.thumbnail;
        img.alt = image.name;
        li.append(img);
      } else {
        const placeholder = document.createElement('div');
        placeholder.className = 'placeholder';
        placeholder.textContent = image.url ? 'URL' : image.mime.replace('image/', '').toUpperCase();
        li.append(placeholder);
      }
      const caption = document.createElement('div');
      caption.className = 'caption';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = image.name;
      name.title = image.url ?? image.name;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = image.url ? image.url : `${formatBytes(image.bytes)}${image.width && image.height ? ` · ${image.width}×${image.height}` : ''}`;
      caption.append(name, meta);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = '×';
      remove.title = `Remove ${image.name}`;
      remove.setAttribute('aria-label', `Remove ${image.name}`);
      remove.addEventListener('click', () => vscode.postMessage({ type: 'remove', id: image.id }));
      li.append(caption, remove);
      return li;
    }),
  );
  drop.classList.toggle('has-images', images.length > 0);
  send.disabled = busy || images.length === 0;
  saveState();
}

function showNotice(text: string, kind: 'info' | 'warn' = 'info'): void {
  notice.textContent = text;
  notice.className = `notice ${kind}`;
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

async function addFiles(files: readonly File[]): Promise<void> {
  errorBox.hidden = true;
  if (files.length === 0) return;
  const room = maxImages - images.length;
  if (room <= 0 || files.length > room) {
    showNotice(`At most ${maxImages} images in one request: ${files.length > room ? `${files.length - Math.max(0, room)} not added.` : 'remove one first.'}`, 'warn');
  }
  const chosen = files.slice(0, Math.max(0, room));
  const tooBig = chosen.filter((f) => f.size > maxBytes);
  if (tooBig.length) showNotice(`${tooBig.map((f) => f.name).join(', ')}: larger than ${Math.round(maxBytes / 1048576)} MB, not added.`, 'warn');
  const ok = chosen.filter((f) => f.size <= maxBytes);
  if (ok.length === 0) return;
  const payload = await Promise.all(ok.map(async (f, i) => ({ name: f.name || `pasted-${images.length + i + 1}.png`, dataBase64: await readAsBase64(f) })));
  vscode.postMessage({ type: 'addImages', images: payload });
}

document.addEventListener('paste', (event: ClipboardEvent) => {
  const data = event.clipboardData;
  if (!data) return;
  const files = [...data.files];
  if (files.length > 0) {
    event.preventDefault();
    void addFiles(files);
    return;
  }
  if (event.target === prompt) return; // ordinary text paste into the prompt
  const text = data.getData('text/plain').trim();
  if (/^https?:\/\/\S+$/i.test(text)) {
    event.preventDefault();
    vscode.postMessage({ type: 'addUrl', url: text });
    return;
  }
  event.preventDefault();
  showNotice(text ? 'The clipboard holds text, not an image: copy a screenshot or an image file and paste again.' : 'The clipboard holds no image.', 'warn');
});

for (const type of ['dragenter', 'dragover']) {
  drop.addEventListener(type, (e) => {
    e.preventDefault();
    drop.classList.add('dragging');
  });
}
drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
drop.addEventListener('drop', (event: DragEvent) => {
  event.preventDefault();
  drop.classList.remove('dragging');
  const data = event.dataTransfer;
  if (!data) return;
  const files = [...data.files];
  if (files.length > 0) {
    void addFiles(files);
    return;
  }
  // An image dragged from a browser often arrives as a link: the service fetches http(s) images itself.
  const uri = data.getData('text/uri-list').split('\n').find((l) => /^https?:\/\//i.test(l.trim()));
  if (uri) vscode.postMessage({ type: 'addUrl', url: uri.trim() });
  else showNotice('Nothing to add: drop image files or images from a web page.', 'warn');
});
drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    vscode.postMessage({ type: 'pick' });
  }
});
$<HTMLButtonElement>('pick').addEventListener('click', (e) => {
  e.stopPropagation();
  vscode.postMessage({ type: 'pick' });
});

preset.addEventListener('change', () => {
  const p = presets.find((x) => x.id === preset.value);
  if (p) prompt.value = p.prompt;
  saveState();
});
prompt.addEventListener('input', () => {
  preset.value = '';
  saveState();
});
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="detail"]')) radio.addEventListener('change', saveState);

function doSend(): void {
  if (busy || images.length === 0) {
    if (images.length === 0) showNotice('Paste, drop or choose an image first.', 'warn');
    return;
  }
  errorBox.hidden = true;
  vscode.postMessage({ type: 'send', prompt: prompt.value, detail: detailValue(), presetId: preset.value || undefined });
}
send.addEventListener('click', doSend);
$<HTMLButtonElement>('extract').addEventListener('click', () => {
  if (busy || images.length === 0) {
    if (images.length === 0) showNotice('Paste, drop or choose an image first.', 'warn');
    return;
  }
  errorBox.hidden = true;
  vscode.postMessage({ type: 'extract' });
});
cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
chooseModel.addEventListener('click', () => vscode.postMessage({ type: 'action', action: 'choose-model' }));
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    doSend();
  }
});

/** The panel's settings and state, once the extension answered `ready` (a restored panel's included). */
function applyInit(m: Extract<ToWebview, { type: 'init' }>): void {
  presets = m.presets;
  maxImages = m.maxImages;
  maxBytes = m.maxBytes;
  preset.replaceChildren(
    Object.assign(document.createElement('option'), { value: '', textContent: 'Custom prompt' }),
    ...presets.map((p) => Object.assign(document.createElement('option'), { value: p.id, textContent: p.label })),
  );
  const saved = vscode.getState() as { prompt?: string; detail?: Detail; presetId?: string } | undefined;
  prompt.value = saved?.prompt ?? m.state.prompt;
  preset.value = saved?.presetId ?? m.state.presetId ?? (presets.find((p) => p.prompt === prompt.value)?.id || '');
  const detail = saved?.detail ?? m.state.detail;
  const radio = document.querySelector<HTMLInputElement>(`input[name="detail"][value="${detail}"]`);
  if (radio) radio.checked = true;
  showModel(m.deployment);
  panelId = m.state.panelId;
  images = m.state.images;
  initialised = true;
  renderImages();
  drop.focus();
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      applyInit(m);
      break;
    case 'images':
      images = m.images;
      renderImages();
      if (images.length) showNotice(`${images.length} image${images.length === 1 ? '' : 's'} ready. Press Ctrl+Enter to describe.`);
      break;
    case 'refused':
      showNotice(m.message, 'warn');
      break;
    case 'busy':
      busy = m.busy;
      send.disabled = busy || images.length === 0;
      cancel.hidden = !busy;
      progress.textContent = m.message ?? '';
      document.body.classList.toggle('busy', busy);
      break;
    case 'error':
      errorText.textContent = m.message;
      errorActions.replaceChildren(
        ...m.actions.map((a) => {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = a.label;
          b.addEventListener('click', () => vscode.postMessage({ type: 'action', action: a.action }));
          return b;
        }),
      );
      errorBox.hidden = false;
      break;
    case 'done':
      progress.textContent = m.message;
      break;
    case 'deployment':
      showModel(m.deployment);
      break;
  }
});

vscode.postMessage({ type: 'ready' });
