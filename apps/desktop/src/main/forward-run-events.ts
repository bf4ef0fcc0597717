import type { StudioService } from '@oqat/jobs';
import { RUN_EVENT_CHANNEL } from '../common/channels';
import type { WebContentsLike } from './electron-surface';

/** Sends every run event to the open windows (`oqat:event:run`); returns the unsubscribe function. */
export function forwardRunEvents(service: StudioService, targets: () => WebContentsLike[]): () => void {
  return service.onRunEvent((event) => {
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(RUN_EVENT_CHANNEL, event);
  });
}
