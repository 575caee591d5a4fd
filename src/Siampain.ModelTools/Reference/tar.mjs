// Reads one file out of an uncompressed tar archive (npm tarballs are plain ustar).

const BLOCK = 512;

export function readTarEntry(archive, wanted) {
  for (let at = 0; at + BLOCK <= archive.length;) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) {
      break;
    }
    const field = (start, length) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const body = at + BLOCK;
    if (name === wanted && (type === '0' || type === '')) {
      return archive.subarray(body, body + size);
    }
    at = body + Math.ceil(size / BLOCK) * BLOCK;
  }
  return null;
}
