/**
 * The APNG reader's PNG chunks: each frame is decoded as a one-image PNG assembled from the APNG's chunks, so every
 * chunk written (IHDR, PLTE, tRNS, IDAT, IEND) must carry the CRC a PNG decoder checks. The CRC is Node's
 * `zlib.crc32`; here it is held to chunks sharp (libpng/libspng) wrote itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { pngChunk } from '../../../src/core/animation/apng';

/** The chunks of a PNG, as written: type, data, and the whole chunk's bytes. */
function chunksOf(png: Uint8Array): { type: string; data: Uint8Array; bytes: Uint8Array }[] {
  const out: { type: string; data: Uint8Array; bytes: Uint8Array }[] = [];
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let p = 8; p + 12 <= png.length; ) {
    const len = view.getUint32(p);
    out.push({ type: Buffer.from(png.subarray(p + 4, p + 8)).toString('latin1'), data: png.subarray(p + 8, p + 8 + len), bytes: png.subarray(p, p + 12 + len) });
    p += 12 + len;
  }
  return out;
}

describe('APNG chunks', () => {
  it('writes every chunk of a PNG that sharp wrote byte for byte, CRC included (palette, transparency, pixels)', async () => {
    // A small button on a half-transparent background, saved as a palette PNG: IHDR, PLTE, tRNS, IDAT, IEND.
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="20"><rect width="48" height="20" fill="#0e639c" fill-opacity="0.5"/><rect x="6" y="5" width="36" height="10" fill="#ffffff"/></svg>';
    const png = new Uint8Array(await sharp(Buffer.from(svg)).png({ palette: true, colours: 8 }).toBuffer());
    const chunks = chunksOf(png);
    assert.deepEqual(
      chunks.map((c) => c.type).filter((t) => ['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND'].includes(t)),
      ['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND'],
    );
    for (const c of chunks) assert.deepEqual(Buffer.concat(pngChunk(c.type, c.data)), Buffer.from(c.bytes), `${c.type} chunk`);
  });

  it('gives an empty IEND chunk the CRC every PNG ends with (AE 42 60 82)', () => {
    assert.equal(Buffer.concat(pngChunk('IEND', new Uint8Array(0))).toString('hex'), '0000000049454e44ae426082');
  });
});
