import { marked } from 'marked';

/**
 * The report as one self-contained HTML page: the Markdown report as HTML and the chart as
 * inline SVG, with its style in the page, so it opens anywhere and can be mailed as one file.
 * The Markdown escapes every quoted question (markdownCell), so no asker's text becomes markup.
 */
export function renderHtmlReport(markdown: string, chartSvg: string, title: string): string {
  const body = marked.parse(markdown, { async: false, gfm: true });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[<>&]/g, '')}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; }
  td:last-child, th:last-child { text-align: right; }
  figure { margin: 1.5rem 0; }
  figure svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<figure>${chartSvg}</figure>
${body}
</body>
</html>
`;
}
