import type { IpcMainInvokeEventLike } from './electron-surface';

function pageOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' ? `file://${u.pathname}` : u.origin;
  } catch {
    return undefined;
  }
}

/**
 * A sender is trusted when it is the main frame (not an iframe) of our own
 * page: the renderer's index.html (file://…, any hash) or, when developing
 * against a server, that server's origin. As VS Code's validatedIpcMain does,
 * anything else is refused.
 */
export function isTrustedSender(event: IpcMainInvokeEventLike, trustedPageUrl: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const page = pageOf(frame.url);
  return page !== undefined && page === pageOf(trustedPageUrl);
}
