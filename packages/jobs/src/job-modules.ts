import { fileURLToPath } from 'node:url';
import type { JobRef } from '@oqat/runs';

/** The job functions the runs worker loads, by absolute module path. */
export const TRAIN_JOB: JobRef = { modulePath: fileURLToPath(new URL('./train-job.ts', import.meta.url)), exportName: 'trainJob' };
export const SEARCH_JOB: JobRef = { modulePath: fileURLToPath(new URL('./search-job.ts', import.meta.url)), exportName: 'searchJob' };
export const EXPORT_JOB: JobRef = { modulePath: fileURLToPath(new URL('./export-job.ts', import.meta.url)), exportName: 'exportJob' };
export const TUNE_JOB: JobRef = { modulePath: fileURLToPath(new URL('./tune-job.ts', import.meta.url)), exportName: 'tuneJob' };
export const QUANTIZE_JOB: JobRef = { modulePath: fileURLToPath(new URL('./quantize-job.ts', import.meta.url)), exportName: 'quantizeJob' };
export const COMPRESS_JOB: JobRef = { modulePath: fileURLToPath(new URL('./compress-job.ts', import.meta.url)), exportName: 'compressJob' };
export const FINETUNE_JOB: JobRef = { modulePath: fileURLToPath(new URL('./finetune-job.ts', import.meta.url)), exportName: 'finetuneJob' };
