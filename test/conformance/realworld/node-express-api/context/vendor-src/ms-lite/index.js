'use strict';
const s = 1000, m = s * 60, h = m * 60, d = h * 24;
const units = { ms: 1, s, m, h, d };

/** '2h' -> 7200000, 5000 -> '5s' */
module.exports = function ms(val) {
  if (typeof val === 'string') {
    const match = /^(-?\d*\.?\d+)\s*(ms|s|m|h|d)?$/i.exec(val.trim());
    if (!match) throw new Error(`ms: cannot parse ${JSON.stringify(val)}`);
    return parseFloat(match[1]) * units[(match[2] || 'ms').toLowerCase()];
  }
  const abs = Math.abs(val);
  for (const [name, size] of [['d', d], ['h', h], ['m', m], ['s', s]]) {
    if (abs >= size) return `${Math.round(val / size)}${name}`;
  }
  return `${val}ms`;
};
