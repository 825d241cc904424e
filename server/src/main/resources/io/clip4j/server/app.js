// The search page: text queries (with the textness slider), image uploads (drop or file picker), "more like
// this", paging and a lightbox. The query lives in the URL (/?q=…&textness=…, /?like=ID), so Back/Forward and a
// shared link reproduce the results. Every answer is rendered with textContent, never as HTML.
(function () {
  'use strict';
  const PAGE = 40;
  const $ = (id) => document.getElementById(id);
  const form = $('search-form'), q = $('q'), slider = $('textness'), sliderValue = $('textness-value');
  const drop = $('drop'), file = $('file'), status = $('status'), results = $('results'), more = $('more');
  const forWhat = $('for-what'), forThumb = $('for-thumb'), forLabel = $('for-label');
  const box = $('lightbox'), boxImg = $('lightbox-img'), boxPath = $('lightbox-path'), boxScore = $('lightbox-score');
  let current = null;       // what the results are for: {kind: 'text'|'like'|'upload', ..., k}
  let sequence = 0;         // answers to superseded requests are dropped
  let sliderTimer = null;
  let uploadUrl = null;     // object URL of the uploaded query image (revoked when replaced)
  let shown = [];           // the hits on screen, for the lightbox

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', !!isError);
  }

  // the folder and file name: enough to tell apart the many IMG_0001.jpg of a photo library
  function caption(path) {
    const parts = path.split(/[\\/]/).filter((p) => p);
    return parts.slice(-2).join('/');
  }

  function showFor(query) {
    forWhat.hidden = false;
    forThumb.hidden = query.kind === 'text';
    if (query.kind === 'like') forThumb.src = '/api/image/' + encodeURIComponent(query.id);
    if (query.kind === 'upload') forThumb.src = uploadUrl;
    forLabel.textContent = query.kind === 'text' ? 'Results for "' + query.text + '"'
      + (Number(query.textness) !== 0 ? ' (textness ' + Number(query.textness).toFixed(1) + ')' : '')
      : 'Images like ' + query.label;
  }

  async function run(query, request) {
    const mine = ++sequence;
    current = query;
    // an image search is not for the words still in the box: leave them there and they read as the query
    if (query.kind !== 'text') q.value = '';
    showFor(query);
    setStatus('Searching…');
    // busy until this query's answer (or error) replaces the tiles: the label above already names the new query
    results.setAttribute('aria-busy', 'true');
    let body;
    try {
      const response = await request();
      body = await response.json().catch(() => ({ error: 'HTTP ' + response.status }));
      if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
    } catch (e) {
      if (mine !== sequence) return;
      // an error replaces the results: stale tiles under a new query would be read as its answer
      results.replaceChildren();
      results.removeAttribute('aria-busy');
      shown = [];
      more.hidden = true;
      setStatus(e.message, true);
      return;
    }
    if (mine !== sequence) return;
    render(body.results || []);
    results.removeAttribute('aria-busy');
    more.hidden = shown.length < query.k;
    const took = typeof body.took_ms === 'number' ? ' in ' + body.took_ms.toFixed(1) + ' ms' : '';
    setStatus(shown.length + ' results' + took);
  }

  function render(hits) {
    shown = hits;
    results.replaceChildren(...hits.map((hit, i) => {
      const tile = document.createElement('button');
      tile.type = 'button';
      tile.className = 'tile';
      tile.dataset.id = hit.id;
      tile.title = hit.path;
      const img = document.createElement('img');
      img.loading = 'lazy';
      img.alt = hit.path;
      img.src = '/api/image/' + encodeURIComponent(hit.id);
      const meta = document.createElement('div');
      meta.className = 'meta';
      const rank = document.createElement('span');
      rank.className = 'rank';
      rank.textContent = String(i + 1);
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = caption(hit.path);
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = hit.score.toFixed(3);
      meta.append(rank, name, score);
      tile.append(img, meta);
      tile.addEventListener('click', () => openBox(i));
      return tile;
    }));
  }

  // ---- the URL is the query ----

  function urlOf(query) {
    if (query.kind === 'text') {
      const p = new URLSearchParams({ q: query.text });
      if (Number(query.textness) !== 0) p.set('textness', query.textness);
      return '/?' + p;
    }
    if (query.kind === 'like') return '/?' + new URLSearchParams({ like: query.id });
    return '/';   // an upload cannot be put in a link
  }

  function remember(query, replace) {
    const url = urlOf(query);
    if (url === location.pathname + location.search && !replace) return;
    const state = query.kind === 'upload' ? null : { kind: query.kind, text: query.text, textness: query.textness, id: query.id, label: query.label };
    (replace ? history.replaceState : history.pushState).call(history, state, '', url);
  }

  function searchText(text, textness, k, push) {
    if (!text) return;
    q.value = text;
    slider.value = textness;
    sliderValue.textContent = Number(textness).toFixed(1);
    const query = { kind: 'text', text, textness: String(textness), k };
    if (push) remember(query, push === 'replace');
    const params = new URLSearchParams({ q: text, k: String(k), textness: String(textness) });
    run(query, () => fetch('/api/search?' + params));
  }

  function searchLike(id, label, k, push) {
    const query = { kind: 'like', id, label: label || 'this image', k };
    if (push) remember(query, push === 'replace');
    const params = new URLSearchParams({ like: id, k: String(k) });
    run(query, () => fetch('/api/search?' + params));
  }

  function searchUpload(f, k) {
    if (!f) return;
    if (!f.type.startsWith('image/') && f.type !== '') { setStatus(f.name + ': not an image', true); return; }
    if (uploadUrl) URL.revokeObjectURL(uploadUrl);
    uploadUrl = URL.createObjectURL(f);
    const query = { kind: 'upload', file: f, label: f.name, k };
    remember(query, false);
    const data = new FormData();
    data.append('image', f, f.name);
    run(query, () => fetch('/api/search?k=' + k, { method: 'POST', body: data }));
  }

  function rerun(query, k) {
    if (query.kind === 'text') searchText(query.text, query.textness, k, null);
    else if (query.kind === 'like') searchLike(query.id, query.label, k, null);
    else searchUpload(query.file, k);
  }

  function fromUrl() {
    const p = new URLSearchParams(location.search);
    const state = history.state || {};
    if (p.get('q')) searchText(p.get('q'), p.get('textness') || '0', PAGE, null);
    else if (p.get('like')) searchLike(p.get('like'), state.label, PAGE, null);
    else {
      current = null;
      results.replaceChildren();
      shown = [];
      more.hidden = true;
      forWhat.hidden = true;
      q.value = '';
      setStatus('');
    }
  }

  // ---- the lightbox: the image large, its path, "search similar" ----

  let boxIndex = -1;
  function openBox(i) {
    const hit = shown[i];
    if (!hit) return;
    boxIndex = i;
    boxImg.src = '/api/image/' + encodeURIComponent(hit.id) + '?size=large';
    boxImg.alt = hit.path;
    boxPath.textContent = hit.path;
    boxScore.textContent = '#' + (i + 1) + ' · score ' + hit.score.toFixed(3);
    if (!box.open) box.showModal();
  }

  $('lightbox-similar').addEventListener('click', () => {
    const hit = shown[boxIndex];
    box.close();
    if (hit) searchLike(hit.id, caption(hit.path), PAGE, 'push');
  });
  $('lightbox-close').addEventListener('click', () => box.close());
  box.addEventListener('click', (e) => { if (e.target === box) box.close(); });   // a click on the backdrop
  box.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight') openBox(Math.min(shown.length - 1, boxIndex + 1));
    if (e.key === 'ArrowLeft') openBox(Math.max(0, boxIndex - 1));
  });

  // ---- controls ----

  form.addEventListener('submit', (e) => { e.preventDefault(); searchText(q.value.trim(), slider.value, PAGE, 'push'); });

  slider.addEventListener('input', () => {
    sliderValue.textContent = Number(slider.value).toFixed(1);
    clearTimeout(sliderTimer);
    if (current && current.kind === 'text') sliderTimer = setTimeout(() => searchText(current.text, slider.value, PAGE, 'replace'), 150);
  });

  more.addEventListener('click', () => { if (current) rerun(current, current.k + PAGE); });

  file.addEventListener('change', () => { searchUpload(file.files[0], PAGE); file.value = ''; });
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); file.click(); }
  });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    searchUpload(e.dataTransfer.files[0], PAGE);
  });
  // a drop that misses the zone must not navigate away from the page
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  window.addEventListener('popstate', fromUrl);

  fetch('/healthz').then((r) => r.json()).then((h) => {
    $('index-size').textContent = h.images + ' images indexed';
    if (!h.textness) {
      slider.disabled = true;
      slider.title = 'this index has no textness direction';
    }
  }).catch(() => {});
  fromUrl();
})();
