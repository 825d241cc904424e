// The search page: text queries (with the textness slider), image uploads (drop or file picker) and
// "more like this" by clicking a result. Every answer is rendered with textContent, never as HTML.
(function () {
  'use strict';
  const K = 40;
  const $ = (id) => document.getElementById(id);
  const form = $('search-form'), q = $('q'), slider = $('textness'), sliderValue = $('textness-value');
  const drop = $('drop'), file = $('file'), status = $('status'), results = $('results');
  let lastText = null;      // the last text query, re-run when the slider moves
  let sequence = 0;         // answers to superseded requests are dropped
  let sliderTimer = null;

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', !!isError);
  }

  async function run(description, request) {
    const mine = ++sequence;
    setStatus('Searching ' + description + '…');
    let body;
    try {
      const response = await request();
      body = await response.json().catch(() => ({ error: 'HTTP ' + response.status }));
      if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
    } catch (e) {
      if (mine === sequence) setStatus(e.message, true);
      return;
    }
    if (mine !== sequence) return;
    render(body.results || []);
    const took = typeof body.took_ms === 'number' ? ' in ' + body.took_ms.toFixed(1) + ' ms' : '';
    setStatus(body.results.length + ' results for ' + description + took);
  }

  function render(hits) {
    results.replaceChildren(...hits.map((hit) => {
      const tile = document.createElement('button');
      tile.type = 'button';
      tile.className = 'tile';
      tile.dataset.id = hit.id;
      tile.title = hit.path + '\nclick: more like this';
      const img = document.createElement('img');
      img.loading = 'lazy';
      img.alt = hit.path;
      img.src = '/api/image/' + encodeURIComponent(hit.id);
      const meta = document.createElement('div');
      meta.className = 'meta';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = hit.path.split(/[\\/]/).pop();
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = hit.score.toFixed(3);
      meta.append(name, score);
      tile.append(img, meta);
      tile.addEventListener('click', () => searchLike(hit.id, name.textContent));
      return tile;
    }));
  }

  function searchText() {
    const text = q.value.trim();
    if (!text) return;
    lastText = text;
    const params = new URLSearchParams({ q: text, k: String(K), textness: slider.value });
    run('"' + text + '"', () => fetch('/api/search?' + params));
  }

  function searchLike(id, label) {
    lastText = null;
    const params = new URLSearchParams({ like: id, k: String(K) });
    run('images like ' + label, () => fetch('/api/search?' + params));
  }

  function searchUpload(f) {
    if (!f) return;
    lastText = null;
    const data = new FormData();
    data.append('image', f, f.name);
    run('images like ' + f.name, () => fetch('/api/search?k=' + K, { method: 'POST', body: data }));
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); searchText(); });

  slider.addEventListener('input', () => {
    sliderValue.textContent = Number(slider.value).toFixed(1);
    clearTimeout(sliderTimer);
    if (lastText !== null) sliderTimer = setTimeout(searchText, 150);
  });

  file.addEventListener('change', () => { searchUpload(file.files[0]); file.value = ''; });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    searchUpload(e.dataTransfer.files[0]);
  });
  // a drop that misses the zone must not navigate away from the page
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  fetch('/healthz').then((r) => r.json()).then((h) => {
    $('index-size').textContent = h.images + ' images indexed';
    if (!h.textness) {
      slider.disabled = true;
      slider.title = 'this index has no textness direction';
    }
  }).catch(() => {});
})();
