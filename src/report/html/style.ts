/** The HTML report's stylesheet (inlined: the page loads nothing from anywhere). */
export const STYLE = `
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #f6f7f9; --accent: #2f6fde; --left: #e0703a; --kept: #7d9cd6; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 20px; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 16px; margin: 28px 0 10px; }
.summary { color: var(--muted); margin: 0; }
.figures { display: flex; gap: 12px; flex-wrap: wrap; margin: 14px 0 0; padding: 0; list-style: none; }
.figures li { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.figures b { display: block; font-size: 18px; }
.figures span { color: var(--muted); font-size: 12px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 18px 16px; margin-top: 18px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { width: 1%; text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.cmd { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0 24px; }
#crumbs { display: flex; flex-wrap: wrap; gap: 2px; align-items: center; margin-bottom: 8px; font-size: 13px; }
#crumbs button { border: 0; background: none; color: var(--accent); cursor: pointer; padding: 2px 4px; font: inherit; }
#crumbs button:disabled { color: var(--fg); font-weight: 600; cursor: default; }
#crumbs .total { margin-left: auto; color: var(--muted); }
#treemap { position: relative; width: 100%; aspect-ratio: 2 / 1; background: #eef0f4; border: 1px solid var(--line); overflow: hidden; }
.cell { position: absolute; overflow: hidden; display: flex; flex-direction: column; justify-content: flex-start; align-items: stretch; border: 1px solid #fff; padding: 3px 5px; font-size: 12px; line-height: 1.25; text-align: left; color: #10131a; font-family: inherit; }
.cell.dir { cursor: zoom-in; }
.cell.dir:hover { outline: 2px solid var(--fg); outline-offset: -2px; z-index: 1; }
.cell.rest { background: repeating-linear-gradient(45deg, #e3e6ec, #e3e6ec 6px, #eceef2 6px, #eceef2 12px) !important; color: var(--muted); }
.cell .inner { position: absolute; left: 3px; right: 3px; top: 34px; bottom: 3px; pointer-events: none; }
.cell .inner div { position: absolute; border: 1px solid rgba(255,255,255,.75); background: rgba(0,0,0,.05); }
.cell .name { display: block; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cell .size { display: block; white-space: nowrap; }
.bars { max-width: 100%; height: auto; display: block; }
.bars .label { font-size: 13px; fill: var(--fg); }
.bars .value { font-size: 12px; fill: var(--muted); }
.legend { display: flex; gap: 16px; font-size: 12px; color: var(--muted); margin: 6px 0 0; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 5px; vertical-align: -1px; }
.note { color: var(--muted); font-size: 13px; }
`;
