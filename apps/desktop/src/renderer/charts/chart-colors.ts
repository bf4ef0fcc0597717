/** The theme's colours, read from the CSS variables so charts follow dark/light. */
export interface ChartColors {
  text: string;
  muted: string;
  border: string;
  panel: string;
  accent: string;
  point: string;
  front: string;
  best: string;
  danger: string;
  palette: string[];
  phase(name: string): string;
}

export function readChartColors(): ChartColors {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string): string => css.getPropertyValue(name).trim();
  const palette = [v('--accent'), v('--ok'), v('--phase-2bit'), v('--phase-8bit'), v('--danger'), v('--warn'), v('--muted')];
  const phaseColors = new Map<string, string>();
  return {
    text: v('--text'), muted: v('--muted'), border: v('--border'), panel: v('--panel'), accent: v('--accent'),
    point: v('--point'), front: v('--front'), best: v('--best'), danger: v('--danger'), palette,
    phase(name) {
      const own = v(`--phase-${name}`);
      if (own) return own;
      if (!phaseColors.has(name)) phaseColors.set(name, palette[phaseColors.size % palette.length]!);
      return phaseColors.get(name)!;
    },
  };
}

/** Axis, grid and tooltip styling shared by every chart. */
export function baseOption(c: ChartColors) {
  const axis = {
    axisLine: { lineStyle: { color: c.border } },
    axisLabel: { color: c.muted },
    splitLine: { lineStyle: { color: c.border, opacity: 0.5 } },
    nameTextStyle: { color: c.muted },
  };
  return {
    backgroundColor: 'transparent',
    animation: false,
    aria: { enabled: true },
    textStyle: { color: c.text },
    grid: { left: 56, right: 18, top: 44, bottom: 40, containLabel: false },
    // one scrollable legend line, right of the y-axis name, however many phases/series there are
    legend: {
      type: 'scroll' as const, top: 0, left: 90, right: 8, textStyle: { color: c.text }, inactiveColor: c.border,
      pageIconColor: c.text, pageIconInactiveColor: c.border, pageTextStyle: { color: c.muted },
    },
    tooltip: {
      trigger: 'axis' as const,
      backgroundColor: c.panel,
      borderColor: c.border,
      textStyle: { color: c.text },
    },
    axis,
  };
}
