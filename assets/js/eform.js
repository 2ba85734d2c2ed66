// E-forms (biểu mẫu điện tử), progressive enhancement only: the server-rendered form already works without this
// script (conditional fields are shown with a note, communes are reloaded with the "Chọn tỉnh" button, rows are
// added and removed with submit buttons). Here we (1) hide fields whose condition (data-show-if-field /
// data-show-if-equals) is not met, live, and (2) load the communes of a province as soon as it is chosen, from
// GET /api/v1/admin-units?parent=<code>, so the "Chọn tỉnh" button is no longer needed. Hidden answers are still
// posted; the server ignores the answers of fields whose condition is not met.
(() => {
  'use strict';

  /** Replaces the options of `select` with `places`, keeping the placeholder and the chosen code if still there. */
  function fillCommunes(select, places) {
    const chosen = select.value;
    const placeholder = select.options[0];
    select.replaceChildren(placeholder);
    for (const place of places) {
      const option = document.createElement('option');
      option.value = place.code;
      option.textContent = place.name;
      option.selected = place.code === chosen;
      select.appendChild(option);
    }
  }

  async function loadCommunes(provinceSelect) {
    const communeSelect = document.getElementById(provinceSelect.dataset.eformProvince);
    if (!communeSelect) return;
    const code = provinceSelect.value;
    if (!code) {
      fillCommunes(communeSelect, []);
      return;
    }
    const params = new URLSearchParams({ parent: code });
    if (provinceSelect.dataset.era) params.set('era', provinceSelect.dataset.era);
    communeSelect.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(`/api/v1/admin-units?${params}`, { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      fillCommunes(communeSelect, await response.json());
    } catch (_) {
      // Offline or refused: the "Chọn tỉnh" button still works, so show it again.
      const refresh = provinceSelect.closest('.eform-address')?.querySelector('.eform-refresh');
      if (refresh) refresh.hidden = false;
    } finally {
      communeSelect.removeAttribute('aria-busy');
    }
  }

  /** Enhances one rendered e-form; `host` is the HTML form around it, where the controls of conditions live. */
  function enhance(eform) {
    const host = eform.closest('form') || document;
    const byName = (name) => host.querySelectorAll(`[name="${CSS.escape(name)}"]`);

    /** The current value of the input(s) named `name`: the checked radio, or the select / text value. */
    function valueOf(name) {
      for (const input of byName(name)) {
        if (input.type !== 'radio' && input.type !== 'checkbox') return input.value.trim();
        if (input.checked) return input.value;
      }
      return '';
    }

    /** Whether the control named `name` sits inside a condition that is currently hidden. */
    function controlHidden(name) {
      const input = byName(name)[0];
      const wrapper = input && input.closest('[data-show-if-field]');
      return Boolean(wrapper && wrapper.hidden);
    }

    /** Shows or hides every conditional block; twice, because a condition may name a field further down. */
    function updateConditions() {
      const blocks = eform.querySelectorAll('[data-show-if-field]');
      for (let pass = 0; pass < 2; pass += 1) {
        for (const block of blocks) {
          const field = block.dataset.showIfField;
          block.hidden = controlHidden(field) || valueOf(field) !== block.dataset.showIfEquals;
        }
      }
    }

    // With live hiding the "(Chỉ điền khi …)" notes and the "Chọn tỉnh" buttons are no longer needed.
    for (const note of eform.querySelectorAll('.eform-cond-note')) note.hidden = true;
    for (const refresh of eform.querySelectorAll('.eform-refresh')) refresh.hidden = true;
    for (const select of eform.querySelectorAll('select[data-eform-province]')) {
      select.addEventListener('change', () => loadCommunes(select));
    }
    host.addEventListener('change', updateConditions);
    host.addEventListener('input', updateConditions);
    updateConditions();
  }

  document.querySelectorAll('.eform').forEach(enhance);
})();
