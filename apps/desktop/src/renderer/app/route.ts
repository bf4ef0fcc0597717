/** Every screen and its parameters; the URL hash is the serialised form (`#/runs/<id>`). */
export type Route =
  | { name: 'runs' }
  | { name: 'new'; kind?: string; checkpointRunId?: string }
  | { name: 'run'; runId: string }
  | { name: 'search'; runId?: string; device?: string }
  | { name: 'compare'; runIds: string[] }
  | { name: 'export'; runId?: string; candidateId?: number };

export type ScreenName = Route['name'];

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  const [head, arg] = path.split('/').map((p) => decodeURIComponent(p));
  switch (head) {
    case 'new':
      return { name: 'new', kind: params.get('kind') ?? undefined, checkpointRunId: params.get('from') ?? undefined };
    case 'runs':
      return arg ? { name: 'run', runId: arg } : { name: 'runs' };
    case 'search':
      return { name: 'search', runId: arg || undefined, device: params.get('device') ?? undefined };
    case 'compare':
      return { name: 'compare', runIds: arg ? arg.split(',').filter(Boolean) : [] };
    case 'export': {
      const candidate = params.get('candidate');
      return { name: 'export', runId: arg || undefined, candidateId: candidate ? Number(candidate) : undefined };
    }
    default:
      return { name: 'runs' };
  }
}

export function formatRoute(route: Route): string {
  const q = (entries: Record<string, string | number | undefined>): string => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(entries)) if (v !== undefined) params.set(k, String(v));
    const s = params.toString();
    return s ? `?${s}` : '';
  };
  const e = encodeURIComponent;
  switch (route.name) {
    case 'runs':
      return '#/runs';
    case 'new':
      return `#/new${q({ kind: route.kind, from: route.checkpointRunId })}`;
    case 'run':
      return `#/runs/${e(route.runId)}`;
    case 'search':
      return `#/search${route.runId ? `/${e(route.runId)}` : ''}${q({ device: route.device })}`;
    case 'compare':
      return `#/compare${route.runIds.length ? `/${route.runIds.map(e).join(',')}` : ''}`;
    case 'export':
      return `#/export${route.runId ? `/${e(route.runId)}` : ''}${q({ candidate: route.candidateId })}`;
  }
}
