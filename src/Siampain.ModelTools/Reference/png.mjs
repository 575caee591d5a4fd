// A PNG reader for what the crops are: 8-bit RGB, not interlaced. Decoding in Node, not in the browser,
// keeps colour management and canvas premultiplication away from the reference's input bytes.

import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
const CHANNELS = 3;

export function decodePng(bytes, name) {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(SIGNATURE)) {
    throw new Error(`${name}: not a PNG file`);
  }
  let width = 0;
  let height = 0;
  const data = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || colour !== 2 || interlace !== 0) {
        throw new Error(`${name}: only 8-bit RGB non-interlaced PNG is supported (depth ${depth}, colour type ${colour}, interlace ${interlace})`);
      }
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
    at += 12 + length;
  }
  if (width === 0 || data.length === 0) {
    throw new Error(`${name}: PNG without IHDR or IDAT`);
  }

  const raw = inflateSync(Buffer.concat(data));
  const stride = width * CHANNELS;
  if (raw.length !== height * (stride + 1)) {
    throw new Error(`${name}: PNG data is ${raw.length} bytes, expected ${height * (stride + 1)}`);
  }
  const rgb = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= CHANNELS ? rgb[out + x - CHANNELS] : 0;
      const up = y > 0 ? rgb[out + x - stride] : 0;
      const upLeft = y > 0 && x >= CHANNELS ? rgb[out + x - stride - CHANNELS] : 0;
      let predictor;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = left; break;
        case 2: predictor = up; break;
        case 3: predictor = (left + up) >> 1; break;
        case 4: predictor = paeth(left, up, upLeft); break;
        default: throw new Error(`${name}: bad PNG filter ${filter} on row ${y}`);
      }
      rgb[out + x] = (line[x] + predictor) & 0xff;
    }
  }
  return { width, height, rgb };
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
