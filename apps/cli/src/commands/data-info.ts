import { describeDataset, formatDatasetDescription, type DatasetRequest } from '@oqat/data';
import { printJson, type CliIo } from '../io';

export interface DataInfoOptions {
  source?: DatasetRequest;
  json: boolean;
}

/** `oqat data info`: which Fashion-MNIST copy is in use, and its counts per split and class. */
export async function dataInfo(options: DataInfoOptions, io: CliIo): Promise<number> {
  const description = await describeDataset({ source: options.source ?? 'auto', env: io.env });
  if (options.json) {
    const { kind, ...rest } = description;
    printJson(io, { source: kind, ...rest });
  } else io.stdout.write(`${formatDatasetDescription(description)}\n`);
  return 0;
}
