import { LineChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, MarkPointComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/** The only ECharts registration: the charts and components the studio uses (tree-shaken build). */
echarts.use([
  LineChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent,
  MarkPointComponent, AriaComponent, CanvasRenderer,
]);

export { echarts };
export type { EChartsCoreOption as ChartOption, EChartsType } from 'echarts/core';
