import type { IncomingMessage } from 'node:http';
import { BadRequestError } from '@oqat/studio-protocol';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';

/** Reads a JSON request body of at most `limitBytes`; rejects other content types (forces a CORS preflight). */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (!type || !/^application\/json\b/i.test(type)) throw new UnsupportedMediaTypeError(type);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return [];
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BadRequestError(`oqat api: the body is not valid JSON (${(err as Error).message})`);
  }
}
