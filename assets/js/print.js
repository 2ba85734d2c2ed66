// The print button of the form views. Shown only when this script runs, because printing needs script and the
// CSP forbids inline handlers; without it the toolbar's Ctrl+P hint is all a person needs.
(() => {
  'use strict';
  for (const button of document.querySelectorAll('button[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
})();
