import type { TopLevelSpec } from 'vega-lite';
import { collectDaily, type DayCount } from './daily.js';
import type { FeedbackStore } from './feedback-store.js';
import { collectStats } from './insights.js';

/** What the chart shows: questions per day, and the sections answered with most. */
export interface ChartData {
  daily: readonly DayCount[];
  topSections: readonly { sectionId: string; count: number }[];
  /** Chart labels in the reader's language. */
  labels: {
    title: string;
    answered: string;
    unanswered: string;
    day: string;
    questions: string;
    topSections: string;
  };
}

const WIDTH = 560;

/**
 * The Vega-Lite specification: stacked bars of answered and unanswered questions per day, and
 * beside them a bar per top section. Pure, so its shape can be checked without rendering.
 */
export function statsChartSpec(data: ChartData): TopLevelSpec {
  const { labels } = data;
  const daily = data.daily.flatMap((d) => [
    { day: d.day, kind: labels.answered, count: d.answered },
    { day: d.day, kind: labels.unanswered, count: d.unanswered },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: labels.title,
    background: 'white',
    padding: 12,
    config: { font: 'DejaVu Sans, sans-serif', view: { stroke: null } },
    vconcat: [
      {
        width: WIDTH,
        height: 180,
        data: { values: daily },
        mark: 'bar',
        encoding: {
          x: {
            field: 'day',
            type: 'ordinal',
            title: labels.day,
            axis: { labelAngle: -45, labelExpr: 'slice(datum.value, 5)' },
          },
          y: {
            field: 'count',
            type: 'quantitative',
            title: labels.questions,
            stack: 'zero',
            axis: { tickMinStep: 1, format: 'd' },
          },
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: [labels.answered, labels.unanswered], range: ['#2e7d32', '#c62828'] },
          },
        },
      },
      {
        width: WIDTH,
        height: Math.max(40, 22 * data.topSections.length),
        title: labels.topSections,
        data: { values: [...data.topSections] },
        mark: { type: 'bar', color: '#1565c0' },
        encoding: {
          y: { field: 'sectionId', type: 'nominal', sort: '-x', title: null },
          x: {
            field: 'count',
            type: 'quantitative',
            title: labels.questions,
            axis: { tickMinStep: 1, format: 'd' },
          },
        },
      },
    ],
  };
}

/** The chart's figures: the last `days` days per day, and the top sections of that period. */
export async function collectChartData(
  store: FeedbackStore,
  now: Date,
  labels: ChartData['labels'],
  days = CHART_DAYS,
): Promise<ChartData> {
  const [period] = await collectStats(store, now, [days]);
  return {
    daily: await collectDaily(store, now, days),
    topSections: period?.topSections ?? [],
    labels,
  };
}

/** The days the chart covers. */
export const CHART_DAYS = 30;

/**
 * Renders the chart as SVG with Vega's own renderer: no browser, no canvas. Vega is loaded on
 * the first chart, not when the bot starts.
 */
export async function renderStatsSvg(data: ChartData): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(statsChartSpec(data)).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders the chart as PNG: the SVG above, rasterised by resvg at twice its size. */
export async function renderStatsPng(data: ChartData): Promise<Buffer> {
  const svg = await renderStatsSvg(data);
  const { Resvg } = await import('@resvg/resvg-js');
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  }).render();
  return png.asPng();
}
