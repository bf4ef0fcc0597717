import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { defaultFetchDir, fetchFashionMnist } from '@oqat/data';
import { printJson, type CliIo } from '../io';
import { ProgressBar } from '../progress-bar';

export interface DataFetchOptions {
  out?: string;
  json: boolean;
}

/** `oqat data fetch`: downloads the full set into the folder `oqat data info` looks in next. */
export async function dataFetch(options: DataFetchOptions, io: CliIo): Promise<number> {
  const dir = options.out ? resolve(io.cwd, options.out.replace(/^~(?=$|\/)/, homedir())) : defaultFetchDir(io.env);
  const bars = new Map<string, ProgressBar>();
  const location = await fetchFashionMnist(dir, {
    onProgress: (p) => {
      if (options.json) return;
      let bar = bars.get(p.file);
      if (!bar) bars.set(p.file, (bar = new ProgressBar(io, p.file)));
      const total = p.totalBytes ?? p.receivedBytes;
      bar.update({ current: p.receivedBytes, total, status: p.state });
      if (p.state !== 'downloading') bar.done();
    },
  });
  if (options.json) printJson(io, { dir: location.dir, files: location.files });
  else io.stdout.write(`Fashion-MNIST is in ${location.dir}\n`);
  return 0;
}
