import type { ScreenContext } from '../app/screen';
import { h, replaceChildren } from '../ui/dom';

/**
 * Starts a run from a panel's form (quantize, compress): its button off while
 * the service answers, then the new run opened; a refusal shown in `message`.
 */
export function startAndOpen(
  start: () => Promise<{ runId: string }>,
  submit: HTMLButtonElement,
  message: HTMLElement,
  { navigate, announcer }: Pick<ScreenContext, 'navigate' | 'announcer'>,
): void {
  submit.disabled = true;
  start().then(({ runId }) => {
    announcer.say(`Started ${runId}`);
    navigate({ name: 'run', runId });
  }, (err) => {
    replaceChildren(message, h('div', { class: 'alert', text: `Could not start: ${(err as Error).message}` }));
  }).finally(() => {
    submit.disabled = false;
  });
}
