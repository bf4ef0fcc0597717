import { resolve } from 'node:path';
import { describeDataFolder, describeDataset, formatDataFolderDescription, formatDatasetDescription, type DatasetRequest } from '@oqat/data';
import { printJson, type CliIo } from '../io';

export interface DataInfoOptions {
  source?: DatasetRequest;
  /** a data folder instead of Fashion-MNIST */
  data?: string;
  json: boolean;
}

/** `oqat data info`: which Fashion-MNIST copy is in use, or what a data folder holds, with counts per split and class. */
export async function dataInfo(options: DataInfoOptions, io: CliIo): Promise<number> {
  if (options.data !== undefined) {
    const description = await describeDataFolder(resolve(io.cwd, options.data));
    if (options.json) printJson(io, description);
    else io.stdout.write(`${formatDataFolderDescription(description)}\n`);
    return 0;
  }
  const description = await describeDataset({ source: options.source ?? 'auto', env: io.env });
  if (options.json) {
    const { kind, ...rest } = description;
    printJson(io, { source: kind, ...rest });
  } else io.stdout.write(`${formatDatasetDescription(description)}\n`);
  return 0;
}
