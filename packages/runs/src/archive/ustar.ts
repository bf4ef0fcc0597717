import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * The POSIX ustar tar format, the subset a run archive needs: regular files
 * with short names (≤ 100 bytes), sizes below 8 GiB, written and read as
 * streams. What it writes any `tar` reads (`tar tvf x.oqatrun`); what it reads
 * is checked block by block (header checksums, sizes, the two zero blocks that
 * end an archive), and every byte read goes through a SHA-256 the caller can
 * snapshot (`digestSoFar`), so a damaged or cut archive is told from a sound one.
 */

const BLOCK = 512;
/** 11 octal digits in the size field. */
export const USTAR_MAX_SIZE = 8 ** 11 - 1;
const MAX_NAME = 100;

/** Something about the bytes that is not a sound ustar archive; the reader's caller words it for the user. */
export class TarFormatError extends Error {}

/** A file that grew or shrank while it was written into an archive. */
export class TarFileChangedError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** One 512-byte ustar header for a regular file. */
export function tarHeader(name: string, size: number, mtimeSeconds: number): Buffer {
  if (Buffer.byteLength(name) > MAX_NAME) throw new RangeError(`tar entry name longer than ${MAX_NAME} bytes: ${name}`);
  if (!Number.isSafeInteger(size) || size < 0 || size > USTAR_MAX_SIZE) throw new RangeError(`tar entry ${name}: size ${size} is not below 8 GiB`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.max(0, Math.floor(mtimeSeconds)), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(octal(checksum(h), 8), 148, 'ascii');
  return h;
}

/** The header's checksum: the byte sum with the checksum field read as spaces. */
function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum;
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * An archive's bytes, produced as iterables to pipe into a file
 * (`pipeline(bytes(), createWriteStream(path))`: backpressure and errors are
 * the pipeline's). `digestSoFar()` is the SHA-256 of every byte produced until then.
 */
export class TarWriter {
  private readonly hash = createHash('sha256');
  private readonly mtime = Math.floor(Date.now() / 1000);

  *buffer(name: string, body: Buffer): Generator<Buffer> {
    yield this.hashed(tarHeader(name, body.length, this.mtime));
    if (body.length > 0) yield this.hashed(body);
    yield this.hashed(Buffer.alloc(padding(body.length)));
  }

  /** A file of `size` bytes, streamed; `digest` receives its SHA-256. Throws TarFileChangedError if its length is not `size`. */
  async *file(name: string, path: string, size: number, digest: (sha256: string) => void): AsyncGenerator<Buffer> {
    yield this.hashed(tarHeader(name, size, this.mtime));
    const fileHash = createHash('sha256');
    let read = 0;
    for await (const chunk of createReadStream(path)) {
      const bytes = chunk as Buffer;
      read += bytes.length;
      if (read > size) break;
      fileHash.update(bytes);
      yield this.hashed(bytes);
    }
    if (read !== size) throw new TarFileChangedError(path, `it changed while it was archived: ${size} bytes expected, ${read}${read > size ? '+' : ''} read`);
    yield this.hashed(Buffer.alloc(padding(size)));
    digest(fileHash.digest('hex'));
  }

  /** The SHA-256 (hex) of the bytes produced so far. */
  digestSoFar(): string {
    return this.hash.copy().digest('hex');
  }

  /** The two zero blocks that end an archive. */
  *end(): Generator<Buffer> {
    yield this.hashed(Buffer.alloc(2 * BLOCK));
  }

  private hashed(bytes: Buffer): Buffer {
    this.hash.update(bytes);
    return bytes;
  }
}

/** Exact reads over a byte stream, every consumed byte hashed. */
class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  readonly hash: Hash = createHash('sha256');

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** `n` bytes, or fewer when the stream ends first. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const take = Math.min(n, this.buffered);
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, take);
    const rest = all.subarray(take);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    this.hash.update(out);
    return out;
  }

  /** Exactly `n` bytes in the chunks the stream gives; a short stream throws TarFormatError. */
  async *stream(n: number, what: string): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0) await this.fill(1);
      if (this.buffered === 0) throw new TarFormatError(`it ends inside ${what} (${n - left} of ${n} bytes)`);
      const head = this.chunks[0]!;
      const part = head.length <= left ? head : head.subarray(0, left);
      if (part === head) this.chunks.shift();
      else this.chunks[0] = head.subarray(left);
      this.buffered -= part.length;
      left -= part.length;
      this.hash.update(part);
      yield part;
    }
  }

  /** True when nothing but zero bytes follows. */
  async onlyZerosLeft(): Promise<boolean> {
    for (;;) {
      const part = await this.read(64 * 1024);
      if (part.length === 0) return true;
      if (part.some((b) => b !== 0)) return false;
    }
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else {
        this.chunks.push(next.value);
        this.buffered += next.value.length;
      }
    }
  }
}

export interface TarEntry {
  readonly name: string;
  readonly size: number;
  /** The SHA-256 (hex) of every archive byte before this entry's header. */
  readonly digestBefore: string;
  /** The entry's bytes; read them all before asking for the next entry. */
  readonly body: AsyncIterable<Buffer>;
}

function field(h: Buffer, at: number, width: number): string {
  const raw = h.subarray(at, at + width);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? width : nul).toString('utf8');
}

function parseOctal(text: string, what: string): number {
  const digits = text.trim();
  if (!/^[0-7]+$/.test(digits)) throw new TarFormatError(`a header's ${what} is not an octal number`);
  return parseInt(digits, 8);
}

/**
 * The entries of a ustar archive read from `source`, in order. Throws
 * TarFormatError for a header with a wrong checksum or type, a body or end
 * that the stream cuts short, or bytes after the end that are not zeros.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  for (let index = 0; ; index++) {
    const digestBefore = reader.hash.copy().digest('hex');
    const header = await reader.read(BLOCK);
    if (header.length === 0) throw new TarFormatError(`it ends after ${index} entries without the end-of-archive blocks`);
    if (header.length < BLOCK) throw new TarFormatError(`it ends inside the header of entry ${index + 1}`);
    if (header.every((b) => b === 0)) {
      const second = await reader.read(BLOCK);
      if (second.length < BLOCK || !second.every((b) => b === 0)) throw new TarFormatError('its end-of-archive blocks are cut or damaged');
      if (!(await reader.onlyZerosLeft())) throw new TarFormatError('bytes follow its end-of-archive blocks');
      return;
    }
    if (parseOctal(field(header, 148, 8), 'checksum') !== checksum(header)) {
      throw new TarFormatError(`the header of entry ${index + 1} fails its checksum`);
    }
    if (field(header, 257, 6) !== 'ustar' || field(header, 263, 2) !== '00') throw new TarFormatError(`entry ${index + 1} is not a ustar header`);
    const type = header[156]!;
    if (type !== 0x30 && type !== 0) throw new TarFormatError(`entry ${index + 1} is not a regular file (type '${String.fromCharCode(type)}')`);
    const prefix = field(header, 345, 155);
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const size = parseOctal(field(header, 124, 12), 'size');
    let consumed = false;
    const body = (async function* () {
      yield* reader.stream(size, name);
      const pad = await reader.read(padding(size));
      if (pad.length < padding(size)) throw new TarFormatError(`it ends inside the padding of ${name}`);
      consumed = true;
    })();
    yield { name, size, digestBefore, body };
    if (!consumed) for await (const _ of body) void _;
    if (!consumed) throw new Error(`readTar: the body of ${name} was abandoned part-way`);
  }
}
