// Plots and CSV of learning curves, shared by the CLI report (src/main/learn/report) and the comparison page.
export { interpolate, summarizeRuns, type Run, type Summary, type SummaryOptions } from './curves'
export {
  PALETTE,
  colorAt,
  escapeXml,
  figureSize,
  formatTick,
  legendEntries,
  axisRange,
  niceTicks,
  renderFigure,
  type Figure,
  type PlotPanel,
  type Series,
} from './svg'
export { EVALUATION_COLUMNS, csvField, evaluationsCsv, toCsv, type CsvValue, type EvaluationRow } from './csv'
export { MEASURES, measureInfo, measureValue, measuresOf, type Measure, type Measured } from './measures'
