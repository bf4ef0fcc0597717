/** How an error crosses IPC or HTTP: its class name and its one-line message (no stack). */
export interface RemoteErrorData {
  name: string;
  message: string;
}

/** The value an IPC handler returns: Electron keeps only the message of a thrown error, so errors travel as data. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: RemoteErrorData };

export function toRemoteError(err: unknown): RemoteErrorData {
  if (err instanceof Error) return { name: err.name || 'Error', message: err.message };
  return { name: 'Error', message: String(err) };
}

/** An error raised on the other side of IPC or HTTP; `name` is the original class name. */
export class RemoteError extends Error {
  constructor(data: RemoteErrorData) {
    super(data.message);
    this.name = data.name;
  }
}

export function isRemoteErrorData(value: unknown): value is RemoteErrorData {
  return (
    typeof value === 'object' && value !== null &&
    typeof (value as RemoteErrorData).name === 'string' && typeof (value as RemoteErrorData).message === 'string'
  );
}
