/* militia-map web map: the analyst's controls — date, search, filters, story, permalink, About.
 *
 * Loaded after webmap.js; webmap.js calls militiaMapControls.attach(ctx, util) while it starts.
 * Every text from the data reaches the page through textContent or setAttribute, never as HTML.
 * The view lives in the URL's fragment (#...), so a saved link restores it, offline too.
 */
var militiaMapControls = (function () {
  'use strict';

  var DAY_MS = 86400000;
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  /* ---------- Dates (ISO day strings, UTC) ---------- */

  function dayNumber(iso) { return Math.round(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS); }
  function isoOf(n) { return new Date(n * DAY_MS).toISOString().slice(0, 10); }
  function isIso(text) { return typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text) && isoOf(dayNumber(text)) === text; }
  function humanDate(iso) { return +iso.slice(8, 10) + ' ' + MONTHS[+iso.slice(5, 7) - 1] + ' ' + iso.slice(0, 4); }

  /* ---------- Place names: the same key as geo/names.normalize_name ---------- */

  var LATIN_ARTICLES = { al: 1, el: 1, ad: 1, ar: 1, as: 1, an: 1, az: 1, ash: 1, the: 1 };
  var ARABIC_ARTICLE = '\u0627\u0644';
  var SEPARATORS = /[\s\-\u2010\u2011\u2012\u2013\u2014_'\u2019\u2018`\u02bc\u02bf\u02be.,()]+/;
  var ARABIC_NOISE = /[\u064b-\u065f\u0670\u0640\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  // The key function under Python's combining characters and case folds, from the page's data
  // (see _controls.name_rules); decode.js keys the place search's names with it too.
  function nameKeyer(rules) {
    var combining = /\p{Mn}/gu, folds = {};
    if (rules) {
      try { combining = new RegExp(rules.combining, 'gu'); } catch (e) { combining = /\p{Mn}/gu; }
      folds = rules.casefold || {};
    }
    // No fold of an ASCII text (Python's: none): such a text is its lower case, without the loop.
    var asciiFolds = Object.keys(folds).some(function (k) { return /^[\x00-\x7f]+$/.test(k); });
    function casefold(text) {
      var lower = text.toLowerCase(), out = '';
      if (!asciiFolds && /^[\x00-\x7f]*$/.test(lower)) { return lower; }
      for (var ch of lower) { out += Object.prototype.hasOwnProperty.call(folds, ch) ? folds[ch] : ch; }
      return out;
    }
    return function (name) {
      var text = casefold(String(name).normalize('NFKD').replace(combining, '')).replace(ARABIC_NOISE, '');
      var tokens = text.split(SEPARATORS).filter(Boolean);
      return tokens.filter(function (t) { return !(LATIN_ARTICLES[t] && tokens.length > 1); }).map(function (t) {
        return t.indexOf(ARABIC_ARTICLE) === 0 && t.length > ARABIC_ARTICLE.length + 1 ? t.slice(ARABIC_ARTICLE.length) : t;
      }).join('');
    };
  }

  var currentKey = nameKeyer(null);
  function setNameRules(rules) { if (rules) { currentKey = nameKeyer(rules); } }
  function normalizeName(name) { return currentKey(name); }

  // Places matching a query, best first: a whole spelling, then the start of one, then a part of one.
  function searchPlaces(places, query) {
    var key = normalizeName(query);
    if (!key) { return []; }
    var scored = [];
    places.forEach(function (place) {
      var best = 0;
      place.keys.forEach(function (k) {
        var s = k === key ? 3 : (k.indexOf(key) === 0 ? 2 : (key.length >= 3 && k.indexOf(key) > 0 ? 1 : 0));
        if (s > best) { best = s; }
      });
      if (best) { scored.push({ place: place, score: best + (place.features.length ? 0.5 : 0) }); }
    });
    scored.sort(function (a, b) { return b.score - a.score || a.place.name.localeCompare(b.place.name); });
    return scored.map(function (s) { return s.place; });
  }

  /* ---------- Permalink: the view in the URL fragment ---------- */

  function listParam(values) { return values.map(encodeURIComponent).join(','); }
  // A part of a link from anywhere: malformed escapes (`50%`) give null and are dropped, never thrown.
  function safeDecode(text) { try { return decodeURIComponent(text); } catch (e) { return null; } }
  function parseList(text) { return text ? text.split(',').map(safeDecode).filter(function (v) { return v !== null; }) : []; }
  function selected(map) { return map ? Object.keys(map).filter(function (k) { return map[k]; }).sort() : null; }

  function encodeView(ctx) {
    var map = ctx.map, c = map.getCenter(), st = ctx.state, parts = [];
    parts.push('ll=' + c.lat.toFixed(5) + ',' + c.lng.toFixed(5));
    parts.push('z=' + map.getZoom());
    parts.push('l=' + listParam(ctx.order.filter(function (id) { return ctx.layerOn[id]; })));
    if (st.date) { parts.push('d=' + st.date); }
    if (st.compare) { parts.push('cmp=' + st.compare.a + ',' + st.compare.b); }
    if (st.window !== ((ctx.data.controls || {}).timeline || {}).window && st.window) { parts.push('w=' + st.window); }
    if (st.ended !== 'fade') { parts.push('e=' + st.ended); }
    if (!st.undated) { parts.push('u=0'); }
    if (st.corroborated) { parts.push('c2=1'); }
    ['actors', 'types', 'statuses'].forEach(function (key) { if (st[key]) { parts.push(key.charAt(0) + '=' + listParam(selected(st[key]))); } });
    if (ctx.towns && !map.hasLayer(ctx.towns)) { parts.push('towns=0'); }
    if (ctx.storyIndex !== null && ctx.storyIndex !== undefined) { parts.push('story=' + (ctx.storyIndex + 1)); } else if (ctx.openFeature) { parts.push('f=' + encodeURIComponent(ctx.openFeature.layerId) + '/' + encodeURIComponent(ctx.openFeature.id)); }
    return '#' + parts.join('&');
  }

  // The fragment's keys and raw values, in an object without a prototype (so `__proto__=` is just a key
  // no one reads); an overlong fragment is ignored whole.
  var MAX_FRAGMENT = 8192;
  function decodeView(hash) {
    var out = Object.create(null), text = String(hash || '');
    if (text.length > MAX_FRAGMENT) { return out; }
    text.replace(/^#/, '').split('&').forEach(function (pair) {
      var i = pair.indexOf('=');
      if (i > 0) { out[pair.slice(0, i)] = pair.slice(i + 1); }
    });
    return out;
  }

  /* ---------- Controls ---------- */

  function attach(ctx, u) {
    var el = u.el, map = ctx.map, app = ctx.app, controls = ctx.data.controls || {};

    function button(className, text, onClick) {
      var b = el('button', className, text);
      b.type = 'button';
      if (onClick) { b.addEventListener('click', onClick); }
      return b;
    }

    // A panel that keeps its clicks and scrolls from the map, with an accessible role and name.
    function region(className, role, name) {
      var box = el('div', className);
      box.setAttribute('role', role);
      if (name) { box.setAttribute('aria-label', name); }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
    var timeline = controls.timeline || { min: '2000-01-01', max: '2030-01-01', stops: [], story: null };
    // The places are read when first searched or listed (the compact page decodes them then, decode.js).
    function allPlaces() { return controls.places || []; }
    setNameRules(controls.name_rules);
    ctx.storyIndex = null;

    /* Date bar */
    var dateInput, slider, summaryNode, allButton, endedBox, undatedBox, windowSelect, stopButtons = [];
    var minDay = dayNumber(timeline.min), maxDay = dayNumber(timeline.max);

    // Picking a day leaves the comparison of two dates.
    function setDate(iso) { app.setState({ date: iso && isIso(iso) ? iso : null, compare: null }); }

    function timeControl() {
      var Control = L.Control.extend({
        onAdd: function () {
          var box = region('mm-panel mm-time', 'group', 'Date');
          var row = el('div', 'mm-time-row');
          row.appendChild(el('span', 'mm-time-label', 'Situation on'));
          slider = el('input', 'mm-time-slider');
          slider.type = 'range';
          slider.min = String(minDay);
          slider.max = String(maxDay);
          slider.value = String(maxDay);
          slider.setAttribute('aria-label', 'Date slider');
          slider.addEventListener('input', function () { setDate(isoOf(+slider.value)); });
          row.appendChild(slider);
          dateInput = el('input', 'mm-time-date');
          dateInput.type = 'date';
          dateInput.min = timeline.min;
          dateInput.max = timeline.max;
          dateInput.setAttribute('aria-label', 'Date');
          dateInput.addEventListener('change', function () { if (isIso(dateInput.value)) { setDate(dateInput.value); } });
          row.appendChild(dateInput);
          allButton = button('mm-button', 'All dates', function () { setDate(null); });
          row.appendChild(allButton);
          if (timeline.story && timeline.story.steps.length) {
            var storyButton = button('mm-button mm-story-start', '\u25b6 Story', function () { startStory(0); });
            storyButton.title = 'Story: ' + timeline.story.title;
            storyButton.setAttribute('aria-label', 'Start the story: ' + timeline.story.title);
            row.appendChild(storyButton);
          }
          // Quick stops, options and the link stay folded away until asked for: one line over the map.
          var more = el('div', 'mm-time-more');
          more.id = 'mm-time-more';
          more.hidden = true;
          var moreButton = button('mm-button mm-time-toggle', 'More', function () { setMoreOpen(more.hidden); });
          moreButton.setAttribute('aria-expanded', 'false');
          moreButton.setAttribute('aria-controls', more.id);
          moreButton.title = 'Key dates, options and a link to this view';
          row.appendChild(moreButton);
          box.appendChild(row);
          function setMoreOpen(open) {
            more.hidden = !open;
            moreButton.setAttribute('aria-expanded', String(open));
            moreButton.textContent = open ? 'Less' : 'More';
            box.classList.toggle('mm-open', open);
            box.dispatchEvent(new Event('toggle'));
          }
          ctx.setTimeMoreOpen = setMoreOpen;
          var stops = el('div', 'mm-time-stops');
          timeline.stops.forEach(function (stop) {
            var b = button('mm-stop', stop.label, function () { setDate(stop.date); });
            b.setAttribute('data-date', stop.date);
            b.title = stop.note ? stop.label + '. ' + stop.note : stop.label;
            stopButtons.push(b);
            stops.appendChild(b);
          });
          more.appendChild(stops);
          var options = el('div', 'mm-time-options');
          endedBox = checkbox('Fade claims that had ended (untick to hide them)', ctx.state.ended === 'fade', 'mm-opt-ended', function (on) { app.setState({ ended: on ? 'fade' : 'hide' }); });
          undatedBox = checkbox('Show undated claims', ctx.state.undated, 'mm-opt-undated', function (on) { app.setState({ undated: on }); });
          options.appendChild(endedBox.parentNode);
          options.appendChild(undatedBox.parentNode);
          var windowLabel = el('label', 'mm-check mm-opt-window', 'New = started in the ');
          windowSelect = el('select', 'mm-window');
          windowSelect.setAttribute('aria-label', 'Days a mark counts as new');
          (timeline.windows || [1, 7, 14, 30]).forEach(function (n) {
            var option = el('option', null, String(n));
            option.value = String(n);
            windowSelect.appendChild(option);
          });
          windowSelect.value = String(ctx.state.window);
          windowSelect.addEventListener('change', function () { app.setState({ window: +windowSelect.value }); });
          windowLabel.appendChild(windowSelect);
          windowLabel.appendChild(document.createTextNode(' days up to the date (yellow halo)'));
          options.appendChild(windowLabel);
          options.appendChild(button('mm-button mm-link-button', 'Link to this view', showLink));
          more.appendChild(options);
          box.appendChild(more);
          summaryNode = el('div', 'mm-time-summary');
          summaryNode.setAttribute('aria-live', 'polite');
          more.appendChild(summaryNode);
          return box;
        }
      });
      return new Control({ position: 'bottomright' });
    }

    // A labelled checkbox; returns the input (its label is its parent).
    function checkbox(text, checked, className, onChange) {
      var label = el('label', 'mm-check ' + className), box = el('input');
      box.type = 'checkbox';
      box.checked = checked;
      box.addEventListener('change', function () { onChange(box.checked); });
      label.appendChild(box);
      label.appendChild(el('span', null, text));
      return box;
    }

    // Marks shown, by phase (or compare class); circles repeat their points and are not counted.
    function shownCounts() {
      var counts = { current: 0, ended: 0, undated: 0, new: 0, ongoing: 0, only_a: 0, both: 0, only_b: 0, endedAll: 0, all: 0 };
      ctx.order.forEach(function (id) {
        if (id === 'uncertainty') { return; }
        ctx.layers[id].shown.forEach(function (f) { if (f.phase === 'current') { counts.current += 1; } counts[f.cls] = (counts[f.cls] || 0) + 1; });
        if (!ctx.layerOn[id]) { return; }
        ctx.layers[id].features.forEach(function (f) { if (f.cls === 'ended' && (ctx.layers[id].spec.overlay || u.passesFilters(f.properties, ctx.state))) { counts.endedAll += 1; } });
      });
      return counts;
    }

    function updateTime() {
      var date = ctx.state.date, counts = shownCounts();
      if (slider) { slider.value = String(date ? dayNumber(date) : maxDay); }
      if (dateInput) { dateInput.value = date || ''; }
      if (allButton) { allButton.setAttribute('aria-pressed', String(!date && !ctx.state.compare)); }
      stopButtons.forEach(function (b) { b.classList.toggle('mm-active', b.getAttribute('data-date') === date); });
      if (endedBox) { endedBox.checked = ctx.state.ended === 'fade'; }
      if (undatedBox) { undatedBox.checked = ctx.state.undated; }
      if (windowSelect) { windowSelect.value = String(ctx.state.window); }
      updateCompare(counts);
      if (!summaryNode) { return; }
      if (ctx.state.compare) {
        summaryNode.textContent = 'Comparing ' + humanDate(ctx.state.compare.a) + ' (A) with ' + humanDate(ctx.state.compare.b) + ' (B): ' +
          counts.only_a + ' only at A, ' + counts.both + ' at both, ' + counts.only_b + ' only at B. Pick a date to leave the comparison.';
      } else if (!date) {
        summaryNode.textContent = 'All dates: ' + counts.current + ' marks, whatever their date. Pick a date to see the situation on that day.';
      } else {
        summaryNode.textContent = humanDate(date) + ': ' + counts.new + ' new (started in the ' + ctx.state.window + ' days up to it, yellow halo), ' +
          counts.ongoing + ' ongoing, ' + (ctx.state.ended === 'fade' ? counts.ended + ' ended or last reported before it (faded)' : counts.endedAll + ' ended (hidden)') +
          (ctx.state.undated ? ', ' + counts.undated + ' undated' : '') + '. Spans known only to a month or year cover the whole month or year.';
      }
    }

    /* Search */
    function placeCard(place) {
      var root = el('div', 'mm-popup mm-place');
      root.appendChild(el('div', 'mm-kicker', 'Place \u00b7 ' + place.kind));
      var title = el('div', 'mm-title', place.name);
      title.dir = 'auto';
      root.appendChild(title);
      var list = el('dl');
      function row(term, value, rtl) {
        if (!value) { return; }
        list.appendChild(el('dt', null, term));
        var dd = el('dd', null, value);
        dd.dir = rtl ? 'rtl' : 'auto';
        if (rtl) { dd.lang = 'ar'; }
        list.appendChild(dd);
      }
      row('Precision', typeof place.radius_km === 'number' ? 'within about ' + place.radius_km + ' km of the point' : 'country reference point');
      row('Coordinates', place.lat.toFixed(4) + ', ' + place.lon.toFixed(4) + ' \u2014 ' + place.coord_source);
      row('Arabic', place.arabic.join('\u060c '), true);
      var others = place.names.filter(function (n) { return n !== place.name && place.arabic.indexOf(n) < 0; });
      row('Also written', others.slice(0, 14).join(', ') + (others.length > 14 ? ' \u2026' : ''));
      root.appendChild(list);
      root.appendChild(el('div', 'mm-sources-title', place.features.length ? 'Marks at this place (' + place.features.length + ')' : 'No mark is drawn at this place.'));
      var ol = el('ol', 'mm-place-features');
      place.features.slice(0, 40).forEach(function (ref) {
        var f = u.findFeature(ctx, ref[0], ref[1]);
        if (!f) { return; }
        var li = el('li'), b = button('mm-linklike', (ctx.layers[ref[0]].spec.title + ': ') + (f.properties.name || f.id), function () { app.openPopup(ref[0], ref[1]); });
        b.dir = 'auto';
        b.setAttribute('data-feature', ref[0] + '/' + ref[1]);
        li.appendChild(b);
        ol.appendChild(li);
      });
      root.appendChild(ol);
      return root;
    }

    function goToPlace(place) {
      var at = L.latLng(place.lat, place.lon), r = place.radius_km;
      if (typeof r === 'number' && r > 2) {
        map.fitBounds(at.toBounds(r * 2000).pad(0.3), { maxZoom: 11, animate: false });
      } else {
        map.setView(at, typeof r === 'number' ? 11 : 6, { animate: false });
      }
      L.popup(Object.assign(u.popupOptions(), { className: 'mm-place-popup' })).setLatLng(at).setContent(placeCard(place)).openOn(map);
      return true;
    }

    function searchControl() {
      var Control = L.Control.extend({
        onAdd: function () {
          var box = region('mm-panel mm-search', 'search', 'Find a place');
          var input = el('input', 'mm-search-input');
          input.type = 'search';
          input.placeholder = 'Find a place (any spelling)';
          input.setAttribute('aria-label', 'Find a place by name, in any spelling');
          input.dir = 'auto';
          input.setAttribute('autocomplete', 'off');
          var results = el('ol', 'mm-search-results');
          results.setAttribute('aria-label', 'Places found');
          function show() {
            results.textContent = '';
            var found = searchPlaces(allPlaces(), input.value).slice(0, 8);
            found.forEach(function (place) {
              var li = el('li'), b = button('mm-linklike', null, function () { goToPlace(place); });
              var name = el('span', 'mm-result-name', place.name);
              name.dir = 'auto';
              b.appendChild(name);
              if (place.arabic.length) { var ar = el('span', 'mm-result-ar', place.arabic[0]); ar.dir = 'rtl'; ar.lang = 'ar'; b.appendChild(ar); }
              b.appendChild(el('span', 'mm-count', place.features.length ? ' (' + place.features.length + ' marks)' : ''));
              b.setAttribute('data-place', place.id);
              li.appendChild(b);
              results.appendChild(li);
            });
            if (input.value && !found.length) { results.appendChild(el('li', 'mm-none', 'No place of that name in the gazetteer.')); }
          }
          input.addEventListener('input', show);
          input.addEventListener('keydown', function (e) {
            if (e.key === 'Enter') { var first = searchPlaces(allPlaces(), input.value)[0]; if (first) { goToPlace(first); } }
          });
          var about = button('mm-button mm-about-open', 'About \u00b7 method \u00b7 sources', openAbout);
          var top = el('div', 'mm-search-row');
          top.appendChild(input);
          top.appendChild(about);
          box.appendChild(top);
          box.appendChild(results);
          return box;
        }
      });
      return new Control({ position: 'topleft' });
    }

    /* Filters */
    function filterSection(title, key, choices) {
      var wrap = el('details', 'mm-filter mm-filter-' + key);
      wrap.appendChild(el('summary', null, title));
      var boxes = [];
      function apply() {
        var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
        var change = {};
        change[key] = on.length === boxes.length ? null : on;
        app.setState(change);
      }
      var tools = el('div', 'mm-filter-tools');
      [['all', true], ['none', false]].forEach(function (pair) {
        tools.appendChild(button('mm-linklike', pair[0], function () { boxes.forEach(function (x) { x.checked = pair[1]; }); apply(); }));
      });
      wrap.appendChild(tools);
      choices.forEach(function (choice) {
        var label = el('label', 'mm-layer-toggle' + (choice.parent ? ' mm-child' : '')), box = el('input');
        box.type = 'checkbox';
        box.value = choice.id;
        box.checked = true;
        box.setAttribute('data-filter', key);
        box.addEventListener('change', apply);
        boxes.push(box);
        label.appendChild(box);
        var text = el('span', null, choice.label);
        text.dir = 'auto';
        label.appendChild(text);
        label.appendChild(el('span', 'mm-count', '(' + choice.count + ')'));
        wrap.appendChild(label);
      });
      ctx.filterBoxes = ctx.filterBoxes || {};
      ctx.filterBoxes[key] = boxes;
      return wrap;
    }

    function syncFilterBoxes() {
      if (ctx.corroboratedBox) { ctx.corroboratedBox.checked = Boolean(ctx.state.corroborated); }
      Object.keys(ctx.filterBoxes || {}).forEach(function (key) {
        var chosen = ctx.state[key];
        ctx.filterBoxes[key].forEach(function (b) { b.checked = !chosen || Boolean(chosen[b.value]); });
      });
    }

    function orderedActors(actors) {
      var byParent = {}, roots = [];
      actors.forEach(function (a) { if (a.parent && actors.some(function (b) { return b.id === a.parent; })) { (byParent[a.parent] = byParent[a.parent] || []).push(a); } else { roots.push(a); } });
      var out = [];
      function walk(a) { out.push(a); (byParent[a.id] || []).forEach(walk); }
      roots.forEach(walk);
      return out;
    }

    function filterControl() {
      var filters = controls.filters || { actors: [], types: [], statuses: [] };
      var Control = L.Control.extend({
        onAdd: function () {
          var box = u.panel('mm-filters', 'Filters', false);
          box.appendChild(el('div', 'mm-about-line', 'A mark shows when its layer is on and it matches every filter (any of its actors).'));
          box.appendChild(filterSection('Actor', 'actors', orderedActors(filters.actors)));
          box.appendChild(filterSection('Type of claim', 'types', filters.types));
          box.appendChild(filterSection('Status', 'statuses', filters.statuses));
          var corr = checkbox('Only corroborated claims: at least 2 independent sources (the works behind EUAA\u2019s footnotes, each once), not contested (' + (filters.corroborated || 0) + ')',
            Boolean(ctx.state.corroborated), 'mm-opt-corroborated', function (on) { app.setState({ corroborated: on }); });
          ctx.corroboratedBox = corr;
          box.appendChild(corr.parentNode);
          return box;
        }
      });
      return new Control({ position: 'topright' });
    }

    /* Story */
    var storyBox = null;

    // Every [lat, lng] a step's marks are drawn through: points and circle centres, whole lines.
    function stepLatLngs(step) {
      var out = [];
      step.features.forEach(function (ref) {
        var f = u.findFeature(ctx, ref[0], ref[1]);
        if (!f || !f.latlng) { return; }
        out.push({ at: f.latlng, lines: f.feature.geometry ? u.lineParts(f.feature.geometry) : [] });
      });
      return out;
    }

    function stepBounds(step) {
      var bounds = L.latLngBounds([]);
      stepLatLngs(step).forEach(function (mark) {
        bounds.extend(mark.at);
        mark.lines.forEach(function (latlngs) { bounds.extend(latlngs); });
      });
      return bounds;
    }

    function renderStep() {
      var story = timeline.story, i = ctx.storyIndex, step = story.steps[i];
      storyBox.textContent = '';
      var head = el('div', 'mm-story-head');
      head.appendChild(el('span', 'mm-kicker', story.title + ' \u00b7 step ' + (i + 1) + ' of ' + story.steps.length));
      head.appendChild(button('mm-linklike mm-story-close', 'close \u2715', stopStory));
      storyBox.appendChild(head);
      var nav = el('div', 'mm-story-nav');
      [['\u25c0 Previous', -1], ['Next \u25b6', 1]].forEach(function (pair) {
        var b = button('mm-button', pair[0], function () { showStep(ctx.storyIndex + pair[1]); });
        b.disabled = (pair[1] < 0 && i === 0) || (pair[1] > 0 && i === story.steps.length - 1);
        b.setAttribute('data-step', String(pair[1]));
        nav.appendChild(b);
      });
      nav.appendChild(el('span', 'mm-count', 'keys \u2190 \u2192, Esc to close'));
      storyBox.appendChild(nav);
      var f = step.features.length ? u.findFeature(ctx, step.features[0][0], step.features[0][1]) : null;
      if (f) {
        // The claim's own card, as its popup shows it; the map rings its marks.
        storyBox.appendChild(u.buildPopup(ctx, ctx.layers[f.layerId].spec, f.properties));
        if (ctx.layers[f.layerId].panel) { storyBox.appendChild(el('div', 'mm-story-unmapped', 'Country-wide: the source names only a country, so no mark is drawn (see \u201c' + ctx.layers[f.layerId].spec.title + '\u201d).')); }
        if (step.features.length > 1) { storyBox.appendChild(el('div', 'mm-id', 'Drawn as ' + step.features.length + ' marks, ringed on the map.')); }
        return;
      }
      var title = el('div', 'mm-title', step.summary);
      title.dir = 'auto';
      storyBox.appendChild(title);
      storyBox.appendChild(el('div', 'mm-about-line', step.type_label + ' \u00b7 ' + step.status + ' \u00b7 ' + step.date_label));
      storyBox.appendChild(el('div', 'mm-story-unmapped', 'Not on the map: ' + (step.unmapped || 'no place given')));
      step.evidence.forEach(function (e) {
        var q = el('blockquote', 'mm-quote', '\u201c' + e.quote + '\u201d');
        q.dir = 'auto';
        storyBox.appendChild(q);
        storyBox.appendChild(el('div', 'mm-cite', e.citation));
      });
      storyBox.appendChild(el('div', 'mm-id', 'id: ' + step.claim_id));
    }

    var highlight = L.layerGroup();

    function ring(step) {
      highlight.clearLayers();
      var renderer = ctx.highlightRenderer || (ctx.highlightRenderer = L.svg({ pane: 'mm-data-labels', padding: 0.5 }));
      stepLatLngs(step).forEach(function (mark) {
        mark.lines.forEach(function (latlngs) {
          L.polyline(latlngs, { renderer: renderer, interactive: false, color: '#E69F00', weight: 14, opacity: 0.35, lineCap: 'round' }).addTo(highlight);
        });
        L.circleMarker(mark.at, { renderer: renderer, interactive: false, radius: 17, color: '#E69F00', weight: 4, opacity: 0.95, fill: false }).addTo(highlight);
      });
      highlight.addTo(map);
    }

    function showStep(i) {
      var story = timeline.story;
      if (!story || i < 0 || i >= story.steps.length) { return false; }
      ctx.storyIndex = i;
      var step = story.steps[i];
      map.closePopup();
      app.setState({ date: step.start || step.end });
      renderStep();
      var bounds = stepBounds(step), bar = map.getContainer().querySelector('.mm-time');
      // Beside the card on a laptop; above it (a bottom sheet) on a phone.
      var phone = u.isPhone(), left = phone ? 20 : storyBox.offsetWidth + 30, bottom = phone ? storyBox.offsetHeight + 20 : (bar ? bar.offsetHeight : 0) + 30;
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.3), { maxZoom: 8, animate: false, paddingTopLeft: [left, phone ? 60 : 30], paddingBottomRight: [phone ? 20 : 30, bottom] }); }
      ring(step);
      writeUrl();
      return true;
    }

    function startStory(i) {
      if (!storyBox) {
        storyBox = region('mm-panel mm-story', 'region', 'Story');
        map.getContainer().appendChild(storyBox);
      }
      storyBox.style.display = '';
      map.getContainer().classList.add('mm-story-on');
      return showStep(i || 0);
    }

    function stopStory() {
      ctx.storyIndex = null;
      highlight.clearLayers();
      map.getContainer().classList.remove('mm-story-on');
      if (storyBox) { storyBox.style.display = 'none'; }
      writeUrl();
    }

    document.addEventListener('keydown', function (e) {
      if (ctx.storyIndex === null || e.altKey || e.ctrlKey || e.metaKey) { return; }
      var tag = e.target && e.target.tagName;
      if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') { return; }
      if (e.key === 'ArrowRight') { showStep(ctx.storyIndex + 1); e.preventDefault(); }
      if (e.key === 'ArrowLeft') { showStep(ctx.storyIndex - 1); e.preventDefault(); }
      if (e.key === 'Escape') { stopStory(); }
    });

    /* About */
    var aboutBox = null;

    function section(parent, title) {
      var s = el('section', 'mm-about-section');
      s.appendChild(el('h2', null, title));
      parent.appendChild(s);
      return s;
    }

    function openAbout() {
      if (aboutBox) { aboutBox.style.display = ''; aboutBox.querySelector('.mm-about-close').focus(); return; }
      var meta = ctx.data.meta, about = controls.about || { method: [], sources: [] };
      aboutBox = region('mm-modal', 'dialog', 'About this map');
      aboutBox.setAttribute('aria-modal', 'true');
      var card = el('div', 'mm-modal-card');
      var close = button('mm-button mm-about-close', 'Close', function () { aboutBox.style.display = 'none'; });
      card.appendChild(close);
      card.appendChild(el('h1', null, meta.title));
      card.appendChild(el('p', 'mm-about-meta', 'Dataset version ' + meta.version + ' \u00b7 data as of ' + meta.as_of + ' \u00b7 map built ' + meta.built));
      if (meta.data_sha256) { card.appendChild(el('p', 'mm-about-meta mm-digest', 'SHA-256 of data/ (dataset/digest.py): ' + meta.data_sha256)); }
      section(card, 'What the map shows').appendChild(el('p', null, about.abstract));
      var method = section(card, 'Method');
      about.method.forEach(function (para) { method.appendChild(el('p', null, para)); });
      if (about.method_time) { method.appendChild(el('p', 'mm-method-time', about.method_time)); }
      var sources = section(card, 'Sources (' + about.sources.length + ')');
      var ol = el('ol', 'mm-about-sources');
      about.sources.forEach(function (src) {
        var li = el('li');
        li.setAttribute('data-source', src.id);
        var url = u.safeUrl(src.url);
        var cite = el('cite', null, src.citation);
        if (url) { var a = el('a'); a.href = url; a.target = '_blank'; a.rel = 'noopener noreferrer'; a.appendChild(cite); li.appendChild(a); } else { li.appendChild(cite); }
        var more = [];
        if (src.has_text) { more.push('full text checked: every quote is verified against it'); }
        if (src.cited_in.length) { more.push('cited in ' + src.cited_in.join('; ')); }
        if (!url) { more.push('no URL recorded (none was seen)'); }
        li.appendChild(el('div', 'mm-cited', more.join(' \u00b7 ')));
        if (src.note) { li.appendChild(el('div', 'mm-cited', src.note)); }
        ol.appendChild(li);
      });
      sources.appendChild(ol);
      (controls.overlays || []).forEach(function (o) {
        var s = section(card, o.title + ' (overlay, ' + o.count + ' events)');
        s.setAttribute('data-overlay', o.id);
        s.appendChild(el('p', null, 'Events from an ACLED export, drawn as their own layer: they are not curated claims, carry no verified quote and are never counted as corroboration.'));
        s.appendChild(el('p', 'mm-overlay-credit', o.attribution));
      });
      if (about.credits) {
        var credits = section(card, 'Credits (one per layer, dated)');
        var cl = el('ul', 'mm-about-credits');
        about.credits.forEach(function (line) { cl.appendChild(el('li', null, line)); });
        credits.appendChild(cl);
      }
      if (about.exclusion) {
        var left = section(card, 'Not on this map');
        left.setAttribute('data-section', 'not-on-map');
        left.appendChild(el('p', 'mm-exclusion', about.exclusion));
        var nl = el('ol', 'mm-about-left-out');
        (about.not_on_map || []).forEach(function (row) {
          var li = el('li');
          li.setAttribute('data-claim', row.claim_id);
          var head = el('div', 'mm-title', row.summary);
          head.dir = 'auto';
          li.appendChild(head);
          li.appendChild(el('div', 'mm-cited', row.why_not_on_map));
          var q = el('blockquote', 'mm-quote', '\u201c' + row.quote + '\u201d');
          q.dir = 'auto';
          li.appendChild(q);
          li.appendChild(el('div', 'mm-cited', row.citation));
          nl.appendChild(li);
        });
        left.appendChild(nl);
        if ((about.not_on_map || []).length) { left.appendChild(el('p', 'mm-cited', 'The same list, with dates and source files: claims_not_on_map.csv beside this map.')); }
      }
      var placeSection = section(card, 'Places and their Arabic names');
      var table = el('table', 'mm-about-places');
      allPlaces().forEach(function (p) {
        var tr = el('tr');
        var name = el('td', null, p.name);
        name.dir = 'auto';
        tr.appendChild(name);
        var ar = el('td', 'mm-ar', p.arabic.join('\u060c '));
        ar.dir = 'rtl';
        ar.lang = 'ar';
        tr.appendChild(ar);
        tr.appendChild(el('td', 'mm-count', typeof p.radius_km === 'number' ? '\u00b1 ' + p.radius_km + ' km' : 'country'));
        table.appendChild(tr);
      });
      placeSection.appendChild(table);
      var notes = section(card, 'Disclaimer and licence');
      notes.appendChild(el('p', null, meta.disclaimer));
      notes.appendChild(el('p', null, meta.licence));
      aboutBox.appendChild(card);
      aboutBox.addEventListener('click', function (e) { if (e.target === aboutBox) { aboutBox.style.display = 'none'; } });
      aboutBox.addEventListener('keydown', function (e) { if (e.key === 'Escape') { aboutBox.style.display = 'none'; } });
      map.getContainer().appendChild(aboutBox);
      close.focus();
    }

    /* Compare two dates, what changed, download what I see, figure of this view */
    var compareBox = null, compareToggle, compareA, compareB, compareSummary, changesTitle, changesList, downloadNote, figureTitle, figureBox;
    // Layers that draw one claim per mark (sites gather claims, circles repeat points): the change list and the downloads read these.
    var CLAIM_LAYERS = ['movements', 'strikes', 'presence', 'risks', 'countrywide'];

    function defaultPair() {
      var stops = timeline.stops.map(function (x) { return x.date; }).sort();
      var a = ctx.state.date || (stops.length ? stops[0] : timeline.min), b = stops.length ? stops[stops.length - 1] : timeline.max;
      if (b <= a) { b = timeline.max > a ? timeline.max : a; }
      return { a: a, b: b };
    }

    function startCompare(a, b) {
      if (!isIso(a) || !isIso(b)) { return false; }
      app.setState({ compare: { a: a, b: b } });
      return true;
    }

    // Every claim that started or ended between A and B (A < start <= B, or A <= effective end < B),
    // once, with the mark to open: under the filters, whatever the layer switches.
    function changesBetween(a, b) {
      var rows = [], seen = Object.create(null);
      CLAIM_LAYERS.forEach(function (layerId) {
        var entry = ctx.layers[layerId];
        if (!entry) { return; }
        entry.features.forEach(function (f) {
          var p = f.properties, cid = p.claim_id, start = p.date_start, end = p.span_end !== undefined ? p.span_end : p.date_end;
          if (!cid || seen[cid] || !u.passesFilters(p, ctx.state)) { return; }
          var started = Boolean(start) && start > a && start <= b, ended = Boolean(end) && end >= a && end < b;
          if (!started && !ended) { return; }
          seen[cid] = true;
          rows.push({ claim: cid, layer: layerId, id: f.id, started: started, ended: ended, day: started ? start : end, f: f });
        });
      });
      rows.sort(function (x, y) { return x.day < y.day ? -1 : (x.day > y.day ? 1 : (x.claim < y.claim ? -1 : 1)); });
      return rows;
    }

    // The change list is a summary: a longer text shows its start (the popup and the downloads hold it all).
    var CHANGE_TEXT_MAX = 400;

    function changeKind(row) { return row.started && row.ended ? 'started and ended' : (row.started ? 'started' : 'ended'); }

    function renderChanges() {
      if (!changesList) { return; }
      changesList.textContent = '';
      var cmp = ctx.state.compare;
      if (!cmp) {
        changesTitle.textContent = 'What changed between A and B';
        changesList.appendChild(el('li', 'mm-none', 'Tick \u201cCompare two dates\u201d to list what started or ended between them.'));
        return;
      }
      var rows = changesBetween(cmp.a, cmp.b);
      changesTitle.textContent = 'What changed between ' + humanDate(cmp.a) + ' and ' + humanDate(cmp.b) + ' (' + rows.length + ')';
      rows.forEach(function (row) {
        var p = row.f.properties, li = el('li', 'mm-change');
        li.setAttribute('data-claim', row.claim);
        li.setAttribute('data-change', changeKind(row));
        var when = row.started && row.ended ? 'Started and ended between A and B: ' + u.textOf(p.span_label) :
          (row.started ? 'Started ' + humanDate(p.date_start) : 'Ended: ' + u.textOf(p.span_label));
        li.appendChild(el('div', 'mm-kicker', when + ' \u00b7 ' + u.textOf(p.type_label)));
        var title = u.longText('div', 'mm-title', p.summary || p.name, CHANGE_TEXT_MAX);
        title.dir = 'auto';
        li.appendChild(title);
        u.evidenceOf(ctx, p).forEach(function (entry) {
          var q = u.longText('blockquote', 'mm-quote', entry.quote, CHANGE_TEXT_MAX, '\u201c', '\u201d');
          q.dir = 'auto';
          li.appendChild(q);
          li.appendChild(u.citationNode(entry));
        });
        var open = button('mm-linklike mm-change-open', 'Show on the map', function () { app.openPopup(row.layer, row.id); });
        open.setAttribute('data-feature', row.layer + '/' + row.id);
        li.appendChild(open);
        changesList.appendChild(li);
      });
      if (!rows.length) { changesList.appendChild(el('li', 'mm-none', 'No claim started or ended between these dates (under these filters).')); }
    }

    function updateCompare(counts) {
      if (!compareBox) { return; }
      var cmp = ctx.state.compare;
      compareToggle.checked = Boolean(cmp);
      if (cmp) { compareA.value = cmp.a; compareB.value = cmp.b; }
      compareSummary.textContent = cmp ? counts.only_a + ' only at A (faded, dashed), ' + counts.both + ' at both, ' + counts.only_b + ' only at B (yellow halo).' :
        'Class every mark as only at A, at both dates, or only at B.';
      renderChanges();
      updateDownloads();
      updateFigure();
    }

    /* Download what I see: the CSV's rows (dist/militia_map.csv) of the claims shown */

    var FORMULA_START = ['=', '+', '-', '@', '\t', '\r'];
    // renderers/csv_export.py spreadsheet_cell: numbers as they are, text a spreadsheet would run as a formula gets a leading '.
    function spreadsheetCell(value) {
      if (typeof value === 'number') { return isFinite(value) ? String(value) : ''; }
      var text = value === null || value === undefined ? '' : String(value);
      return FORMULA_START.indexOf(text.charAt(0)) >= 0 && text !== '' ? "'" + text : text;
    }

    // A cell from the page's data: a number comes as [its Python text] and is written as it is.
    function exportCell(cell) { return Array.isArray(cell) ? String(cell[0]) : spreadsheetCell(cell); }

    // Python's csv module (QUOTE_MINIMAL): quote a field holding a comma, quote or line break.
    function csvField(text) { return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text; }

    // Each row's record (null where the row's layer draws no claim or has no such feature), found once.
    var rowRecords = null;
    function recordsOfRows(exp) {
      if (rowRecords) { return rowRecords; }
      var layerCol = exp.columns.indexOf('layer'), idCol = exp.columns.indexOf('feature_id');
      rowRecords = exp.rows.map(function (row) {
        var layer = row[layerCol];
        return CLAIM_LAYERS.indexOf(layer) >= 0 ? u.findFeature(ctx, layer, row[idCol]) : null;
      });
      return rowRecords;
    }

    // The rows of the claims shown: their layer is on and their record passes the filters and date.
    function shownRows() {
      var exp = ctx.data.export;
      if (!exp || !exp.rows || !exp.rows.length) { return []; }
      var records = recordsOfRows(exp);
      return exp.rows.filter(function (row, i) { var f = records[i]; return f !== null && ctx.layerOn[f.layerId] && f.phase !== 'hidden'; });
    }

    function csvText(rows) {
      var cols = ctx.data.export.columns;
      return '\ufeff' + [cols.map(csvField).join(',')].concat(rows.map(function (row) { return row.map(function (c) { return csvField(exportCell(c)); }).join(','); })).join('\r\n') + '\r\n';
    }

    function geojsonText(rows) {
      var exp = ctx.data.export, cols = exp.columns, lat = cols.indexOf('latitude'), lon = cols.indexOf('longitude');
      function value(c) { return Array.isArray(c) ? Number(c[0]) : (c === '' ? null : c); }
      var features = rows.map(function (row) {
        var props = {};
        cols.forEach(function (col, i) { props[col] = value(row[i]); });
        return { type: 'Feature', geometry: { type: 'Point', coordinates: [value(row[lon]), value(row[lat])] }, properties: props };
      });
      return JSON.stringify({ type: 'FeatureCollection', name: fileName(''), dataset_version: exp.version, view: viewWords(), features: features }, null, 1) + '\n';
    }

    function viewWords() {
      var st = ctx.state;
      return st.compare ? 'compare ' + st.compare.a + ' with ' + st.compare.b : (st.date ? 'on ' + st.date : 'all dates');
    }

    function fileName(ext) {
      var st = ctx.state, exp = ctx.data.export || { file_stem: 'militia_map' };
      var when = st.compare ? st.compare.a + '_vs_' + st.compare.b : (st.date || 'all-dates');
      return exp.file_stem + '-' + when + (ext ? '.' + ext : '');
    }

    function download(kind) {
      var rows = shownRows(), text = kind === 'csv' ? csvText(rows) : geojsonText(rows);
      var blob = new Blob([text], { type: kind === 'csv' ? 'text/csv;charset=utf-8' : 'application/geo+json' });
      var a = el('a');
      a.href = URL.createObjectURL(blob);
      a.download = fileName(kind === 'csv' ? 'csv' : 'geojson');
      a.style.display = 'none';
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      return a.download;
    }

    // The note is read in the open panel only: counting 1M rows on every change would cost seconds.
    function updateDownloads() {
      if (!downloadNote || !compareBox || !compareBox.open) { return; }
      var rows = shownRows(), claims = Object.create(null), col = ctx.data.export ? ctx.data.export.columns.indexOf('claim_id') : -1;
      rows.forEach(function (r) { claims[r[col]] = true; });
      if (ctx.data.export && ctx.data.export.problem) { downloadNote.textContent = ctx.data.export.problem; return; }
      downloadNote.textContent = rows.length + ' rows (' + Object.keys(claims).length + ' claims) of militia_map.csv: the claims shown under the current layers, filters and ' +
        (ctx.state.compare ? 'compared dates' : 'date') + ', with the same columns; dataset version ' + u.textOf(ctx.data.export ? ctx.data.export.version : '') + '.';
    }

    /* Figure of this view: the snapshot command */

    // Python's shlex.quote: safe words as they are, anything else in single quotes.
    function shellQuote(text) {
      text = String(text);
      if (!text) { return "''"; }
      return /[^\w@%+=:,./-]/.test(text) ? "'" + text.replace(/'/g, "'\"'\"'") + "'" : text;
    }

    function figureCommand() {
      var b = map.getBounds(), st = ctx.state;
      function r(x) { return String(Math.round(x * 1000) / 1000); }
      var west = Math.max(-180, b.getWest()), south = Math.max(-85, b.getSouth()), east = Math.min(180, b.getEast()), north = Math.min(85, b.getNorth());
      var day = st.compare ? st.compare.b : st.date;
      var parts = ['python', 'build_map.py', 'snapshot', '--bbox', [west, south, east, north].map(r).join(',')];
      if (day) { parts.push('--as-of', day); }
      var title = figureTitle ? figureTitle.value : '';
      // A title that starts with '-' would read as an option: give it as --title=… then.
      if (title.charAt(0) === '-') { parts.push('--title=' + shellQuote(title)); } else { parts.push('--title', shellQuote(title)); }
      return parts.join(' ');
    }

    function updateFigure() {
      if (!figureBox) { return; }
      if (figureTitle && !figureTitle.mmEdited) {
        var day = ctx.state.compare ? ctx.state.compare.b : ctx.state.date;
        figureTitle.value = day ? 'Situation on ' + humanDate(day) : ctx.data.meta.title;
      }
      figureBox.value = figureCommand();
    }

    function compareControl() {
      var Control = L.Control.extend({
        onAdd: function () {
          var box = u.panel('mm-compare', '', false);
          var summary = box.firstChild;
          summary.textContent = 'Compare';
          summary.appendChild(el('span', 'mm-wide-only', ' \u00b7 download'));
          var body = u.focusableScroller(el('div', 'mm-compare-body'), 'Compare two dates, download, figure');
          var dates = el('div', 'mm-compare-dates');
          compareToggle = checkbox('Compare two dates', false, 'mm-opt-compare', function (on) {
            if (on) { startCompare(compareA.value || defaultPair().a, compareB.value || defaultPair().b); } else { app.setState({ compare: null }); }
          });
          dates.appendChild(compareToggle.parentNode);
          function dateBox(name, value) {
            var label = el('label', 'mm-compare-' + name, name.toUpperCase() + ' ');
            var input = el('input');
            input.type = 'date';
            input.min = timeline.min;
            input.max = timeline.max;
            input.value = value;
            input.setAttribute('aria-label', 'Date ' + name.toUpperCase());
            input.addEventListener('change', function () { if (isIso(compareA.value) && isIso(compareB.value)) { startCompare(compareA.value, compareB.value); } });
            label.appendChild(input);
            dates.appendChild(label);
            return input;
          }
          var pair = defaultPair();
          compareA = dateBox('a', pair.a);
          compareB = dateBox('b', pair.b);
          body.appendChild(dates);
          compareSummary = el('div', 'mm-compare-summary');
          compareSummary.setAttribute('aria-live', 'polite');
          body.appendChild(compareSummary);
          changesTitle = el('h3', 'mm-changes-title', 'What changed between A and B');
          body.appendChild(changesTitle);
          changesList = el('ol', 'mm-changes-list');
          body.appendChild(changesList);
          body.appendChild(el('h3', null, 'Download what I see'));
          var tools = el('div', 'mm-compare-dates');
          tools.appendChild(button('mm-button mm-download-csv', 'CSV', function () { download('csv'); }));
          tools.appendChild(button('mm-button mm-download-geojson', 'GeoJSON', function () { download('geojson'); }));
          body.appendChild(tools);
          downloadNote = el('div', 'mm-about-line mm-download-note');
          body.appendChild(downloadNote);
          body.appendChild(el('h3', null, 'Figure of this view'));
          var titleLabel = el('label', 'mm-figure-title-label', 'Title ');
          figureTitle = el('input', 'mm-figure-title');
          figureTitle.type = 'text';
          figureTitle.setAttribute('aria-label', 'Title of the figure');
          figureTitle.addEventListener('input', function () { figureTitle.mmEdited = true; updateFigure(); });
          titleLabel.appendChild(figureTitle);
          body.appendChild(titleLabel);
          figureBox = el('textarea', 'mm-figure-command');
          figureBox.readOnly = true;
          figureBox.setAttribute('aria-label', 'Command that draws this view as a report figure');
          body.appendChild(figureBox);
          body.appendChild(button('mm-button mm-figure-copy', 'Copy command', function () {
            figureBox.focus();
            figureBox.select();
            if (navigator.clipboard && navigator.clipboard.writeText) { navigator.clipboard.writeText(figureBox.value).catch(function () { return null; }); }
          }));
          body.appendChild(el('div', 'mm-about-line', 'Run it in the repository: the snapshot draws every claim on that date inside the map\u2019s visible extent (the date B when comparing); layer switches and filters are not snapshot options.'));
          box.appendChild(body);
          compareBox = box;
          box.addEventListener('toggle', function () { if (box.open) { updateDownloads(); } });
          return box;
        }
      });
      return new Control({ position: 'topright' });
    }

    /* Permalink */
    var linkBox = null;

    function writeUrl() {
      if (!app.ready) { return; }  // restoring a link at start-up writes nothing
      var hash = encodeView(ctx);
      if (window.location.hash === hash) { return; }
      try { window.history.replaceState(null, '', hash); } catch (e) { /* some viewers forbid it; the link button still works */ }
    }

    function linkText() {
      var base = String(window.location.href).split('#')[0];
      return base + encodeView(ctx);
    }

    function showLink() {
      writeUrl();
      if (ctx.setTimeMoreOpen) { ctx.setTimeMoreOpen(true); }
      if (!linkBox) {
        linkBox = el('input', 'mm-link-text');
        linkBox.readOnly = true;
        linkBox.setAttribute('aria-label', 'Link to this view');
        map.getContainer().querySelector('.mm-time-more').appendChild(linkBox);
      }
      linkBox.value = linkText();
      linkBox.focus();
      linkBox.select();
      if (navigator.clipboard && navigator.clipboard.writeText) { navigator.clipboard.writeText(linkBox.value).catch(function () { return null; }); }
    }

    // Restore the view from the fragment; return whether it set the centre and zoom.
    function restore() {
      var v = decodeView(window.location.hash);
      if (!Object.keys(v).length) { return false; }
      var changes = {};
      // A list keeps only the values the page knows; a list naming none of them is ignored (`s=../../x`).
      function known(raw, choices) {
        var kept = parseList(raw).filter(function (x) { return choices.indexOf(x) >= 0; });
        return raw && !kept.length ? null : kept;
      }
      var on = v.l === undefined ? null : known(v.l, ctx.order);
      if (on) { ctx.order.forEach(function (id) { ctx.layerOn[id] = on.indexOf(id) >= 0; }); }
      if (v.d && isIso(v.d)) { changes.date = v.d; }
      var pair = typeof v.cmp === 'string' ? v.cmp.split(',') : [];
      if (pair.length === 2 && isIso(pair[0]) && isIso(pair[1])) { changes.compare = { a: pair[0], b: pair[1] }; }
      if (v.w && (timeline.windows || []).indexOf(Number(v.w)) >= 0) { changes.window = Number(v.w); }
      if (v.e === 'hide' || v.e === 'fade') { changes.ended = v.e; }
      if (v.u === '0') { changes.undated = false; }
      if (v.c2 === '1') { changes.corroborated = true; }
      ['actors', 'types', 'statuses'].forEach(function (key) {
        var p = v[key.charAt(0)], boxes = (ctx.filterBoxes || {})[key] || [];
        var list = p === undefined ? null : known(p, boxes.map(function (b) { return b.value; }));
        if (list) { changes[key] = list; }
      });
      if (v.towns === '0' && ctx.towns) { map.removeLayer(ctx.towns); }
      u.assignState(ctx, changes);  // start() redraws once, after the view is set
      syncFilterBoxes();
      var placed = false, ll = (v.ll || '').split(',').map(Number), z = Number(v.z);
      var inWorld = ll.length === 2 && ll.every(isFinite) && Math.abs(ll[0]) <= 90 && Math.abs(ll[1]) <= 180;
      if (inWorld && isFinite(z) && v.z !== undefined && v.z !== '') {
        map.setView(ll, Math.min(Math.max(Math.round(z), map.getMinZoom()), map.getMaxZoom()), { animate: false });
        placed = true;
      }
      ctx.afterReady = function () {
        var n = Number(v.story), steps = timeline.story ? timeline.story.steps.length : 0;
        if (v.story && Math.floor(n) === n && n >= 1 && n <= steps) { startStory(n - 1); return; }
        if (v.f) {
          var parts = v.f.split('/').map(safeDecode);
          if (parts.length === 2 && parts[0] !== null && parts[1] !== null) { app.openPopup(parts[0], parts[1]); }
        }
      };
      return placed;
    }

    // Keep the filter panel above the date bar, scrolling inside if need be.
    function fitFilters() {
      var root = map.getContainer(), box = root.querySelector('.mm-filters'), bar = root.querySelector('.mm-time');
      if (!box || !bar) { return; }
      if (ctx.docked) { box.style.maxHeight = ''; return; }
      var top = box.getBoundingClientRect().top, limit = bar.getBoundingClientRect().top - 12;
      box.style.maxHeight = Math.max(120, limit - top) + 'px';
    }

    /* Wire up */
    searchControl().addTo(map);
    compareControl().addTo(map);
    filterControl().addTo(map);
    timeControl().addTo(map);
    fitFilters();
    map.on('resize', fitFilters);
    map.getContainer().querySelectorAll('.mm-layers, .mm-filters').forEach(function (d) { d.addEventListener('toggle', fitFilters); });
    ctx.restore = restore;
    ctx.onRefresh = function () { updateTime(); syncFilterBoxes(); writeUrl(); };
    ctx.onPopup = function () { writeUrl(); };
    ctx.onReady = function () { if (ctx.afterReady) { ctx.afterReady(); ctx.afterReady = null; } writeUrl(); };
    // A move writes the address once the moves stop, after the map is drawn: replaceState costs a few
    // ms in the frame, and Chromium throttles a page that calls it too often.
    var urlTimer = null;
    map.on('moveend', function () {
      if (urlTimer) { clearTimeout(urlTimer); }
      urlTimer = setTimeout(function () { urlTimer = null; writeUrl(); }, 250);
    });
    map.on('moveend', updateFigure);
    app.search = function (query) { return searchPlaces(allPlaces(), query).map(function (p) { return p.id; }); };
    app.goToPlace = function (id) { var p = allPlaces().filter(function (x) { return x.id === id; })[0]; return p ? goToPlace(p) : false; };
    app.normalizeName = normalizeName;
    app.story = { start: startStory, show: showStep, stop: stopStory, index: function () { return ctx.storyIndex; }, steps: timeline.story ? timeline.story.steps : [] };
    app.permalink = linkText;
    app.openAbout = openAbout;
    app.compare = function (a, b) { return a === null ? (app.setState({ compare: null }), true) : startCompare(a, b); };
    app.changes = function () { return ctx.state.compare ? changesBetween(ctx.state.compare.a, ctx.state.compare.b).map(function (r) { return { claim: r.claim, change: changeKind(r), layer: r.layer, id: r.id }; }) : []; };
    app.download = download;
    app.csvText = function () { return csvText(shownRows()); };
    app.spreadsheetCell = spreadsheetCell;
    app.exportCell = exportCell;
    app.shellQuote = shellQuote;
    app.figureCommand = figureCommand;
  }

  return { attach: attach, normalizeName: normalizeName, nameKeyer: nameKeyer, searchPlaces: searchPlaces, decodeView: decodeView };
}());
if (typeof module !== 'undefined') { module.exports = militiaMapControls; }
