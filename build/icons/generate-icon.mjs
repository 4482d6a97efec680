// Draws build/icons/icon.png (512×512 RGBA): a blue rounded square with a white cross and a check-list bar —
// a stand-in icon, made without image tools (zlib + a hand-written PNG encoder). electron-builder derives the
// Windows .ico and the Linux sizes from it.   node build/icons/generate-icon.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // supersampling per axis, for smooth edges

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function insideRoundedRect(x, y, x0, y0, x1, y1, r) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** colour of a point: [r, g, b, a] */
function shade(x, y) {
  if (!insideRoundedRect(x, y, 16, 16, 496, 496, 96)) return [0, 0, 0, 0];
  const white = [255, 255, 255, 255];
  // medical cross
  if (insideRoundedRect(x, y, 216, 96, 296, 336, 14) || insideRoundedRect(x, y, 136, 176, 376, 256, 14)) return white;
  // a list line under it
  if (insideRoundedRect(x, y, 136, 376, 376, 416, 20)) return [255, 255, 255, 200];
  // vertical gradient blue
  const t = y / SIZE;
  return [Math.round(22 + 10 * t), Math.round(119 - 40 * t), Math.round(255 - 60 * t), 255];
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = shade(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
        // premultiplied accumulation
        acc[0] += (c[0] * c[3]) / 255;
        acc[1] += (c[1] * c[3]) / 255;
        acc[2] += (c[2] * c[3]) / 255;
        acc[3] += c[3];
      }
    }
    const n = SAMPLES * SAMPLES;
    const a = acc[3] / n;
    const o = y * (SIZE * 4 + 1) + 1 + x * 4;
    raw[o] = a ? Math.round(((acc[0] / n) * 255) / a) : 0;
    raw[o + 1] = a ? Math.round(((acc[1] / n) * 255) / a) : 0;
    raw[o + 2] = a ? Math.round(((acc[2] / n) * 255) / a) : 0;
    raw[o + 3] = Math.round(a);
  }
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.join(import.meta.dirname, 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
