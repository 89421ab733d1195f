// Apache ECharts, only what the dashboard draws: line and bar charts on a grid, with a legend and
// tooltips, painted as SVG (sharp at any zoom, and no inline <style>: the strict CSP holds).
// Imported dynamically by DashChart.vue, so it is its own chunk that only the dashboard loads.
import { init, use } from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendPlainComponent, TooltipComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

use([LineChart, BarChart, GridComponent, LegendPlainComponent, TooltipComponent, SVGRenderer])

export { init }
