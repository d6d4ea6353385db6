// Marks the link of the current page.
for (const a of document.querySelectorAll('nav a')) {
  if (a.getAttribute('href') === location.pathname.split('/').pop()) a.setAttribute('aria-current', 'page');
}
