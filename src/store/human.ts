/** Human-readable sizes and ages as the docker CLI prints them (go-units). */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** 4261000 -> '4.26MB' (decimal units, 3 significant digits). */
export function humanSize(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${UNITS[i]}`;
}

/** '2 weeks ago', 'About an hour ago', as docker images shows CREATED. */
export function timeAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'N/A';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'N/A';
  const s = Math.max(0, (now - t) / 1000);
  const plural = (n: number, u: string) => `${n} ${u}${n === 1 ? '' : 's'} ago`;
  if (s < 1) return 'Less than a second ago';
  if (s < 60) return plural(Math.floor(s), 'second');
  const m = s / 60;
  if (m < 2) return 'About a minute ago';
  if (m < 60) return plural(Math.floor(m), 'minute');
  const h = m / 60;
  if (Math.round(h) === 1) return 'About an hour ago';
  if (h < 48) return plural(Math.round(h), 'hour');
  const d = h / 24;
  if (d < 14) return plural(Math.round(d), 'day');
  if (d < 60) return plural(Math.round(d / 7), 'week');
  if (d < 365 * 2) return plural(Math.round(d / 30), 'month');
  return plural(Math.round(d / 365), 'year');
}
