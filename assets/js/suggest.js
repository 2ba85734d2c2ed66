// Search suggestions for every input[data-suggest]: a WAI-ARIA 1.2 combobox whose listbox pops up under the search
// form's row and lists procedures as the person types (the attribute names the JSON endpoint). Enhancement only:
// without this script the field is a plain search box of a GET form, and Enter without a chosen option still submits
// that form. The list is positioned over the content below (see site.css), so the form never moves.
(() => {
  'use strict';

  const MIN_CHARS = 2;
  const DELAY_MS = 150;
  const LIMIT = 6;
  const PROCEDURE_PATH = '/thu-tuc/';
  let counter = 0;

  const setAll = (node, attributes) => Object.entries(attributes).forEach(([k, v]) => node.setAttribute(k, v));
  /** A new element with a class and attributes. */
  function make(tag, className, attributes = {}) {
    const node = document.createElement(tag);
    node.className = className;
    setAll(node, attributes);
    return node;
  }

  /** Copies the text and the <mark>s of server-escaped HTML into `target`; any other markup becomes plain text. */
  function appendMarked(target, html) {
    const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
    for (const node of parsed.body.childNodes) {
      if (node.nodeName === 'MARK') {
        const mark = document.createElement('mark');
        mark.textContent = node.textContent;
        target.appendChild(mark);
      } else {
        target.appendChild(document.createTextNode(node.textContent));
      }
    }
  }

  function enhance(input) {
    counter += 1;
    const base = input.id || `suggest-${counter}`;
    input.id = base;
    const host = input.parentElement;
    const list = make('ul', 'suggest-list', { id: `${base}-listbox`, role: 'listbox', 'aria-label': 'Gợi ý thủ tục hành chính' });
    list.hidden = true;
    const live = make('div', 'suggest-live', { 'aria-live': 'polite', 'aria-atomic': 'true' });
    host.classList.add('suggest-host');
    input.after(list, live);
    setAll(input, { role: 'combobox', 'aria-autocomplete': 'list', 'aria-controls': list.id, 'aria-expanded': 'false' });

    let items = []; // the procedures in the list
    let shownFor = null; // the query they answer
    let active = -1; // index of the active option, -1 for none
    let timer = 0;
    let controller = null; // of the request in flight
    let latest = 0; // number of the latest request; answers to older ones are dropped
    let composing = false; // an IME (e.g. Telex on a phone keyboard) is composing a syllable

    const query = () => input.value.trim();
    const isOpen = () => !list.hidden;

    function setActive(index) {
      const options = list.children;
      if (options[active]) options[active].setAttribute('aria-selected', 'false');
      active = index;
      if (options[active]) {
        options[active].setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', options[active].id);
        options[active].scrollIntoView({ block: 'nearest' });
      } else {
        active = -1;
        input.removeAttribute('aria-activedescendant');
      }
    }
    function show(expanded) {
      if (!expanded) setActive(-1);
      list.hidden = !expanded;
      input.setAttribute('aria-expanded', String(expanded));
    }
    const open = () => show(true);
    const close = () => show(false);
    /** Forgets the pending request (an answer still on its way is dropped, not aborted). */
    function forget() {
      clearTimeout(timer);
      latest += 1;
    }

    function render(data, forQuery) {
      setActive(-1);
      list.textContent = '';
      items = Array.isArray(data.items) ? data.items : [];
      shownFor = forQuery;
      items.forEach((item, i) => {
        const option = make('li', 'suggest-option', { id: `${base}-option-${i}`, role: 'option', 'aria-selected': 'false' });
        option.dataset.index = String(i);
        const name = make('span', 'suggest-name');
        if (typeof item.name_html === 'string') appendMarked(name, item.name_html);
        else name.textContent = item.name || item.code;
        const sector = make('span', 'suggest-sector');
        sector.textContent = item.sector_name || '';
        // The space keeps the name and the sector apart in the option's accessible name.
        option.append(name, ' ', sector);
        list.appendChild(option);
      });
      live.textContent = items.length ? `${items.length} gợi ý` : 'Không có gợi ý';
      show(items.length > 0 && document.activeElement === input);
    }

    async function request() {
      clearTimeout(timer);
      const q = query();
      if (q.length < MIN_CHARS) return;
      latest += 1;
      if (q === shownFor) {
        // Same words as the list shows (e.g. a space was typed): show it again, drop any older answer still due.
        if (items.length && document.activeElement === input) open();
        return;
      }
      if (controller) controller.abort();
      const mine = latest;
      const own = new AbortController();
      controller = own;
      const url = new URL(input.dataset.suggest, window.location.href);
      url.searchParams.set('q', q);
      url.searchParams.set('limit', String(LIMIT));
      url.searchParams.set('snippets', 'false'); // names only: the cheap form of a search, made for typing
      try {
        const response = await fetch(url, { signal: own.signal, headers: { Accept: 'application/json' } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const data = await response.json();
        if (mine === latest) render(data, q);
      } catch (e) {
        // Aborted (a newer request replaced it) or failed: suggestions are optional, the form still works.
        if (mine === latest) close();
      } finally {
        if (controller === own) controller = null;
      }
    }
    function schedule() {
      forget();
      if (query().length >= MIN_CHARS) timer = setTimeout(request, DELAY_MS);
      else close();
    }
    function go(index) {
      const item = items[index];
      if (!item) return;
      forget();
      close();
      window.location.assign(PROCEDURE_PATH + encodeURIComponent(item.code));
    }

    input.addEventListener('compositionstart', () => {
      composing = true;
      clearTimeout(timer);
    });
    input.addEventListener('compositionend', () => {
      composing = false;
      schedule();
    });
    input.addEventListener('input', (e) => {
      if (!composing && !e.isComposing) schedule();
    });
    input.addEventListener('keydown', (e) => {
      if (composing || e.isComposing || e.keyCode === 229) return; // the keys belong to the IME
      const count = list.children.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (!isOpen()) request(); // reopens the list it shows for these words, or asks for one
        else if (e.altKey) return;
        else if (e.key === 'ArrowDown') setActive(active + 1 < count ? active + 1 : 0);
        else setActive(active > 0 ? active - 1 : count - 1);
      } else if (e.key === 'Enter') {
        if (isOpen() && active >= 0) {
          e.preventDefault();
          go(active);
        } // otherwise the form submits as it would without this script
      } else if (e.key === 'Escape') {
        forget();
        if (isOpen()) {
          e.preventDefault(); // keep the typed text: a search field would clear it
          close();
        }
      }
    });
    input.addEventListener('blur', () => {
      forget();
      close();
    });
    // Keep the focus in the field while an option is pressed, so that blur does not close the list first.
    list.addEventListener('mousedown', (e) => e.preventDefault());
    list.addEventListener('click', (e) => {
      const option = e.target.closest('[role="option"]');
      if (option) go(Number(option.dataset.index));
    });
    if (input.form) input.form.addEventListener('submit', forget);
    window.addEventListener('pageshow', close); // back from a procedure page: the list is not left open
  }

  document.querySelectorAll('input[data-suggest]').forEach(enhance);
})();
