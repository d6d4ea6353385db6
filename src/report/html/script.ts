/**
 * The HTML report's only script: it places the treemap's precomputed boxes (see treemap.ts) for
 * the directory in view and drills down on click. Plain ES2017, no dependencies, no network.
 */

/** Same output as src/util/units.ts formatBytes (a unit test holds them together). */
export const FORMAT_BYTES_JS = `function formatBytes(n) {
  if (n < 1000) return n + ' B';
  var units = ['kB', 'MB', 'GB', 'TB'];
  var v = n, i = -1;
  do { v /= 1000; i++; } while (v >= 1000 && i < units.length - 1);
  return (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) + ' ' + units[i];
}`;

export const SCRIPT = `(function () {
  'use strict';
  ${FORMAT_BYTES_JS}
  var data = JSON.parse(document.getElementById('tree-data').textContent);
  var map = document.getElementById('treemap');
  var crumbs = document.getElementById('crumbs');
  var trail = [data];

  function pathOf(nodes) {
    var parts = nodes.slice(1).map(function (n) { return n.name; });
    return '/' + parts.join('/');
  }

  function cell(node, index, parentPath) {
    var full = (parentPath === '/' ? '' : parentPath) + '/' + node.name;
    var drill = node.dir && node.children && node.children.length;
    var el = document.createElement(drill ? 'button' : 'div');
    el.className = 'cell ' + (node.rest ? 'rest' : node.dir ? 'dir' : 'file');
    el.style.left = (node.r[0] * 100) + '%';
    el.style.top = (node.r[1] * 100) + '%';
    el.style.width = (node.r[2] * 100) + '%';
    el.style.height = (node.r[3] * 100) + '%';
    var hue = (index * 47 + 205) % 360;
    el.style.background = 'hsl(' + hue + ', ' + (node.dir ? '52%, 72%' : '40%, 84%') + ')';
    el.title = (node.rest ? node.rest + ' small entries in ' + parentPath : full) + ' \\u2014 ' + formatBytes(node.size);
    el.setAttribute('data-path', node.rest ? '' : full);
    el.setAttribute('data-bytes', String(node.size));
    var name = document.createElement('span');
    name.className = 'name';
    name.textContent = node.name + (node.dir && !node.rest ? '/' : '');
    var size = document.createElement('span');
    size.className = 'size';
    size.textContent = formatBytes(node.size);
    el.appendChild(name);
    el.appendChild(size);
    if (drill) {
      // a glimpse of the next level, drawn inside the cell (the boxes only; click to see names)
      var inner = document.createElement('div');
      inner.className = 'inner';
      node.children.forEach(function (c) {
        var b = document.createElement('div');
        b.style.left = (c.r[0] * 100) + '%';
        b.style.top = (c.r[1] * 100) + '%';
        b.style.width = (c.r[2] * 100) + '%';
        b.style.height = (c.r[3] * 100) + '%';
        inner.appendChild(b);
      });
      el.appendChild(inner);
    }
    if (drill) el.addEventListener('click', function () { trail.push(node); render(); });
    return el;
  }

  function render() {
    var node = trail[trail.length - 1];
    var here = pathOf(trail);
    map.textContent = '';
    map.setAttribute('data-path', here);
    (node.children || []).forEach(function (c, i) { map.appendChild(cell(c, i, here)); });
    crumbs.textContent = '';
    trail.forEach(function (n, i) {
      var b = document.createElement('button');
      b.textContent = i === 0 ? '/' : n.name;
      b.disabled = i === trail.length - 1;
      b.addEventListener('click', function () { trail = trail.slice(0, i + 1); render(); });
      crumbs.appendChild(b);
      if (i > 0 && i < trail.length - 1) crumbs.appendChild(document.createTextNode('/'));
    });
    var total = document.createElement('span');
    total.className = 'total';
    total.textContent = here + ' \\u2014 ' + formatBytes(node.size);
    crumbs.appendChild(total);
  }

  render();
})();`;
