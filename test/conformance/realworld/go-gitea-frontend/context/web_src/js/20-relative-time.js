function relativeTime(el) {
  const secs = Math.round((Date.now() - Date.parse(el.getAttribute('datetime'))) / 1000);
  el.textContent = secs < 60 ? 'just now' : secs < 3600 ? `${Math.floor(secs / 60)} minutes ago` : `${Math.floor(secs / 3600)} hours ago`;
}
if (features.relativeTime) document.querySelectorAll('relative-time').forEach(relativeTime);
