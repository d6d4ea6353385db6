if (features.copyButtons) {
  document.querySelectorAll('[data-clipboard-text]').forEach((btn) => btn.addEventListener('click', () => navigator.clipboard.writeText(btn.dataset.clipboardText)));
}
