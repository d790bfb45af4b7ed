export { renderMarkdown } from './render-markdown.js';
export { renderHtml } from './render-html.js';
export { reportPlots } from './report-plots.js';
export { writeReport, reportJson } from './write-report.js';
export { compareReports, formatComparison, readReport, type MetricDiff } from './compare-reports.js';
export { lineChart, heatmap, barChart, heatColor, type Series } from './svg-charts.js';
