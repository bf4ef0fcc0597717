import type { ConfigField, NewRunConfig, RunSummary } from '@oqat/jobs';
import type { Route } from '../app/route';
import type { Screen } from '../app/screen';
import { h, replaceChildren } from '../ui/dom';
import { errorState, loadingState } from '../ui/states';
import { type ConfigDraft, type RenderedField, getPath, renderField, setPath } from './config-form';

/** The New run form, generated from `configFields()` and validated by `validateConfig()` as the user types. */
export const newRunScreen: Screen<Extract<Route, { name: 'new' }>> = (root, { client, navigate, announcer }, route) => {
  let disposed = false;
  let validateTimer: ReturnType<typeof setTimeout> | undefined;
  let validationRound = 0;
  const body = h('div', null, loadingState('Loading the run schema…'));
  root.append(h('div', { class: 'screen-header' }, h('h1', { text: 'New run' })), body);

  async function load(): Promise<void> {
    try {
      const [fields, runs] = await Promise.all([client.configFields(), client.listRuns()]);
      if (!disposed) build(fields, runs);
    } catch (err) {
      replaceChildren(body, errorState('Could not load the run schema', err, () => void load()));
    }
  }

  function build(fields: ConfigField[], runs: RunSummary[]): void {
    const trained = runs.filter((r) => (r.kind === 'train' || r.kind === 'demo') && r.status === 'finished');
    const initial: ConfigDraft = {};
    for (const f of fields) if (f.default !== undefined) setPath(initial, f.key, structuredClone(f.default));
    if (route.kind) initial.kind = route.kind as NewRunConfig['kind'];
    if (route.checkpointRunId) initial.checkpointRunId = route.checkpointRunId;
    else if (trained[0]) initial.checkpointRunId ??= trained[0].id;

    const rendered: RenderedField[] = fields.map((f) => renderField(f, getPath(initial, f.key), trained, () => onChange(), client.chooseFolder));
    const formAlert = h('div', { role: 'alert' });
    const submit = h('button', { class: 'primary', type: 'submit', dataset: { testid: 'start-run' }, text: 'Start run' });
    const form = h('form', { novalidate: true, 'aria-label': 'New run', dataset: { testid: 'new-run-form' } },
      h('div', { class: 'form' }, rendered.map((r) => r.el)), formAlert,
      h('div', { class: 'toolbar' }, submit, h('button', { type: 'button', text: 'Cancel', onClick: () => navigate({ name: 'runs' }) })));

    const kindOf = (): string | undefined => {
      const kindField = rendered.find((r) => r.field.key === 'kind');
      const read = kindField?.read();
      return read && 'value' in read ? (read.value as string) : undefined;
    };

    /**
     * Shows only the fields of the chosen kind; returns the draft and the local
     * parse errors. Hidden fields still send their value (or their default when
     * it does not parse), so the config is complete whatever the kind.
     */
    const collect = (): { draft: ConfigDraft; local: Record<string, string> } => {
      const kind = kindOf();
      const draft: ConfigDraft = {};
      const local: Record<string, string> = {};
      for (const r of rendered) {
        const shown = !r.field.kinds || !kind || r.field.kinds.includes(kind as NewRunConfig['kind']);
        r.el.hidden = !shown;
        const read = r.read();
        if ('error' in read) {
          if (shown) local[r.field.key] = read.error;
          else if (r.field.default !== undefined) setPath(draft, r.field.key, structuredClone(r.field.default));
        } else if (read.value !== undefined) setPath(draft, r.field.key, read.value);
      }
      return { draft, local };
    };

    const showMessages = (errors: Record<string, string>): void => {
      const keys = new Set(rendered.filter((r) => !r.el.hidden).map((r) => r.field.key));
      for (const r of rendered) r.setMessage(errors[r.field.key]);
      const other = Object.entries(errors).filter(([k]) => !keys.has(k));
      replaceChildren(formAlert, other.length ? h('div', { class: 'alert' }, other.map(([k, m]) => h('div', { text: `${k}: ${m}` }))) : null);
    };

    const validate = async (): Promise<boolean> => {
      const round = ++validationRound;
      const { draft, local } = collect();
      try {
        const result = await client.validateConfig(draft);
        if (round !== validationRound || disposed) return false;
        const errors = { ...result.errors, ...local };
        showMessages(errors);
        return Object.keys(errors).length === 0;
      } catch (err) {
        showMessages({ ...local, form: `could not validate: ${(err as Error).message}` });
        return false;
      }
    };

    function onChange(): void {
      collect();
      clearTimeout(validateTimer);
      validateTimer = setTimeout(() => void validate(), 250);
    }

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void (async () => {
        clearTimeout(validateTimer);
        submit.disabled = true;
        try {
          if (!(await validate())) {
            rendered.find((r) => !r.el.hidden && r.el.querySelector('.message')?.textContent)?.focus();
            announcer.say('The run configuration has errors; see the messages under the fields.', 'error');
            return;
          }
          const { runId } = await client.startRun(collect().draft as NewRunConfig);
          announcer.say(`Started ${runId}`);
          navigate({ name: 'run', runId });
        } catch (err) {
          replaceChildren(formAlert, h('div', { class: 'alert', text: `Could not start the run: ${(err as Error).message}` }));
        } finally {
          submit.disabled = false;
        }
      })();
    });
    replaceChildren(body, h('section', { class: 'panel' }, form));
    collect();
    rendered.find((r) => !r.el.hidden)?.focus();
  }

  void load();
  return () => {
    disposed = true;
    clearTimeout(validateTimer);
  };
};
