import { use } from 'echarts/core'
import { BarChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts'
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  VisualMapComponent
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

/** Registers only the ECharts parts erlscope uses (tree-shaken). Import once before using VChart. */
use([
  LineChart,
  BarChart,
  PieChart,
  HeatmapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  MarkLineComponent,
  MarkPointComponent,
  MarkAreaComponent,
  VisualMapComponent,
  CanvasRenderer
])

export { default as VChart } from 'vue-echarts'

/** Text and grid colours that follow the OS theme. */
export function chartTheme(): { text: string; muted: string; grid: string; bg: string } {
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false
  return dark
    ? { text: '#e4e7ec', muted: '#a0a7b4', grid: '#2c313b', bg: '#1c1f26' }
    : { text: '#1c2028', muted: '#5f6673', grid: '#e3e6eb', bg: '#ffffff' }
}
