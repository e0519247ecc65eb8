/* militia-map web map: draws the layers from the page's JSON data block.
 *
 * Every text from the data reaches the page through textContent or setAttribute, never as
 * HTML; links are made only for http(s) URLs. Popups and tooltips are built when opened.
 * Public entry: militiaMapApp.start(map, dataElement) -> the app object (window.militiaMap).
 */
var militiaMapApp = (function () {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var GREY = '#666666';

  /* ---------- DOM helpers: text only ---------- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null && text !== '') { node.textContent = String(text); }
    return node;
  }

  function textOf(value) {
    if (value === undefined || value === null) { return ''; }
    if (Array.isArray(value)) { return value.map(textOf).join(', '); }
    return String(value);
  }

  // A text from the data, shown whole up to `limit` characters; a longer one shows its start and a
  // button that puts the whole text in (its length in characters). Chromium lays out a 100,000-character
  // word of mixed scripts for seconds, and a popup or list of them would freeze the page when opened.
  var TEXT_LIMIT = 2000;
  function longText(tag, className, text, limit, before, after) {
    var whole = textOf(text), max = limit || TEXT_LIMIT, open = before || '', close = after || '';
    if (whole.length <= max) { return el(tag, className, open + whole + close); }
    var cut = max, code = whole.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) { cut -= 1; }
    var count = 0;
    for (var ch of whole) { count += 1; }  // characters, not UTF-16 units
    var node = el(tag, className, open + whole.slice(0, cut) + '\u2026 ');
    node.setAttribute('data-clipped', String(count));
    var more = el('button', 'mm-linklike mm-show-all', '[show all ' + count.toLocaleString('en') + ' characters]');
    more.type = 'button';
    more.addEventListener('click', function (e) {
      e.stopPropagation();
      node.textContent = open + whole + close;
      node.removeAttribute('data-clipped');
    });
    node.appendChild(more);
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== 'string' || !url) { return ''; }
    var parsed;
    try { parsed = new URL(url); } catch (e) { return ''; }
    if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.host) { return ''; }
    return parsed.href;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"'`]/g, function (ch) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }[ch];
    });
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    return node;
  }

  /* ---------- Marker shapes (SVG and canvas), arrowheads included ---------- */

  function rotate(points, angle, cx, cy) {
    var c = Math.cos(angle), s = Math.sin(angle);
    return points.map(function (p) { return [cx + p[0] * c - p[1] * s, cy + p[0] * s + p[1] * c]; });
  }

  // Rings of [x, y] around (0, 0) for a shape of radius r; arrows point along +x (tip at 0, 0).
  function shapeRings(shape, r) {
    var i, pts;
    switch (shape) {
      case 'square':
        return [{ pts: [[-0.8 * r, -0.8 * r], [0.8 * r, -0.8 * r], [0.8 * r, 0.8 * r], [-0.8 * r, 0.8 * r]] }];
      case 'diamond':
        return [{ pts: [[0, -r], [r, 0], [0, r], [-r, 0]] }];
      case 'triangle':
        return [{ pts: [[0, -r], [0.9 * r, 0.6 * r], [-0.9 * r, 0.6 * r]] }];
      case 'cross':
        var w = 0.32 * r;
        return [{ pts: [[-w, -r], [w, -r], [w, -w], [r, -w], [r, w], [w, w], [w, r], [-w, r], [-w, w], [-r, w], [-r, -w], [-w, -w]] }];
      case 'star':
        pts = [];
        for (i = 0; i < 10; i += 1) {
          var rad = i % 2 === 0 ? r : 0.45 * r, a = -Math.PI / 2 + i * Math.PI / 5;
          pts.push([rad * Math.cos(a), rad * Math.sin(a)]);
        }
        return [{ pts: pts }];
      case 'arrow-triangle':
        return [{ pts: [[0, 0], [-r, -0.55 * r], [-r, 0.55 * r]] }];
      case 'arrow-double':
        return [{ pts: [[0, 0], [-0.55 * r, -0.5 * r], [-0.55 * r, 0.5 * r]] },
                { pts: [[-0.45 * r, 0], [-r, -0.5 * r], [-r, 0.5 * r]] }];
      case 'arrow-chevron':
        return [{ pts: [[-0.9 * r, -0.6 * r], [0, 0], [-0.9 * r, 0.6 * r]], open: true }];
      default:
        return null;
    }
  }

  // Shift a projected line sideways by `offset` px (positive: to the left of travel), so lines
  // that share a route stay apart and each can be clicked.
  function offsetPoints(points, offset) {
    var n = points.length;
    if (n < 2) { return points; }
    var normals = [], i;
    for (i = 0; i < n - 1; i += 1) {
      var dx = points[i + 1].x - points[i].x, dy = points[i + 1].y - points[i].y, len = Math.sqrt(dx * dx + dy * dy) || 1;
      normals.push([dy / len, -dx / len]);
    }
    return points.map(function (p, j) {
      var a = normals[Math.max(0, j - 1)], b = normals[Math.min(n - 2, j)];
      var nx = a[0] + b[0], ny = a[1] + b[1], len = Math.sqrt(nx * nx + ny * ny) || 1;
      return L.point(p.x + offset * nx / len, p.y + offset * ny / len);
    });
  }

  var OffsetPolyline = L.Polyline.extend({
    options: { offset: 0 },
    _project: function () {
      L.Polyline.prototype._project.call(this);
      var off = this.options.offset;
      if (!off || !this._pxBounds) { return; }
      this._rings = this._rings.map(function (ring) { return offsetPoints(ring, off); });
      var pad = L.point(Math.abs(off), Math.abs(off));
      this._pxBounds = L.bounds(this._pxBounds.min.subtract(pad), this._pxBounds.max.add(pad));
    }
  });

  var ShapeMarker = L.CircleMarker.extend({
    options: { shape: 'circle', rotation: 0, offset: 0 },
    _shapeRingsAt: function () {
      var rings = shapeRings(this.options.shape, this._radius), angle = this.options.rotation, off = this.options.offset;
      var p = this._point.add(L.point(Math.sin(angle) * off, -Math.cos(angle) * off));
      return rings && rings.map(function (ring) { return { pts: rotate(ring.pts, angle, p.x, p.y), open: ring.open }; });
    },
    _updatePath: function () {
      if (!shapeRings(this.options.shape, 1)) { L.CircleMarker.prototype._updatePath.call(this); return; }
      this._renderer._updateShapeMarker(this);
    }
  });

  L.SVG.include({
    _updateShapeMarker: function (layer) {
      var d = layer._shapeRingsAt().map(function (ring) {
        return 'M' + ring.pts.map(function (q) { return q[0].toFixed(2) + ',' + q[1].toFixed(2); }).join('L') + (ring.open ? '' : 'z');
      }).join('');
      this._setPath(layer, layer._empty() ? 'M0 0' : d);
    }
  });

  L.Canvas.include({
    _updateShapeMarker: function (layer) {
      if (!this._drawing || layer._empty()) { return; }
      var ctx = this._ctx;
      ctx.beginPath();
      layer._shapeRingsAt().forEach(function (ring) {
        ring.pts.forEach(function (q, i) { if (i === 0) { ctx.moveTo(q[0], q[1]); } else { ctx.lineTo(q[0], q[1]); } });
        if (!ring.open) { ctx.closePath(); }
      });
      this._fillStroke(ctx, layer);
    }
  });

  /* ---------- Styles from the specs ---------- */

  function statusOf(styles, props) {
    return styles.statuses[props.status] || styles.statuses.reported || { label: '', dash: '', opacity: 0.9, outline: '#222222' };
  }

  function colourOf(spec, styles, props) {
    if (spec.fixed_colour) { return spec.fixed_colour; }
    var value = props[spec.category_field];
    var table = spec.category_field === 'actor_group' ? styles.actor_groups : spec.categories;
    var entry = Object.prototype.hasOwnProperty.call(table, value) ? table[value] : null;
    return entry ? entry.colour : GREY;
  }

  function isDashed(spec, props) {
    return Boolean(spec.dash_field) && props[spec.dash_field] === spec.dash_value;
  }

  /* ---------- Geometry ---------- */

  function toLatLngs(coords) { return coords.map(function (c) { return [c[1], c[0]]; }); }

  function lineParts(geometry) {
    if (geometry.type === 'LineString') { return [toLatLngs(geometry.coordinates)]; }
    if (geometry.type === 'MultiLineString') { return geometry.coordinates.map(toLatLngs); }
    return [];
  }

  function polygonRings(geometry) {
    if (geometry.type === 'Polygon') { return geometry.coordinates.map(toLatLngs); }
    if (geometry.type === 'MultiPolygon') { return geometry.coordinates.map(function (poly) { return poly.map(toLatLngs); }); }
    return [];
  }

  // Screen angle of a line's last stretch (Web Mercator keeps angles at every zoom).
  function endAngle(map, latlngs) {
    var end = map.project(latlngs[latlngs.length - 1], 0), i, p;
    for (i = latlngs.length - 2; i >= 0; i -= 1) {
      p = map.project(latlngs[i], 0);
      if (end.distanceTo(p) > 0.15 || i === 0) { return Math.atan2(end.y - p.y, end.x - p.x); }
    }
    return 0;
  }

  /* ---------- Features ---------- */

  // A category's own symbol (ACLED event types), else the layer's.
  function markerOf(spec, props) {
    var own = spec.category_markers || {}, value = props[spec.category_field];
    return (Object.prototype.hasOwnProperty.call(own, value) ? own[value] : spec.marker) || 'circle';
  }

  function pointFeature(ctx, spec, feature) {
    var props = feature.properties, status = statusOf(ctx.styles, props);
    var c = feature.geometry.coordinates;
    return new ShapeMarker([c[1], c[0]], {
      renderer: ctx.renderer,
      shape: markerOf(spec, props),
      radius: spec.size_px,
      color: status.outline,
      weight: props.status === 'contested' ? 2.5 : 1.5,
      dashArray: status.dash || null,
      fillColor: colourOf(spec, ctx.styles, props),
      fillOpacity: Math.min(spec.fill_opacity, status.opacity),
      opacity: 1
    });
  }

  // Uncertainty areas come as centre and radius (km) and are drawn as circles; other areas as polygons.
  function polygonFeature(ctx, spec, feature) {
    var props = feature.properties, status = statusOf(ctx.styles, props), colour = colourOf(spec, ctx.styles, props);
    // An outline ring (the area the place may lie in), dashed where its radius is an estimate.
    var dash = props.radius_estimated ? (spec.estimate_dash || '6 4') : (status.dash || null);
    var style = { renderer: ctx.renderer, color: colour, weight: 1.4, opacity: 0.85, dashArray: dash, fillColor: colour,
      fillOpacity: spec.fill_field && typeof props[spec.fill_field] === 'number' ? props[spec.fill_field] : spec.fill_opacity };
    if (!feature.geometry && typeof props.radius_km === 'number') {
      return L.circle([props.lat, props.lon], Object.assign({ radius: props.radius_km * 1000 }, style));
    }
    return L.polygon(polygonRings(feature.geometry), style);
  }

  function lineFeature(ctx, spec, feature) {
    var props = feature.properties, styles = ctx.styles, status = statusOf(styles, props);
    var direction = styles.directions[props.direction] || styles.directions.outbound || { arrow: 'triangle', casing: '', width_factor: 1 };
    var colour = colourOf(spec, styles, props), width = spec.size_px * direction.width_factor;
    var dash = isDashed(spec, props) ? spec.dash : null;
    var group = L.featureGroup(), offset = (ctx.lineOffsets[spec.id] || {})[props.id] || 0;
    lineParts(feature.geometry).forEach(function (latlngs) {
      if (latlngs.length < 2) { return; }
      if (direction.casing) {
        new OffsetPolyline(latlngs, { renderer: ctx.renderer, offset: offset, color: direction.casing, weight: width + 3.5, opacity: 0.85, lineCap: 'butt', lineJoin: 'round' }).addTo(group);
      }
      new OffsetPolyline(latlngs, { renderer: ctx.renderer, offset: offset, color: colour, weight: width, opacity: status.opacity, dashArray: dash, lineCap: 'butt', lineJoin: 'round' }).addTo(group);
      if (spec.arrowheads) {
        var open = direction.arrow === 'chevron';
        new ShapeMarker(latlngs[latlngs.length - 1], {
          renderer: ctx.renderer, shape: 'arrow-' + direction.arrow, rotation: endAngle(ctx.map, latlngs), radius: 7 + 2.2 * width, offset: offset,
          color: open ? colour : (direction.casing || status.outline), weight: open ? width + 0.5 : 1.2,
          fill: !open, fillColor: colour, fillOpacity: 1, opacity: 1, lineCap: 'round', lineJoin: 'round'
        }).addTo(group);
      }
    });
    return group;
  }

  var DRAW = { point: pointFeature, line: lineFeature, polygon: polygonFeature };

  /* ---------- Popups, built when opened ---------- */

  function addRow(list, term, value) {
    var text = textOf(value);
    if (!text) { return; }
    list.appendChild(el('dt', null, term));
    var dd = longText('dd', null, text);
    dd.dir = 'auto';
    list.appendChild(dd);
  }

  function whereText(props) {
    var text = textOf(props.place_names || props.place_name);
    var detail = [];
    if (props.loc_precision) { detail.push('precision: ' + props.loc_precision); }
    if (typeof props.radius_km === 'number') { detail.push('within about ' + props.radius_km + ' km'); }
    return detail.length ? text + ' (' + detail.join('; ') + ')' : text;
  }

  function routeText(props) {
    if (!props.origin && !props.destination) { return ''; }
    var stops = [props.origin].concat(props.via ? [props.via] : [], [props.destination]).join(' \u2192 ');
    var parts = [stops];
    if (props.route) { parts.push('route ' + props.route); }
    if (props.direction) { parts.push(props.direction); }
    if (typeof props.length_km === 'number') { parts.push(props.length_km + ' km'); }
    if (props.start_note) {
      parts.push('from ' + textOf(props.start_label) + ': ' + textOf(props.start_note) + '; drawn where the straight way from it enters the next country');
    } else if (props.start_label) { parts.push('drawn from the last named point inside ' + textOf(props.start_label)); }
    if (props.end_kind === 'border') { parts.push('drawn to a short way past the border of ' + textOf(props.destination) + ', not to a place in it'); }
    if (props.end_kind === 'air') { parts.push('by air: a short arrow from the airbase toward ' + textOf(props.destination)); }
    if (props.crossing_stated === false && props.end_kind === 'border') { parts.push('crossing point not stated: computed on the shared border'); }
    return parts.join('; ');
  }

  function citationNode(entry) {
    var box = el('div', 'mm-cite');
    var title = el('cite', null, entry.source_title || entry.source_id);
    var url = safeUrl(entry.url);
    if (url) { var a = el('a'); a.href = url; a.target = '_blank'; a.rel = 'noopener noreferrer'; a.appendChild(title); box.appendChild(a); } else { box.appendChild(title); }
    var rest = [entry.publisher, entry.source_date, entry.locator].filter(Boolean).map(textOf).join(', ');
    if (rest) { box.appendChild(document.createTextNode(', ' + rest)); }
    (entry.cited_works || []).forEach(function (work) {
      var cited = el('div', 'mm-cited', 'citing: ');
      var name = el('cite', null, work.title);
      var workUrl = safeUrl(work.url);
      if (workUrl) { var link = el('a'); link.href = workUrl; link.target = '_blank'; link.rel = 'noopener noreferrer'; link.appendChild(name); cited.appendChild(link); } else { cited.appendChild(name); }
      var more = [work.author, work.publisher, work.date].filter(Boolean).map(textOf).join(', ');
      if (more) { cited.appendChild(document.createTextNode(', ' + more)); }
      if (work.footnote !== undefined && work.footnote !== null) { cited.appendChild(document.createTextNode(' (fn ' + textOf(work.footnote) + ')')); }
      box.appendChild(cited);
    });
    return box;
  }

  function sourcesNode(evidence) {
    var wrap = el('div', 'mm-sources');
    wrap.appendChild(el('div', 'mm-sources-title', evidence.length === 1 ? 'Source' : 'Sources (' + evidence.length + ')'));
    var list = el('ol');
    evidence.forEach(function (entry) {
      var item = el('li');
      var quote = longText('blockquote', 'mm-quote', entry.quote, 0, '\u201c', '\u201d');
      quote.dir = 'auto';
      item.appendChild(quote);
      item.appendChild(citationNode(entry));
      list.appendChild(item);
    });
    wrap.appendChild(list);
    return wrap;
  }

  function evidenceOf(ctx, props) {
    var table = ctx.data.evidence || [];
    return (Array.isArray(props.ev) ? props.ev : []).map(function (i) { return table[i]; }).filter(Boolean);
  }

  // ACLED's actor, its actor type, then its associated actors: "Militia (Pro-Iran) (Political militia); with ...".
  function actorText(actor, inter, assoc) {
    if (!actor) { return ''; }
    return textOf(actor) + (inter ? ' (' + textOf(inter) + ')' : '') + (assoc ? '; with ' + textOf(assoc) : '');
  }

  // An overlay event (ACLED): its own fields, said to be no curated claim, with ACLED's credit.
  function buildOverlayPopup(spec, props) {
    var root = el('div', 'mm-popup mm-overlay-popup');
    root.dir = 'auto';
    root.appendChild(el('div', 'mm-kicker', [props.event_type, props.sub_event_type].filter(Boolean).map(textOf).join(' \u00b7 ')));
    var title = longText('div', 'mm-title', props.location);
    title.dir = 'auto';
    root.appendChild(title);
    root.appendChild(el('div', 'mm-status mm-status-overlay', textOf(props.provenance)));
    var list = el('dl');
    addRow(list, 'ACLED event id', props.event_id);
    addRow(list, 'Date', props.date_label);
    addRow(list, 'Actor 1', actorText(props.actor1, props.inter1, props.assoc_actor_1));
    addRow(list, 'Actor 2', actorText(props.actor2, props.inter2, props.assoc_actor_2));
    addRow(list, 'Where', [props.location, props.admin2, props.admin1, props.country].filter(Boolean).map(textOf).join(', ') + ' (ACLED geo precision ' + textOf(props.geo_precision) + ': within about ' + textOf(props.radius_km) + ' km)');
    addRow(list, 'Fatalities', typeof props.fatalities === 'number' ? String(props.fatalities) : '');
    addRow(list, 'Notes', props.notes);
    addRow(list, 'ACLED sources', props.source);
    root.appendChild(list);
    root.appendChild(el('div', 'mm-cited', textOf(spec.attribution)));
    root.appendChild(el('div', 'mm-id', 'file: ' + textOf(props.source_file) + ', row ' + textOf(props.source_row)));
    return root;
  }

  // "2 (Enab Baladi (2025-01); INSS (2025-01))": the works behind the evidence, each once (dataset/corroboration.py).
  function corroborationText(props) {
    if (typeof props.corroboration !== 'number') { return ''; }
    var works = Array.isArray(props.independent_works) ? props.independent_works.map(textOf) : [];
    var text = String(props.corroboration) + (works.length ? ' (' + works.join('; ') + ')' : '');
    if (props.status === 'contested') { return text + ': the sources disagree, so not counted as corroborated'; }
    return text + (props.corroborated === true ? ': corroborated' : '');
  }

  function buildPopup(ctx, spec, props) {
    if (spec.overlay) { return buildOverlayPopup(spec, props); }
    var root = el('div', 'mm-popup');
    root.dir = 'auto';
    root.appendChild(el('div', 'mm-kicker', [props.type_label, spec.title].filter(Boolean).map(textOf).join(' \u00b7 ')));
    var title = longText('div', 'mm-title', props.name || props.summary);
    title.dir = 'auto';
    root.appendChild(title);
    var status = statusOf(ctx.styles, props);
    var badge = el('div', 'mm-status mm-status-' + (Object.prototype.hasOwnProperty.call(ctx.styles.statuses, props.status) ? props.status : 'unknown'), status.label || props.status);
    root.appendChild(badge);
    var list = el('dl');
    if (props.summary && props.summary !== props.name) { addRow(list, 'What', props.summary); }
    addRow(list, 'Who', props.actors_label);
    addRow(list, 'When', props.date_label);
    addRow(list, 'Time span', props.span_label);
    addRow(list, 'Date basis', props.date_basis);
    addRow(list, 'On the map', classText(ctx.state, timeClass(props, ctx.state), props));
    addRow(list, 'Where', whereText(props));
    addRow(list, 'Route', routeText(props));
    addRow(list, 'Coordinates', props.coord_source);
    addRow(list, 'Note', props.note);
    addRow(list, 'Independent sources', corroborationText(props));
    root.appendChild(list);
    root.appendChild(sourcesNode(evidenceOf(ctx, props)));
    root.appendChild(el('div', 'mm-id', 'id: ' + textOf(props.id)));
    return root;
  }

  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function humanDate(iso) { return typeof iso === 'string' && iso.length === 10 ? +iso.slice(8, 10) + ' ' + MONTHS[+iso.slice(5, 7) - 1] + ' ' + iso.slice(0, 4) : textOf(iso); }

  // How the mark stands on the chosen date (or between the compared dates), in words.
  function classText(state, cls, props) {
    var span = textOf(props.span_label);
    if (!state) { return ''; }
    if (state.compare) {
      var a = humanDate(state.compare.a), b = humanDate(state.compare.b);
      if (cls === 'only_a') { return 'only at A (' + a + '): gone by B (' + b + ')' + (span ? '; ' + span : ''); }
      if (cls === 'only_b') { return 'only at B (' + b + '): new since A (' + a + ')'; }
      if (cls === 'both') { return 'at A (' + a + ') and at B (' + b + ')'; }
      return 'neither at A (' + a + ') nor at B (' + b + ')';
    }
    var day = state.date ? humanDate(state.date) : '';
    if (cls === 'new') { return 'new on ' + day + ': started in the ' + (state.window || 7) + ' days up to it'; }
    if (cls === 'ongoing') { return 'ongoing on ' + day; }
    if (cls === 'ended') { return 'ended before ' + day + ' (faded): ' + span; }
    if (cls === 'not_yet') { return 'not yet on ' + day; }
    if (cls === 'undated') { return 'undated: the source gives no date'; }
    return '';
  }

  function tooltipText(spec, props) {
    return textOf(props[spec.label_field] || props.name || props.id);
  }

  /* ---------- Layers ---------- */

  // Above this many shown points (all point layers together) the points are drawn as clusters of
  // about CLUSTER_RADIUS px (supercluster); circles likewise, in their own index.
  var CLUSTER_MIN = 400;
  var CLUSTER_RADIUS = 40;
  // Above this many distinct labels a layer's labels are left out (they would only collide).
  var MAX_LABELS = 250;
  var ENDED_FADE = 0.3;

  // Lines with the same geometry get side-by-side offsets (px), centred on the true route.
  function lineOffsets(spec) {
    var byRoute = {}, offsets = {};
    // A cheap key (ends and length) groups candidates; only where it is shared is the whole route compared.
    var byEnds = {};
    (spec.geojson.features || []).forEach(function (f) {
      if (!f.geometry) { return; }
      var c = f.geometry.coordinates, first = c[0], last = c[c.length - 1];
      var key = c.length + ':' + String(first) + ':' + String(last);
      (byEnds[key] = byEnds[key] || []).push(f);
    });
    Object.keys(byEnds).forEach(function (cheap) {
      var group = byEnds[cheap];
      group.forEach(function (f) {
        var key = group.length > 1 ? JSON.stringify(f.geometry.coordinates) : cheap;
        (byRoute[key] = byRoute[key] || []).push(f.properties.id);
      });
    });
    Object.keys(byRoute).forEach(function (key) {
      var ids = byRoute[key], step = spec.size_px + 2.5;
      if (ids.length > 1) { ids.forEach(function (id, i) { offsets[id] = (i - (ids.length - 1) / 2) * step; }); }
    });
    return offsets;
  }

  // Popups fit the screen: on a phone they take its width less a margin and half its height.
  function popupOptions() {
    var w = window.innerWidth, h = window.innerHeight;
    if (isPhone()) {
      // Clear of the title and search above and of the dock below.
      var top = 90, bottom = 110;
      document.querySelectorAll('.leaflet-top.leaflet-left .leaflet-control').forEach(function (c) { top = Math.max(top, c.getBoundingClientRect().bottom + 10); });
      var dock = document.querySelector('.mm-dock');
      if (dock) { bottom = Math.max(bottom, h - dock.getBoundingClientRect().top + 10); }
      return { maxWidth: w - 70, minWidth: Math.min(240, w - 70), maxHeight: Math.max(160, Math.min(Math.round(h * 0.5), h - top - bottom - 40)), autoPanPaddingTopLeft: [10, top], autoPanPaddingBottomRight: [10, bottom] };
    }
    return { maxWidth: 440, minWidth: 260, maxHeight: Math.max(260, Math.min(560, h - 220)), autoPanPaddingTopLeft: [360, 40], autoPanPaddingBottomRight: [360, 40] };
  }

  // The feature's anchor: a point's position, a circle's centre, a line's end.
  function anchorOf(feature) {
    var g = feature.geometry, p = feature.properties;
    if (!g) { return typeof p.lat === 'number' ? L.latLng(p.lat, p.lon) : null; }
    if (g.type === 'Point') { return L.latLng(g.coordinates[1], g.coordinates[0]); }
    var parts = lineParts(g);
    if (parts.length && parts[parts.length - 1].length) { var last = parts[parts.length - 1]; return L.latLng(last[last.length - 1]); }
    var rings = polygonRings(g);
    return rings.length ? L.latLngBounds(rings).getCenter() : null;
  }

  // A feature record; its Leaflet layer is made (with popup and tooltip) the first time it is needed.
  // One constructor per layer: ctx, spec and draw live on its prototype (not copied per record, not enumerable).
  function recordType(ctx, spec, draw) {
    function Record(feature, k) {
      var props = feature.properties || {};
      this.k = k;
      this.id = props.id;
      this.layerId = spec.id;
      this.feature = feature;
      this.properties = props;
      this.anchor = undefined;
      this.phase = 'current';
      this.cls = 'all';
      this.drawnPhase = 'current';
      this.inGroup = false;
    }
    Record.prototype.ctx = ctx;
    // The layer's point positions, [lon0, lat0, lon1, lat1, ...] by record number `k` (NaN where the
    // geometry is no point), one array in record order: what the cluster index reads of a point.
    Record.prototype.xy = null;
    // Its anchor (anchorOf: an L.LatLng, or null), made when first asked for: the cluster index reads a
    // point's position from its geometry, so at 1M points a million LatLng objects are not made at load.
    Object.defineProperty(Record.prototype, 'latlng', {
      enumerable: true,
      get: function () {
        if (this.anchor === undefined) { this.anchor = anchorOf(this.feature); }
        return this.anchor;
      }
    });
    Object.defineProperty(Record.prototype, 'layer', {
      enumerable: true,
      get: function () {
        if (!this.made) {
          var record = this, props = this.properties, made = draw(ctx, spec, this.feature);
          Object.defineProperty(this, 'made', { value: made, enumerable: false });
          made.bindPopup(function () { return buildPopup(ctx, spec, props); }, popupOptions());
          made.bindTooltip(function () { var t = el('span', null, tooltipText(spec, props)); t.dir = 'auto'; return t; }, { sticky: true, direction: 'top', opacity: 0.95 });
          made.on('popupopen', function () { ctx.openFeature = record; if (ctx.onPopup) { ctx.onPopup(record); } });
          made.on('popupclose', function () { if (ctx.openFeature === record) { ctx.openFeature = null; if (ctx.onPopup) { ctx.onPopup(null); } } });
        }
        return this.made;
      }
    });
    return Record;
  }

  function buildLayer(ctx, spec) {
    var Record = recordType(ctx, spec, DRAW[spec.geometry] || pointFeature);
    if (spec.geometry === 'line') { ctx.lineOffsets[spec.id] = lineOffsets(spec); }
    var entry = { spec: spec, group: L.featureGroup(), labels: L.featureGroup(), features: [], shown: [], clustered: false, clusterLayers: [] };
    entry.panel = Boolean(spec.panel);
    var xy = [];
    (spec.geojson.features || []).forEach(function (feature) {
      if (!entry.panel && !feature.geometry && typeof (feature.properties || {}).radius_km !== 'number') { return; }
      var g = feature.geometry, point = g && g.type === 'Point';
      xy.push(point ? +g.coordinates[0] : NaN, point ? +g.coordinates[1] : NaN);
      entry.features.push(new Record(feature, entry.features.length));
    });
    Record.prototype.xy = new Float64Array(xy);
    // Points and circles can be clustered; lines and drawn polygons cannot.
    entry.clusterable = !entry.panel && (spec.geometry === 'point' || (spec.geometry === 'polygon' && entry.features.every(function (f) { return f.latlng; })));
    entry.labels.addTo(entry.group);
    return entry;
  }

  /* ---------- Which features show: layer switch, filters, date ---------- */

  // A feature's phase on the chosen date: 'current', 'ended' (faded or hidden), 'undated' or 'hidden'.
  // The rule is dataset.model.span_covers (also the snapshots'): a span covers a day when
  // start <= day <= end, open bounds covering every day on their side. The end is the claim's
  // effective end (span_end, dataset/lifespan.py); overlays without one use date_end.
  // Comparing two dates: marks at both or only at B are current, only at A are shown faded, the rest hidden.
  function compareVisibility(cls) { return cls === 'both' || cls === 'only_b' ? 'current' : (cls === 'only_a' ? 'ended' : 'hidden'); }

  function phaseOf(props, state) {
    if (!state.date) { return 'current'; }
    var start = props.date_start, end = props.span_end !== undefined ? props.span_end : props.date_end;
    if (!start && !end) { return state.undated ? 'undated' : 'hidden'; }
    if (start && start > state.date) { return 'hidden'; }
    if (end && end < state.date) { return state.ended === 'fade' ? 'ended' : 'hidden'; }
    return 'current';
  }

  // Whether a claim is current on `day` (ISO): start <= day <= effective end, open bounds covering; undated never.
  function coversDay(props, day) {
    var start = props.date_start, end = props.span_end !== undefined ? props.span_end : props.date_end;
    if (!start && !end) { return false; }
    return !(start && start > day) && !(end && end < day);
  }

  function addDays(iso, n) { return new Date(Date.parse(iso + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10); }

  // The claim's class: on a day D with a window of W days, dataset/lifespan.py phase(): 'undated',
  // 'not_yet' (starts after D), 'ended' (effective end before D), 'new' (started in (D - W, D]),
  // 'ongoing'; comparing dates A and B: 'only_a', 'both', 'only_b' or 'neither'; 'all' with no date.
  function timeClass(props, state) {
    var start = props.date_start, end = props.span_end !== undefined ? props.span_end : props.date_end;
    if (state.compare) {
      var atA = coversDay(props, state.compare.a), atB = coversDay(props, state.compare.b);
      return atA && atB ? 'both' : (atA ? 'only_a' : (atB ? 'only_b' : 'neither'));
    }
    var day = state.date;
    if (!day) { return 'all'; }
    if (!start && !end) { return 'undated'; }
    if (start && start > day) { return 'not_yet'; }
    if (end && end < day) { return 'ended'; }
    if (start && start > addDays(day, -(state.window || 7))) { return 'new'; }
    return 'ongoing';
  }

  // The drawing style of a class (layers/style.py PHASE_STYLES, COMPARE_STYLES), or null for none.
  function classStyle(styles, cls) {
    var table = Object.prototype.hasOwnProperty.call(styles.compare || {}, cls) ? styles.compare : (styles.phases || {});
    return Object.prototype.hasOwnProperty.call(table, cls) ? table[cls] : null;
  }

  function passesFilters(props, state) {
    if (state.corroborated && props.corroborated !== true) { return false; }
    if (state.statuses && !state.statuses[props.status]) { return false; }
    if (state.types && !state.types[props.type]) { return false; }
    if (state.actors) {
      var actors = Array.isArray(props.actors) ? props.actors : [];
      if (!actors.some(function (a) { return state.actors[a]; })) { return false; }
    }
    return true;
  }

  function eachLeaf(layer, fn) {
    if (layer.eachLayer) { layer.eachLayer(function (child) { eachLeaf(child, fn); }); } else { fn(layer); }
  }

  // Fade (and dash) a mark by its class; the halo of a new mark is drawn apart (drawHalos).
  function setPhaseStyle(f) {
    var key = f.phase === 'current' || f.phase === 'ended' ? f.cls + '|' + f.phase : f.phase;
    if (f.drawnPhase === key) { return; }
    var style = f.ctx ? classStyle(f.ctx.styles, f.cls) : null;
    var factor = style ? style.opacity : (f.phase === 'ended' ? ENDED_FADE : 1), dash = style && style.dash ? style.dash : null;
    eachLeaf(f.layer, function (leaf) {
      if (!leaf.setStyle) { return; }
      if (!leaf.baseOpacity) { leaf.baseOpacity = { opacity: leaf.options.opacity, fillOpacity: leaf.options.fillOpacity, dashArray: leaf.options.dashArray }; }
      leaf.setStyle({ opacity: leaf.baseOpacity.opacity * factor, fillOpacity: leaf.baseOpacity.fillOpacity * factor, dashArray: dash || leaf.baseOpacity.dashArray });
    });
    f.drawnPhase = key;
  }

  // A casing under every drawn mark whose class has a halo (new on the day, only at B), on its own pane below the marks.
  function drawHalos(ctx) {
    if (!ctx.haloGroup) {
      ctx.map.createPane('mm-halos').style.zIndex = '390';
      ctx.map.getPane('mm-halos').style.pointerEvents = 'none';
      ctx.haloRenderer = L.canvas({ pane: 'mm-halos', padding: 0.5 });
      ctx.haloGroup = L.layerGroup().addTo(ctx.map);
    }
    ctx.haloGroup.clearLayers();
    ctx.haloIds = [];
    if (!ctx.state.date && !ctx.state.compare) { return; }  // with no date every class is 'all', which has no halo
    ctx.order.forEach(function (id) {
      var entry = ctx.layers[id];
      if (entry.panel || entry.spec.overlay || id === 'uncertainty' || !ctx.layerOn[id]) { return; }
      entry.shown.forEach(function (f) {
        var style = classStyle(ctx.styles, f.cls);
        if (!style || !style.halo || !f.inGroup) { return; }
        var opts = { renderer: ctx.haloRenderer, interactive: false, color: style.halo, opacity: 0.95, fill: false, lineCap: 'round', lineJoin: 'round' };
        if (entry.spec.geometry === 'line') {
          var direction = ctx.styles.directions[f.properties.direction] || { width_factor: 1, casing: '' };
          var width = entry.spec.size_px * direction.width_factor + (direction.casing ? 3.5 : 0) + 2 * style.halo_width;
          var offset = (ctx.lineOffsets[id] || {})[f.id] || 0;
          lineParts(f.feature.geometry).forEach(function (latlngs) {
            if (latlngs.length > 1) { new OffsetPolyline(latlngs, Object.assign({ weight: width, offset: offset }, opts)).addTo(ctx.haloGroup); }
          });
        } else if (f.latlng) {
          L.circleMarker(f.latlng, Object.assign({ radius: entry.spec.size_px + style.halo_width / 2 + 1, weight: style.halo_width }, opts)).addTo(ctx.haloGroup);
        }
        ctx.haloIds.push([id, f.id]);
      });
    });
  }

  function addFeature(entry, f) {
    if (!f.inGroup) { entry.group.addLayer(f.layer); f.inGroup = true; }
    setPhaseStyle(f);
  }

  function removeFeature(entry, f) {
    if (f.inGroup) { entry.group.removeLayer(f.layer); f.inGroup = false; }
  }

  /* ---------- Clusters: one supercluster index for all point layers (issue 14 §5) ---------- */

  // All shown points of all point layers go into ONE index, so the cluster symbols of different
  // layers never stack on the same spot; a cluster shows how many of each layer it holds. Circles
  // (uncertainty areas) get an index of their own with the same radius: they are drawn only where
  // they stand alone, and the points' clusters speak for them.
  // The index is built for zoom levels CLUSTER_ZOOMS (or the map's own limits, where narrower):
  // below the lowest the clusters of that level are shown, above the highest nothing splits any more.
  var CLUSTER_ZOOMS = [4, 16];
  function clusterZoomRange(map) {
    var max = map.getMaxZoom(), min = map.getMinZoom();
    return [Math.max(CLUSTER_ZOOMS[0], isFinite(min) ? Math.floor(min) : 0), Math.min(CLUSTER_ZOOMS[1], isFinite(max) ? Math.ceil(max) : Infinity)];
  }

  // The count key number of a point (its count is 'k' + the number): one per pair of layer and
  // colour, so a cluster's counts say how many of each layer (and of each colour within it) it
  // holds. The colour follows from the layer and the point's category value alone (colourOf), so
  // the key is looked up by that value: no text is made per point.
  function clusterKey(ctx, f) {
    if (f.ck !== undefined) { return f.ck; }
    var spec = ctx.layers[f.layerId].spec, keys = ctx.clusterKeys, value = spec.fixed_colour ? '' : f.properties[spec.category_field];
    var byValue = keys.byValue[f.layerId] || (keys.byValue[f.layerId] = new Map()), key = byValue.get(value);
    if (key === undefined) {
      var colour = colourOf(spec, ctx.styles, f.properties), pair = f.layerId + '|' + colour;
      if (!Object.prototype.hasOwnProperty.call(keys.byPair, pair)) {
        keys.byPair[pair] = keys.list.length;
        keys.list.push({ layerId: f.layerId, colour: colour });
      }
      key = keys.byPair[pair];
      byValue.set(value, key);
    }
    f.ck = key;
    return key;
  }

  // The items the index holds are the records themselves where loadLevels loads it (it reads their
  // positions); supercluster's own load() (plainLoad) gets a GeoJSON point per record, whose record
  // is `rec` and whose properties are the one shared, frozen count object of its key ({k3: 1}),
  // which its reduce adds up. What getClusters returns is a cluster, a record or such a point.
  function clusterPoint(ctx, f, counted) {
    if (!f.sc) { f.sc = { type: 'Feature', geometry: { type: 'Point', coordinates: [f.latlng.lng, f.latlng.lat] }, properties: null, rec: f }; }
    f.sc.properties = counted ? countOf(ctx, 'k' + clusterKey(ctx, f)) : NO_COUNTS;
    return f.sc;
  }
  function hasAnchor(f) { var g = f.feature.geometry; return g && g.type === 'Point' ? true : Boolean(f.latlng); }
  function isClusterItem(item) { return item.rec === undefined && item.layerId === undefined; }
  function recordOf(item) { return item.rec || item; }
  var NO_COUNTS = Object.freeze({});
  function countOf(ctx, key) {
    var counts = ctx.clusterKeys.counts || (ctx.clusterKeys.counts = {});
    if (!counts[key]) { var one = {}; one[key] = 1; counts[key] = Object.freeze(one); }
    return counts[key];
  }
  function addCounts(acc, p) { for (var k in p) { acc[k] = (acc[k] || 0) + p[k]; } }

  function newIndex(ctx, counted) {
    var zooms = clusterZoomRange(ctx.map);
    var options = { radius: CLUSTER_RADIUS, extent: 256, nodeSize: 64, minZoom: zooms[0], maxZoom: zooms[1] };
    if (counted) { options.reduce = addCounts; }
    return new Supercluster(options);
  }

  // supercluster 8's own load() of `records`, with reduce where the clusters are counted: where loadLevels cannot be used.
  function plainLoad(ctx, records, counted) {
    return newIndex(ctx, counted).load(records.map(function (f) { return clusterPoint(ctx, recordOf(f), counted); }));
  }

  /* The index, loaded level by level here (issue 14 §6: the first frame waits for it). supercluster 8's
   * load() projects the points, then for each zoom from maxZoom down to minZoom merges every item
   * (point or cluster of the level above) with the unvisited items within the radius, finding them
   * with a KD-tree (KDBush) it builds for every level, and keeps per level a flat array of
   * [x, y, zoom, id, parent, count] per item (ITEM numbers). loadLevels makes the same arrays: the
   * same items in the same order, the same ids, parents and counts, so getClusters, getChildren,
   * getLeaves and getClusterExpansionZoom answer from them as after load(). Two things differ:
   * - the items within the radius are found through a grid of square cells (neighbourCells), with
   *   KDBush's own test (squared distance from the item's float32 position <= radius²), and a level's
   *   KD-tree is built only when something queries that level (lazyTree): at the first frame, the
   *   view's level alone;
   * - each cluster's counts by key (layer and colour; `keys[i]` is point i's key number of `width`)
   *   are summed as it is made ({rows: Map clusterId -> row, data: Int32Array}), not by reduce.
   * A cluster's centre (the mean of its members' positions) may differ from load()'s in the last
   * bits of a double: the members are added in another order. */
  var ITEM = 6, AT_ZOOM = 2, ITEM_ID = 3, ITEM_PARENT = 4, ITEM_COUNT = 5;
  function lngX(lng) { return lng / 360 + 0.5; }
  function latY(lat) {
    var sin = Math.sin(lat * Math.PI / 180), y = (0.5 - 0.25 * Math.log((1 + sin) / (1 - sin)) / Math.PI);
    return y < 0 ? 0 : (y > 1 ? 1 : y);
  }

  // A level's tree for supercluster's queries (range, within; data is the level's array), built on first use.
  function lazyTree(index, data) {
    var tree = null;
    function built() { if (!tree) { tree = index._createTree(data); } return tree; }
    return {
      data: data, numItems: data.length / ITEM,
      range: function (minX, minY, maxX, maxY) { return built().range(minX, minY, maxX, maxY); },
      within: function (x, y, r) { return built().within(x, y, r); }
    };
  }

  // Scratch arrays for levels of at most n items, made once per load and reused level by level
  // (`near`: the unvisited items within the radius of the item being merged, at most n of them).
  function levelScratch(n) {
    return { px: new Float32Array(n), py: new Float32Array(n), pc: new Float64Array(n), ids: new Int32Array(n),
      cell: new Int32Array(n), seen: new Uint8Array(n), near: new Int32Array(n), start: new Int32Array(1), rowOf: new Int32Array(n), nextRowOf: new Int32Array(n) };
  }

  // The items of a level (n; positions as float32, as KDBush stores them) sorted into the square
  // cells of a grid over their box, of side r (doubled while the grid would have more than
  // GRID_CELLS_PER_ITEM cells per item: points far apart): cell cx + w * cy holds the items
  // start[c] to start[c + 1] - 1 of s.ids (in item order), whose positions are s.px, s.py and counts
  // s.pc (in cell order, so that a row of cells is one stretch of memory). Returns the grid's box, side and width.
  var GRID_CELLS_PER_ITEM = 16;
  function neighbourCells(data, n, r, s) {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, i, x, y, cell = s.cell, ids = s.ids;
    for (i = 0; i < n; i += 1) {
      x = Math.fround(data[i * ITEM]); y = Math.fround(data[i * ITEM + 1]);
      if (x < minX) { minX = x; } if (x > maxX) { maxX = x; } if (y < minY) { minY = y; } if (y > maxY) { maxY = y; }
    }
    var size = r, limit = Math.max(65536, GRID_CELLS_PER_ITEM * n), w, h;
    for (;;) {
      w = Math.floor((maxX - minX) / size) + 1; h = Math.floor((maxY - minY) / size) + 1;
      if (w * h <= limit) { break; }
      size *= 2;
    }
    var cells = w * h;
    if (s.start.length < cells + 1) { s.start = new Int32Array(cells + 1); } else { s.start.fill(0, 0, cells + 1); }
    var start = s.start, px = s.px, py = s.py, pc = s.pc;
    for (i = 0; i < n; i += 1) {
      var c = Math.min(w - 1, Math.floor((Math.fround(data[i * ITEM]) - minX) / size)) + w * Math.min(h - 1, Math.floor((Math.fround(data[i * ITEM + 1]) - minY) / size));
      cell[i] = c;
      start[c + 1] += 1;
    }
    for (i = 0; i < cells; i += 1) { start[i + 1] += start[i]; }
    var fill = start.slice(0, cells);
    for (i = 0; i < n; i += 1) { ids[fill[cell[i]]++] = i; }
    for (i = 0; i < n; i += 1) { var at = ids[i] * ITEM; px[i] = data[at]; py[i] = data[at + 1]; pc[i] = data[at + ITEM_COUNT]; }
    return { minX: minX, minY: minY, size: size, w: w, h: h };
  }

  // The counts of the clusters: a row of `width` numbers per cluster in `data`; rows[z][i] is the
  // row of the cluster made at zoom z - 1 from item i of level z (supercluster's id of that cluster
  // is (i << 5) + z + the number of points), -1 where none was.
  function countRow(table, id) {
    var k = id - table.points, rows = table.rows[k % 32];
    return rows ? rows[k >> 5] : -1;
  }

  // Merge the items of a level (`data`, n of them; see neighbourCells for the grid) into the next
  // level's array `next`, as supercluster's _cluster does: in item order, each item not yet visited
  // takes every unvisited item within r (squared distance <= r2 from its float32 position); with any,
  // they become one cluster at their count-weighted mean, with id (i << 5) + zoom + 1 + total, and
  // each gets it as parent; an item with none is copied. Every item ends with this zoom as its visit
  // zoom. With counts (`width` > 0): rowOf[i] is item i's row in `cdata` (-1 for a point: its key is
  // keys[its id]); a new cluster's row (the sum of its members') is made at state[0] (rows used) and
  // written to rows[i] and nextRowOf. Items `first` to `last` - 1 are merged, writing `next` from m
  // on (`seen` cleared by the caller); returns where the next level's array ends. Called for
  // MERGE_CHUNK items at a time: a short function called often is optimised by the JIT with every
  // path it takes already seen, where one long call would run unoptimised for much of its loop.
  var MERGE_CHUNK = 4096;
  function mergeLevel(data, first, last, m, zoom, total, r2, reach, minX, minY, size, w, h, px, py, pc, ids, start, seen, near, next,
    keys, width, cdata, rowOf, nextRowOf, rows, state) {
    var used = state[0], i, j, k, q, t;
    for (i = first; i < last; i += 1) {
      var b = i * ITEM;
      data[b + AT_ZOOM] = zoom;
      if (seen[i] === 1) { continue; }
      seen[i] = 1;
      var x = data[b], y = data[b + 1], origin = data[b + ITEM_COUNT], num = origin, found = 0;
      var x0 = Math.max(0, Math.floor((x - reach - minX) / size)), x1 = Math.min(w - 1, Math.floor((x + reach - minX) / size));
      var y0 = Math.max(0, Math.floor((y - reach - minY) / size)), y1 = Math.min(h - 1, Math.floor((y + reach - minY) / size));
      for (var cy = y0; cy <= y1; cy += 1) {
        for (j = start[x0 + cy * w], t = start[x1 + cy * w + 1]; j < t; j += 1) {
          var dx = px[j] - x, dy = py[j] - y;
          if (dx * dx + dy * dy <= r2) {
            k = ids[j];
            if (seen[k] === 0) { num += pc[j]; near[found] = k; found += 1; }
          }
        }
      }
      var o = m / ITEM;
      if (found > 0) {
        var wx = x * origin, wy = y * origin, id = (i << 5) + (zoom + 1) + total, at = used * width;
        if (width > 0) {
          rows[i] = used;
          nextRowOf[o] = used;
          used += 1;
          for (t = 0; t < width; t += 1) { cdata[at + t] = 0; }
        }
        for (q = -1; q < found; q += 1) {
          var e = q < 0 ? b : near[q] * ITEM, many = data[e + ITEM_COUNT];
          if (q >= 0) {
            seen[near[q]] = 1;
            wx += data[e] * many;
            wy += data[e + 1] * many;
            data[e + ITEM_PARENT] = id;
          }
          if (width > 0) {
            var from = rowOf[e / ITEM];
            if (from < 0) { cdata[at + keys[data[e + ITEM_ID]]] += 1; } else { for (t = 0; t < width; t += 1) { cdata[at + t] += cdata[from * width + t]; } }
          }
        }
        data[b + ITEM_PARENT] = id;
        next[m] = wx / num; next[m + 1] = wy / num; next[m + 2] = Infinity; next[m + 3] = id; next[m + 4] = -1; next[m + 5] = num;
      } else {
        for (t = 0; t < ITEM; t += 1) { next[m + t] = data[b + t]; }
        if (width > 0) { nextRowOf[o] = rowOf[i]; }
      }
      m += ITEM;
    }
    state[0] = used;
    return m;
  }

  // Load `points` (records) into a new index (see above); `keys` (Int32Array, or null: no counts) and `width` as there.
  function loadLevels(ctx, points, keys, width) {
    var index = newIndex(ctx, false), o = index.options, n = points.length, i;
    // supercluster's getLeaves takes an item whose properties.cluster is true for a cluster: a record whose data say so cannot stand for itself.
    for (i = 0; i < n; i += 1) { if (points[i].properties.cluster) { return null; } }
    // Only for the supercluster this was written against: no reduce, minPoints 2 (so an item with
    // unvisited neighbours always becomes a cluster), six numbers per item, its tree builder.
    if (index.stride !== ITEM || o.minPoints !== 2 || typeof index._createTree !== 'function' || !Array.isArray(index.trees) || n >= (1 << 26)) { return null; }
    index.points = points;
    var data = new Float64Array(n * ITEM);
    for (i = 0; i < n; i += 1) {
      var f = points[i], at = 2 * f.k, lng = f.xy[at], lat = f.xy[at + 1], b = i * ITEM;
      if (lng !== lng) { var ll = f.latlng; lng = ll.lng; lat = ll.lat; }
      data[b] = Math.fround(lngX(lng)); data[b + 1] = Math.fround(latY(lat));
      data[b + 2] = Infinity; data[b + 3] = i; data[b + 4] = -1; data[b + 5] = 1;
    }
    index.trees[o.maxZoom + 1] = lazyTree(index, data);
    width = keys ? width : 0;
    // At most n - 1 clusters in all: each merges at least two items into one.
    var s = levelScratch(n), cdata = new Int32Array(Math.max(1, width * n)), state = new Int32Array(1), table = { width: width, points: n, rows: [], data: null };
    var next = new Float64Array(n * ITEM);
    s.rowOf.fill(-1);
    for (var z = o.maxZoom; z >= o.minZoom; z -= 1) {
      var items = data.length / ITEM, r = o.radius / (o.extent * Math.pow(2, z)), g = neighbourCells(data, items, r, s), m = 0;
      var rows = table.rows[z + 1] = new Int32Array(width > 0 ? items : 0).fill(-1);
      s.seen.fill(0, 0, items);
      for (i = 0; i < items; i += MERGE_CHUNK) {
        m = mergeLevel(data, i, Math.min(items, i + MERGE_CHUNK), m, z, n, r * r, r * (1 + 1e-9), g.minX, g.minY, g.size, g.w, g.h, s.px, s.py, s.pc, s.ids, s.start, s.seen, s.near, next,
          keys || s.ids, width, cdata, s.rowOf, s.nextRowOf, rows, state);
      }
      var swap = s.rowOf; s.rowOf = s.nextRowOf; s.nextRowOf = swap;
      data = next.slice(0, m);
      index.trees[z] = lazyTree(index, data);
    }
    if (width > 0) { table.data = cdata.slice(0, state[0] * width); index.mmCounts = table; }
    return index;
  }

  // The points' index with its clusters' counts (loadLevels), or supercluster's load with reduce where that cannot be used.
  function countedIndex(ctx, points) {
    var keys = new Int32Array(points.length), i;
    for (i = 0; i < points.length; i += 1) { keys[i] = clusterKey(ctx, points[i]); }
    return loadLevels(ctx, points, keys, ctx.clusterKeys.list.length) || plainLoad(ctx, points, true);
  }

  // A cluster's counts ({k3: 5, ...}): from the index's table, or its own properties (loaded with reduce).
  function countsOf(set, props) {
    var table = set.index.mmCounts;
    if (!table) { return props; }
    var row = countRow(table, props.cluster_id), out = {}, at = row * table.width;
    for (var k = 0; row >= 0 && k < table.width; k += 1) { if (table.data[at + k]) { out['k' + k] = table.data[at + k]; } }
    return out;
  }

  // Rebuild the indexes from the shown features of the layers that are on (after a filter, date or switch change).
  function buildClusterIndex(ctx) {
    var sets = { points: [], areas: [] };
    ctx.order.forEach(function (id) {
      var entry = ctx.layers[id];
      entry.clustered = false;
      if (!entry.clusterable || !ctx.layerOn[id]) { return; }
      var counted = entry.spec.geometry === 'point', target = counted ? sets.points : sets.areas;
      entry.shown.forEach(function (f) { if (hasAnchor(f)) { target.push(f); } });
    });
    ctx.clusterDirty = true;
    ctx.clusterSets = ['points', 'areas'].map(function (kind) {
      var points = sets[kind], set = { kind: kind, count: points.length, index: null };
      if (points.length > CLUSTER_MIN) { set.index = kind === 'points' ? countedIndex(ctx, points) : (loadLevels(ctx, points, null, 0) || plainLoad(ctx, points, false)); }
      return set;
    });
    ctx.order.forEach(function (id) {
      var entry = ctx.layers[id];
      if (!entry.clusterable || !ctx.layerOn[id]) { return; }
      entry.clustered = Boolean(ctx.clusterSets[entry.spec.geometry === 'point' ? 0 : 1].index);
      if (!entry.clustered) { entry.shown.forEach(function (f) { addFeature(entry, f); }); }
    });
  }

  // A cluster's counts per layer, in the layers' drawing order: [{layerId, title, count, colours, colour}].
  // `colours` are the counts of each colour its members carry in that layer ([{colour, count}], most
  // first), so the ring shows the mix; `colour` is that colour when there is only one, else MIXED
  // (not a legend colour: a mixed layer is never shown in the colour of its largest share alone).
  var MIXED = '#BBBBBB';
  function clusterParts(ctx, props) {
    var byLayer = {};
    Object.keys(props).forEach(function (k) {
      var info = k.charAt(0) === 'k' ? ctx.clusterKeys.list[+k.slice(1)] : null;
      if (!info) { return; }
      var part = byLayer[info.layerId] = byLayer[info.layerId] || { count: 0, colours: {} };
      part.count += props[k];
      part.colours[info.colour] = (part.colours[info.colour] || 0) + props[k];
    });
    return ctx.order.filter(function (id) { return byLayer[id]; }).map(function (id) {
      var spec = ctx.layers[id].spec, part = byLayer[id];
      var colours = Object.keys(part.colours).map(function (c) { return { colour: c, count: part.colours[c] }; });
      colours.sort(function (a, b) { return b.count - a.count || (a.colour < b.colour ? -1 : 1); });
      return { layerId: id, title: spec.title, count: part.count, colours: colours, colour: colours.length === 1 ? colours[0].colour : MIXED };
    });
  }

  function shortCount(n) { return n >= 10000 ? Math.round(n / 1000) + 'k' : (n >= 1000 ? (n / 1000).toFixed(1) + 'k' : String(n)); }

  // A ring of one segment per layer (its share of the cluster) around the count, each segment split
  // into arcs by the colours its members carry (their shares, in their colours).
  function clusterIcon(parts, n, label) {
    var size = n < 10 ? 28 : (n < 100 ? 34 : (n < 1000 ? 40 : 46)), r = size / 2 - 3.5, around = 2 * Math.PI * r, at = 0;
    var node = el('div', 'mm-cluster-inner');
    node.setAttribute('role', 'img');
    node.setAttribute('aria-label', label);
    var ring = svg('svg', { width: size, height: size, viewBox: '0 0 ' + size + ' ' + size, 'aria-hidden': 'true', 'class': 'mm-cluster-ring' });
    ring.appendChild(svg('circle', { cx: size / 2, cy: size / 2, r: r, fill: 'rgba(255,255,255,0.94)', stroke: '#FFFFFF', 'stroke-width': 6 }));
    parts.forEach(function (part) {
      var length = around * part.count / n, gap = parts.length > 1 ? Math.min(1.5, length / 3) : 0;
      var usable = Math.max(0, length - gap), from = at;
      var seg = svg('g', { 'class': 'mm-cluster-seg' });
      seg.setAttribute('data-layer', part.layerId);
      seg.setAttribute('data-count', String(part.count));
      part.colours.forEach(function (share) {
        var arc = usable * share.count / part.count;
        var piece = svg('circle', {
          cx: size / 2, cy: size / 2, r: r, fill: 'none', stroke: share.colour, 'stroke-width': 5,
          'stroke-dasharray': arc.toFixed(2) + ' ' + (around - arc).toFixed(2),
          'stroke-dashoffset': (-from).toFixed(2), transform: 'rotate(-90 ' + size / 2 + ' ' + size / 2 + ')', 'class': 'mm-cluster-arc'
        });
        piece.setAttribute('data-count', String(share.count));
        seg.appendChild(piece);
        from += arc;
      });
      ring.appendChild(seg);
      at += length;
    });
    node.appendChild(ring);
    node.appendChild(el('span', 'mm-cluster-count', shortCount(n)));
    return L.divIcon({ className: 'mm-cluster', html: node, iconSize: [size, size] });
  }

  function breakdownText(parts) {
    return parts.map(function (part) { return part.title + ': ' + part.count; }).join(' \u00b7 ');
  }

  // The members of a cluster that does not split further, grouped by layer with counts.
  function clusterPopup(ctx, set, cluster, parts) {
    var n = cluster.properties.point_count, leaves = set.index.getLeaves(cluster.properties.cluster_id, 2000), byLayer = {};
    leaves.forEach(function (leaf) { var f = recordOf(leaf); (byLayer[f.layerId] = byLayer[f.layerId] || []).push(f); });
    var root = el('div', 'mm-popup mm-cluster-list');
    root.appendChild(el('div', 'mm-title', n + ' features at this spot'));
    parts.forEach(function (part) {
      var members = byLayer[part.layerId] || [], spec = ctx.layers[part.layerId].spec;
      var head = el('div', 'mm-cluster-layer', part.title + ' (' + part.count + ')');
      head.style.borderLeftColor = part.colour;
      head.setAttribute('data-layer', part.layerId);
      root.appendChild(head);
      var list = el('ol');
      members.slice(0, 50).forEach(function (f) {
        var item = el('li'), button = el('button', 'mm-linklike', tooltipText(spec, f.properties));
        button.type = 'button';
        button.dir = 'auto';
        button.addEventListener('click', function () { ctx.app.openPopup(part.layerId, f.id); });
        item.appendChild(button);
        list.appendChild(item);
      });
      root.appendChild(list);
      if (part.count > Math.min(50, members.length)) { root.appendChild(el('div', 'mm-id', 'and ' + (part.count - Math.min(50, members.length)) + ' more: filter to see them.')); }
    });
    return root;
  }

  function clusterMarker(ctx, set, cluster, zoom) {
    var map = ctx.map, props = cluster.properties, c = cluster.geometry.coordinates, n = props.point_count;
    var parts = clusterParts(ctx, countsOf(set, props)), at = L.latLng(c[1], c[0]);
    var marker = L.marker(at, { icon: clusterIcon(parts, n, n + ' features (' + breakdownText(parts) + ')'), keyboard: false, riseOnHover: true });
    marker.clusterInfo = { id: props.cluster_id, count: n, parts: parts, latlng: at, zoom: zoom, set: set };
    // On hover: how many of each layer, one line each, in the layer's colour.
    marker.bindTooltip(function () {
      var box = el('div', 'mm-cluster-tip');
      box.appendChild(el('div', 'mm-cluster-tip-title', n + ' features: click to zoom in'));
      parts.forEach(function (part) {
        var line = el('div', 'mm-cluster-layer', part.title + ': ' + part.count);
        line.style.borderLeftColor = part.colour;
        box.appendChild(line);
      });
      return box;
    }, { direction: 'top', opacity: 0.95, offset: [0, -10] });
    marker.on('click', function () {
      var to = set.index.getClusterExpansionZoom(props.cluster_id), top = clusterZoomRange(map)[1];
      if (map.getZoom() >= top || to > top) {
        // A popup of its own (not bound to the marker: a bound popup's click handler would close it again at once).
        marker.mmPopup = L.popup(Object.assign({ offset: [0, -8] }, popupOptions())).setLatLng(at).setContent(clusterPopup(ctx, set, cluster, parts)).openOn(map);
      } else {
        map.setView(at, Math.max(to, Math.floor(map.getZoom()) + 1));
      }
    });
    return marker;
  }

  // The cluster zoom of a map zoom, and the box (lon/lat, the view's 30 % margin each side) clusters are drawn for.
  function clusterZoomOf(map, zoom) { var range = clusterZoomRange(map); return Math.max(range[0], Math.min(range[1], Math.floor(zoom))); }
  function clusterBox(b) { b = b.pad(0.3); return [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())]; }

  // Once the page is idle after a draw, make the cluster markers (not yet on the map) of the view
  // one zoom step in and out, one zoom per idle slice, so a zoom adds them instead of building
  // every symbol in its frame. Only the last round's markers are kept.
  function laterClusters(ctx) {
    var map = ctx.map, zoom = map.getZoom(), center = map.getCenter(), sets = ctx.clusterSets, round = (ctx.clusterRound || 0) + 1;
    var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 200); };
    var todo = zoomAfter(map, zoom).map(function (z) { return clusterZoomOf(map, z); }).filter(function (cz, i, all) { return cz !== clusterZoomOf(map, zoom) && all.indexOf(cz) === i; });
    var spare = {}, have = Object.assign({}, ctx.clusterSpare || {}, ctx.clusterByKey || {});
    ctx.clusterRound = round;
    function next() {
      if (ctx.clusterRound !== round || ctx.clusterSets !== sets || map.getZoom() !== zoom || !map.getCenter().equals(center)) { return; }
      if (!todo.length) { return; }
      var cz = todo.shift(), z = zoomAfter(map, zoom).filter(function (v) { return clusterZoomOf(map, v) === cz; })[0];
      var px = map.getPixelBounds(center, z), box = clusterBox(L.latLngBounds(map.unproject(px.getBottomLeft(), z), map.unproject(px.getTopRight(), z)));
      (sets || []).forEach(function (set) {
        if (!set.index || set.kind !== 'points') { return; }
        set.index.getClusters(box, cz).forEach(function (item) {
          if (!isClusterItem(item)) { return; }
          var key = cz + ':' + item.properties.cluster_id, marker = have[key];
          if (!marker || marker.clusterInfo.set !== set) { marker = clusterMarker(ctx, set, item, cz); marker.clusterKey = key; }
          spare[key] = marker;
        });
      });
      ctx.clusterSpare = spare;
      idle(next, { timeout: 2000 });
    }
    if (todo.length) { idle(next, { timeout: 2000 }); }
  }

  // A cluster symbol this close (px) to the view or in it is put on the map in the frame of a move.
  var CLUSTER_NEAR_PX = 60;

  // Draw the clusters and lone features of the view from the indexes (on every refresh and move).
  // After a move (`moving`) the symbols of the margin around the view (off screen) are added and
  // removed once the page is idle: the frame the user sees holds every symbol on screen.
  function drawClusters(ctx, moving) {
    var map = ctx.map, zoom = clusterZoomOf(map, map.getZoom()), stamp = (ctx.clusterStamp || 0) + 1;
    var bbox = clusterBox(map.getBounds()), spare = ctx.clusterSpare || {}, size = map.getSize(), later = [], stale = {};
    function near(marker) {
      var p = map.latLngToContainerPoint(marker.getLatLng());
      return p.x > -CLUSTER_NEAR_PX && p.y > -CLUSTER_NEAR_PX && p.x < size.x + CLUSTER_NEAR_PX && p.y < size.y + CLUSTER_NEAR_PX;
    }
    if (!ctx.clusterGroup) { ctx.clusterGroup = L.layerGroup().addTo(map); }
    // A cluster whose member list is open stays (the popup's own pan must not close it) while the zoom and index are the same.
    var kept = (ctx.clusterMarkers || []).filter(function (m) { return m.mmPopup && m.mmPopup.isOpen() && m.clusterInfo.zoom === zoom && m.clusterInfo.set === ctx.clusterSets[0]; })[0];
    // A cluster still drawn after a pan (same index, zoom and id) keeps its marker: no new DOM, nothing to paint again.
    var before = Object.assign({}, ctx.clusterStale || {}, ctx.clusterByKey || {}), byKey = {};
    ctx.clusterMarkers = kept ? [kept] : [];
    if (kept) { byKey[kept.clusterKey] = kept; }
    ctx.clusterStamp = stamp;
    var alone = [];
    (ctx.clusterSets || []).forEach(function (set) {
      if (!set.index) { return; }
      set.index.getClusters(bbox, zoom).forEach(function (item) {
        if (!isClusterItem(item)) { var rec = recordOf(item); rec.scStamp = stamp; alone.push(rec); return; }
        if (set.kind !== 'points' || (kept && kept.clusterInfo.id === item.properties.cluster_id)) { return; }  // circles: the points' clusters speak for them
        var key = zoom + ':' + item.properties.cluster_id, marker = before[key];
        if (!marker || marker.clusterInfo.set !== set) {
          marker = spare[key] && spare[key].clusterInfo.set === set ? spare[key] : clusterMarker(ctx, set, item, zoom);
          marker.clusterKey = key;
        }
        if (!ctx.clusterGroup.hasLayer(marker)) { if (moving && !near(marker)) { later.push(marker); } else { ctx.clusterGroup.addLayer(marker); } }
        byKey[key] = marker;
        ctx.clusterMarkers.push(marker);
      });
    });
    Object.keys(before).forEach(function (key) {
      var old = before[key];
      if (byKey[key] === old || !ctx.clusterGroup.hasLayer(old)) { return; }
      if (moving && !near(old)) { stale[key] = old; } else { ctx.clusterGroup.removeLayer(old); }
    });
    ctx.clusterByKey = byKey;
    ctx.clusterStale = stale;
    if (later.length || Object.keys(stale).length) {
      (window.requestIdleCallback || function (fn) { return setTimeout(fn, 200); })(function () {
        if (ctx.clusterStamp !== stamp) { return; }
        Object.keys(stale).forEach(function (key) { ctx.clusterGroup.removeLayer(stale[key]); });
        ctx.clusterStale = {};
        later.forEach(function (m) { if (byKey[m.clusterKey] === m && !ctx.clusterGroup.hasLayer(m)) { ctx.clusterGroup.addLayer(m); } });
      }, { timeout: 150 });
    }
    // After a refresh every shown feature of a clustered layer is looked at; after a move only those drawn alone before or now.
    var before = ctx.clusterAlone;
    ctx.order.forEach(function (id) {
      var entry = ctx.layers[id];
      if (!entry.clustered || (before && !ctx.clusterDirty)) { return; }
      entry.shown.forEach(function (f) { if (f.scStamp !== stamp && ctx.pinned !== f) { removeFeature(entry, f); } });
    });
    (ctx.clusterDirty || !before ? [] : before).forEach(function (f) {
      if (f.scStamp !== stamp && ctx.pinned !== f) { removeFeature(ctx.layers[f.layerId], f); }
    });
    alone.forEach(function (f) { addFeature(ctx.layers[f.layerId], f); });
    ctx.clusterAlone = alone;
    ctx.clusterDirty = false;
    laterClusters(ctx);
  }

  /* ---------- Dense line layers: one canvas, each line simplified for the zoom (issue 14 §5) ---------- */

  // Above this many shown lines a line layer is drawn as plain strokes on one canvas, each line
  // simplified (Douglas-Peucker, DENSE_TOLERANCE px; none from DENSE_FULL_ZOOM on) for the zoom and the result kept per zoom
  // level; where at most FEW_LINES of its lines are in view they are drawn as usual instead
  // (casings, arrowheads, offsets, tooltips). A click on a plain stroke opens its line's popup.
  var DENSE_LINES = 1000;
  var FEW_LINES = 300;
  var DENSE_TOLERANCE = 1;
  var DENSE_CLICK_PX = 5;
  // From this zoom level on every vertex is drawn (street scale: nothing left to simplify away).
  var DENSE_FULL_ZOOM = 12;

  // Douglas-Peucker on flat [x0, y0, x1, y1, ...]: the indexes of the vertices to keep (read only:
  // a line of two vertices keeps both, and all such lines share one frozen list).
  var BOTH_ENDS = Object.freeze([0, 1]);
  function simplifyIndexes(xy, tolerance) {
    if (xy.length === 4) { return BOTH_ENDS; }
    var n = xy.length / 2, keep = new Uint8Array(n), stack = [0, n - 1], sq = tolerance * tolerance, out = [], i;
    keep[0] = 1; keep[n - 1] = 1;
    while (stack.length) {
      var last = stack.pop(), first = stack.pop(), best = 0, index = -1;
      var ax = xy[2 * first], ay = xy[2 * first + 1], dx = xy[2 * last] - ax, dy = xy[2 * last + 1] - ay, len = dx * dx + dy * dy;
      for (i = first + 1; i < last; i += 1) {
        var px = xy[2 * i] - ax, py = xy[2 * i + 1] - ay, t = len ? Math.max(0, Math.min(1, (px * dx + py * dy) / len)) : 0;
        var ex = px - t * dx, ey = py - t * dy, d = ex * ex + ey * ey;
        if (d > best) { best = d; index = i; }
      }
      if (index > 0 && best > sq) { keep[index] = 1; stack.push(first, index, index, last); }
    }
    for (i = 0; i < n; i += 1) { if (keep[i]) { out.push(i); } }
    return out;
  }

  // A line record's parts at zoom 0 (Web Mercator px, flat arrays) and their box, made once.
  function denseParts(ctx, f) {
    if (f.dense) { return f.dense; }
    var map = ctx.map, parts = [], box = [Infinity, Infinity, -Infinity, -Infinity];
    lineParts(f.feature.geometry).forEach(function (latlngs) {
      if (latlngs.length < 2) { return; }
      var xy = new Float64Array(latlngs.length * 2);
      latlngs.forEach(function (ll, i) {
        var p = map.project(ll, 0);
        xy[2 * i] = p.x; xy[2 * i + 1] = p.y;
        box[0] = Math.min(box[0], p.x); box[1] = Math.min(box[1], p.y); box[2] = Math.max(box[2], p.x); box[3] = Math.max(box[3], p.y);
      });
      parts.push({ xy: xy, byZoom: {} });
    });
    f.dense = { parts: parts, box: box };
    return f.dense;
  }

  // The vertex indexes of a part at a zoom level, simplified once per level.
  function partAtZoom(part, level) {
    var kept = part.byZoom[level];
    if (!kept) {
      kept = part.byZoom[level] = level >= DENSE_FULL_ZOOM ? Array.from({ length: part.xy.length / 2 }, function (_, i) { return i; }) : simplifyIndexes(part.xy, DENSE_TOLERANCE / Math.pow(2, level));
    }
    return kept;
  }

  // The stroke of a plain line: its colour, width, dash and opacity (faded by its class on the chosen date).
  function denseStroke(ctx, spec, f) {
    var props = f.properties, styles = ctx.styles, status = statusOf(styles, props);
    var direction = styles.directions[props.direction] || styles.directions.outbound || { width_factor: 1 };
    var style = classStyle(styles, f.cls), factor = style ? style.opacity : (f.phase === 'ended' ? ENDED_FADE : 1);
    var dash = style && style.dash ? style.dash : (isDashed(spec, props) ? spec.dash : '');
    return [colourOf(spec, styles, props), spec.size_px * direction.width_factor, dash || '', status.opacity * factor].join('|');
  }

  var DenseCanvas = L.Canvas.extend({
    // After a move Leaflet clears the canvas and draws it again (its `update`): a zoom that has no
    // picture of its strokes first keeps what was drawn (see densePreview).
    _update: function () {
      if (this.mmBeforeUpdate && this._map && this._bounds && !this._map._animatingZoom) { this.mmBeforeUpdate(this); }
      L.Canvas.prototype._update.call(this);
    },
    _draw: function () {
      L.Canvas.prototype._draw.call(this);
      if (this.mmDraw && this._map && this._bounds) { this.mmDraw(this._ctx, this._bounds); }
    }
  });

  // The plain strokes, batched by style: stroked on `canvas` at (global px) - (ox, oy); returns the vertices drawn.
  function strokeDense(canvas, batches, keys, level, scale, ox, oy) {
    var vertices = 0;
    keys.forEach(function (key) {
      var style = key.split('|');
      canvas.beginPath();
      batches[key].forEach(function (f) {
        var parts = f.dense.parts;
        for (var p = 0; p < parts.length; p += 1) {
          var kept = partAtZoom(parts[p], level), xy = parts[p].xy;
          for (var j = 0; j < kept.length; j += 1) {
            var i = kept[j], x = xy[2 * i] * scale - ox, y = xy[2 * i + 1] * scale - oy;
            if (j === 0) { canvas.moveTo(x, y); } else { canvas.lineTo(x, y); }
          }
          vertices += kept.length;
        }
      });
      canvas.strokeStyle = style[0];
      canvas.lineWidth = +style[1];
      canvas.globalAlpha = +style[3];
      canvas.setLineDash(style[2] ? style[2].split(/[ ,]+/).map(Number) : []);
      canvas.lineCap = 'butt';
      canvas.lineJoin = 'round';
      canvas.stroke();
    });
    canvas.globalAlpha = 1;
    canvas.setLineDash([]);
    return vertices;
  }

  // The plain strokes of the dense layers, by style; only those whose box meets `box` (zoom-0 px) when given.
  // The styles are stroked in one order for the current lines (that of their first line), whatever the box:
  // where strokes of two styles cross, the view drawn afresh and a picture of all lines then agree.
  function denseBatches(ctx, box) {
    var out = denseBatchesIn(ctx, box), version = ctx.denseVersion || 0;
    if (!box) { ctx.denseRank = { version: version, rank: out.keys.reduce(function (r, key, i) { r[key] = i; return r; }, {}) }; return out; }
    if (!ctx.denseRank || ctx.denseRank.version !== version) { denseBatches(ctx, null); }
    var rank = ctx.denseRank.rank;
    out.keys.sort(function (a, b) { return rank[a] - rank[b]; });
    return out;
  }

  function denseBatchesIn(ctx, box) {
    var out = { batches: {}, keys: [], lines: [], extent: [Infinity, Infinity, -Infinity, -Infinity], width: 0 };
    ctx.order.forEach(function (id) {
      var entry = ctx.layers[id];
      if (!entry.denseOn) { return; }
      entry.shown.forEach(function (f) {
        if (f.inGroup) { return; }
        var d = denseParts(ctx, f), b = d.box;
        if (box && (b[2] < box[0] || b[0] > box[2] || b[3] < box[1] || b[1] > box[3])) { return; }
        var key = f.strokeKey || (f.strokeKey = denseStroke(ctx, entry.spec, f));
        if (!out.batches[key]) { out.batches[key] = []; out.keys.push(key); out.width = Math.max(out.width, +key.split('|')[1]); }
        out.batches[key].push(f);
        out.lines.push(f);
        var e = out.extent;
        e[0] = Math.min(e[0], b[0]); e[1] = Math.min(e[1], b[1]); e[2] = Math.max(e[2], b[2]); e[3] = Math.max(e[3], b[3]);
      });
    });
    return out;
  }

  // Below this many pixels the plain strokes of a zoom are drawn once into a picture of all of them,
  // which every later repaint at that zoom (a pan, a return to it) copies: 20k dashed strokes cost far
  // more to paint again than one picture. The picture is drawn when the page is idle after the first
  // paint at that zoom (which strokes the lines itself, unless the picture was drawn before), so the
  // first frame waits for none; the zooms one step in and out follow (see laterDense).
  var DENSE_CACHE_PX = 2048 * 2048;

  // The zoom to 1e-6 (a zoom out after a zoom in may differ from the first zoom in its last bits; a
  // millionth of a level is 1e-4 px across 100,000 px).
  function denseKey(zoom) { return Math.round(zoom * 1e6); }

  // ctx.denseTooBig remembers the pictures not drawn for the lines of `version`: that of zoom key
  // `zoomKey` alone (bigger than DENSE_CACHE_PX), or, given `shownKey`, as a neighbour of the zoom shown
  // (past DENSE_BUDGET_PX beside the pictures of that zoom and its nearer neighbours).
  function tooBigKey(version, zoomKey, shownKey) { return shownKey === undefined ? zoomKey + ':' + version : shownKey + ':' + version + '>' + zoomKey; }
  function denseTooBig(ctx, version, zoomKey, shownKey) { return Boolean((ctx.denseTooBig || {})[tooBigKey(version, zoomKey, shownKey)]); }
  function markTooBig(ctx, version, zoomKey, shownKey) { ctx.denseTooBig = ctx.denseTooBig || {}; ctx.denseTooBig[tooBigKey(version, zoomKey, shownKey)] = true; }

  function cachedDense(ctx, zoom) {
    var version = ctx.denseVersion || 0, key = denseKey(zoom);
    return (ctx.denseCaches || []).filter(function (c) { return c.key === key && c.version === version; })[0] || null;
  }

  // The zooms a zoom in or out from `zoom` lands on (Leaflet's zoom snap and limits, as setZoom applies them).
  function zoomAfter(map, zoom) {
    var limit = map._limitZoom ? function (z) { return map._limitZoom(z); } : function (z) { return Math.max(map.getMinZoom(), Math.min(map.getMaxZoom(), z)); };
    var delta = map.options.zoomDelta || 1;
    return [limit(zoom + delta), limit(zoom - delta)].filter(function (z) { return denseKey(z) !== denseKey(zoom); });
  }

  // Once the page is idle, draw the picture of this zoom, then those of the zooms one step in and out
  // (one picture per idle slice, each only while the view is still at `zoom` with the same lines), so
  // the next zoom in or out copies a picture instead of stroking every line in its frame.
  function laterDense(ctx, zoom) {
    var version = ctx.denseVersion || 0, key = denseKey(zoom) + ':' + version;
    if (ctx.densePending === key) { return; }
    ctx.densePending = key;
    var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 200); }, todo = [zoom].concat(zoomAfter(ctx.map, zoom));
    ctx.denseWanted = todo.map(denseKey);
    function next() {
      if (ctx.densePending !== key) { return; }
      if ((ctx.denseVersion || 0) !== version || denseKey(ctx.map.getZoom()) !== denseKey(zoom)) { ctx.densePending = null; return; }
      // The canvas's margin still shows a preview (laterExact drew the view only): its picture, then the whole canvas from it.
      if (ctx.denseMargin && !ctx.denseExact) {
        if (!cachedDense(ctx, zoom) && !denseTooBig(ctx, version, denseKey(zoom))) { timed('denseCache', function () { denseCache(ctx, zoom, Math.max(0, Math.round(zoom)), Math.pow(2, zoom)); }); }
        else { timed('denseMargin', function () { ctx.denseCanvas._redrawBounds = null; ctx.denseCanvas._redraw(); }); }
        idle(next, { timeout: 2000 });
        return;
      }
      while (todo.length && (cachedDense(ctx, todo[0]) || denseTooBig(ctx, version, denseKey(todo[0])) || denseTooBig(ctx, version, denseKey(todo[0]), denseKey(zoom)))) { todo.shift(); }
      if (!todo.length) { ctx.densePending = null; return; }
      var z = todo.shift();
      timed('denseCache', function () { denseCache(ctx, z, Math.max(0, Math.round(z)), Math.pow(2, z)); });
      idle(next, { timeout: 2000 });
    }
    idle(next, { timeout: 2000 });
  }

  // Pictures kept: those of the current lines, the zoom shown and the zooms one step from it first,
  // at most this many, of at most DENSE_BUDGET_PX device pixels together (a phone's screen has 4 or 9
  // per CSS pixel: a neighbour's picture that does not fit is not drawn).
  var DENSE_PICTURES = 3;
  var DENSE_BUDGET_PX = 3 * DENSE_CACHE_PX;

  function denseCache(ctx, zoom, level, scale) {
    var version = ctx.denseVersion || 0, key = denseKey(zoom), kept = cachedDense(ctx, zoom);
    if (kept) { return kept; }
    var all = denseBatches(ctx, null), e = all.extent, pad = Math.ceil(all.width) + 2;
    if (!all.lines.length) { return null; }
    var x = Math.floor(e[0] * scale) - pad, y = Math.floor(e[1] * scale) - pad, w = Math.ceil(e[2] * scale) + pad - x, h = Math.ceil(e[3] * scale) + pad - y;
    if (w * h > DENSE_CACHE_PX) { markTooBig(ctx, version, key); return null; }
    var m = L.Browser.retina ? 2 : 1, wanted = ctx.denseWanted || [], rank = function (c) { var i = wanted.indexOf(c.key); return i < 0 ? wanted.length : i; };
    var mine = rank({ key: key }), used = (ctx.denseCaches || []).filter(function (c) { return c.version === version && rank(c) < mine; }).reduce(function (n, c) { return n + c.w * c.h * m * m; }, 0);
    if (mine > 0 && used + w * h * m * m > DENSE_BUDGET_PX) { markTooBig(ctx, version, key, wanted[0]); return null; }
    var picture = document.createElement('canvas');
    picture.width = w * m;
    picture.height = h * m;
    var c = picture.getContext('2d');
    if (m !== 1) { c.scale(m, m); }
    var cache = { key: key, version: version, canvas: picture, x: x, y: y, w: w, h: h, vertices: strokeDense(c, all.batches, all.keys, level, scale, x, y) };
    ctx.denseCaches = (ctx.denseCaches || []).filter(function (old) { return old.version === version; }).concat([cache])
      .sort(function (a, b) { return rank(a) - rank(b); }).slice(0, DENSE_PICTURES);
    ctx.denseCacheBuilds = (ctx.denseCacheBuilds || 0) + 1;
    return cache;
  }

  // A zoom with no picture of its strokes, after a drawing of more than this many vertices: its frame
  // shows the last drawing scaled to the new zoom (a copy, no stroke), and the exact strokes follow
  // in a task of their own after that frame (militiaMap.settled() is false until they are drawn).
  // Stroking ~50,000 vertices of dashed lines costs ~0.5 s of raster on a CPU: the zoom's frame, its
  // cluster symbols and labels come first.
  var DENSE_PREVIEW_VERTICES = 20000;

  // Before Leaflet clears the canvas after a move: keep a copy of the last drawing if the new zoom
  // is to show it scaled while its exact strokes wait (see DENSE_PREVIEW_VERTICES).
  function densePreview(ctx, renderer) {
    var last = ctx.denseLast, map = ctx.map, zoom = map.getZoom();
    // A setZoom updates the canvas twice (moveend, then viewreset) before it draws: the copy is of the first.
    if (ctx.densePreview) { return; }
    if (!last || last.version !== (ctx.denseVersion || 0) || denseKey(last.zoom) === denseKey(zoom) || last.vertices <= DENSE_PREVIEW_VERTICES || cachedDense(ctx, zoom)) { return; }
    var from = renderer._container, copy = document.createElement('canvas');
    copy.width = from.width;
    copy.height = from.height;
    copy.getContext('2d').drawImage(from, 0, 0);
    ctx.densePreview = { canvas: copy, last: last };
  }

  // The exact strokes after a preview, once the frame that shows the preview has been drawn.
  function laterExact(ctx) {
    var token = {};
    ctx.denseExact = token;
    L.Util.requestAnimFrame(function () {
      setTimeout(function () {
        if (ctx.denseExact !== token) { return; }
        ctx.denseExact = null;
        // The view first (its margin keeps the preview until the page is idle, see laterDense): a
        // third fewer pixels to stroke than the whole canvas.
        var map = ctx.map, px = map.getPixelBounds(), origin = map.getPixelOrigin(), r = ctx.denseCanvas, whole = Boolean(cachedDense(ctx, map.getZoom()));
        ctx.denseClip = whole ? null : L.bounds(px.min.subtract(origin), px.max.subtract(origin));
        timed('denseExact', function () { r._redrawBounds = ctx.denseClip; r._redraw(); });
        ctx.denseMargin = !whole;
        ctx.denseClip = null;
      }, 0);
    });
  }

  function drawDense(ctx, canvas, bounds) {
    var map = ctx.map, zoom = map.getZoom(), level = Math.max(0, Math.round(zoom)), scale = Math.pow(2, zoom), origin = map.getPixelOrigin();
    var box = [(bounds.min.x + origin.x) / scale, (bounds.min.y + origin.y) / scale, (bounds.max.x + origin.x) / scale, (bounds.max.y + origin.y) / scale];
    var shown = denseBatches(ctx, box), cache = shown.lines.length ? cachedDense(ctx, zoom) : null, vertices, preview = ctx.densePreview;
    ctx.densePreview = null;
    ctx.denseDrawn = shown.lines;
    var clip = !cache && ctx.denseClip, full = bounds;
    if (clip) {
      bounds = clip;
      box = [(bounds.min.x + origin.x) / scale, (bounds.min.y + origin.y) / scale, (bounds.max.x + origin.x) / scale, (bounds.max.y + origin.y) / scale];
      shown = denseBatches(ctx, box);
    } else {
      ctx.denseMargin = false;
    }
    if (preview && !cache && shown.lines.length) {
      // The last drawing, its top left corner (layer px at its zoom) taken to this zoom's layer px.
      var last = preview.last, k = scale / Math.pow(2, last.zoom);
      canvas.drawImage(preview.canvas, (last.min.x + last.origin.x) * k - origin.x, (last.min.y + last.origin.y) * k - origin.y, last.w * k, last.h * k);
      ctx.denseLast = { zoom: zoom, origin: origin, min: full.min, w: full.max.x - full.min.x, h: full.max.y - full.min.y, version: ctx.denseVersion || 0, vertices: last.vertices };
      ctx.denseStats = { lines: shown.lines.length, vertices: 0, level: level, cached: false, preview: true, pictures: ctx.denseCacheBuilds || 0 };
      laterExact(ctx);
      return;
    }
    ctx.denseExact = null;
    if (cache) {
      canvas.drawImage(cache.canvas, cache.x - origin.x, cache.y - origin.y, cache.w, cache.h);
      vertices = cache.vertices;
    } else if (clip) {
      canvas.save();
      canvas.beginPath();
      canvas.rect(clip.min.x, clip.min.y, clip.max.x - clip.min.x, clip.max.y - clip.min.y);
      canvas.clip();
      vertices = strokeDense(canvas, shown.batches, shown.keys, level, scale, origin.x, origin.y);
      canvas.restore();
    } else {
      vertices = strokeDense(canvas, shown.batches, shown.keys, level, scale, origin.x, origin.y);
    }
    if (shown.lines.length) { laterDense(ctx, zoom); }
    ctx.denseLast = { zoom: zoom, origin: origin, min: full.min, w: full.max.x - full.min.x, h: full.max.y - full.min.y, version: ctx.denseVersion || 0, vertices: vertices };
    ctx.denseStats = { lines: shown.lines.length, vertices: vertices, level: level, cached: Boolean(cache), preview: false, pictures: ctx.denseCacheBuilds || 0 };
  }

  // The shown line nearest a click (within DENSE_CLICK_PX), among the plain strokes drawn now.
  function denseHit(ctx, latlng) {
    var map = ctx.map, zoom = map.getZoom(), level = Math.max(0, Math.round(zoom)), scale = Math.pow(2, zoom), at = map.project(latlng, zoom), best = null, bestD = DENSE_CLICK_PX * DENSE_CLICK_PX;
    (ctx.denseDrawn || []).forEach(function (f) {
      f.dense.parts.forEach(function (part) {
        var kept = partAtZoom(part, level), xy = part.xy, j;
        for (j = 1; j < kept.length; j += 1) {
          var ax = xy[2 * kept[j - 1]] * scale, ay = xy[2 * kept[j - 1] + 1] * scale, dx = xy[2 * kept[j]] * scale - ax, dy = xy[2 * kept[j] + 1] * scale - ay;
          var len = dx * dx + dy * dy, t = len ? Math.max(0, Math.min(1, ((at.x - ax) * dx + (at.y - ay) * dy) / len)) : 0;
          var ex = at.x - ax - t * dx, ey = at.y - ay - t * dy, d = ex * ex + ey * ey;
          if (d <= bestD) { bestD = d; best = f; }
        }
      });
    });
    return best;
  }

  // Which lines of the dense layers are drawn as usual (few in view) and which as plain strokes; then repaint.
  function redrawDense(ctx, restyle) {
    var any = ctx.order.some(function (id) { return ctx.layers[id].denseOn; });
    if (!any && !ctx.denseCanvas) { return; }
    if (!ctx.denseCanvas) {
      ctx.map.createPane('mm-dense-lines').style.zIndex = '395';
      ctx.map.getPane('mm-dense-lines').style.pointerEvents = 'none';
      // A small margin (10 % of the view each side): 20k dashed strokes cost raster time by the pixel.
      ctx.denseCanvas = new DenseCanvas({ pane: 'mm-dense-lines', padding: 0.1 });
      // Drawing starts after it is added (adding draws at once, before the lines below are sorted).
      ctx.denseCanvas.addTo(ctx.map);
      ctx.denseCanvas.mmDraw = function (canvas, bounds) { drawDense(ctx, canvas, bounds); };
      ctx.denseCanvas.mmBeforeUpdate = function (renderer) { densePreview(ctx, renderer); };
      ctx.map.on('click', function (e) {
        var f = denseHit(ctx, e.latlng);
        if (f) { ctx.app.openPopup(f.layerId, f.id); }
      });
      // Hovering a plain stroke shows its line's tooltip, as a drawn line's would (looked up once per frame).
      var tip = L.tooltip({ sticky: true, direction: 'top', opacity: 0.95 }), pending = null;
      ctx.map.on('mousemove', function (e) {
        if (pending) { pending = e; return; }
        pending = e;
        L.Util.requestAnimFrame(function () {
          var at = pending.latlng, f = denseHit(ctx, at);
          pending = null;
          if (!f) { if (ctx.map.hasLayer(tip)) { ctx.map.closeTooltip(tip); } return; }
          var text = el('span', null, tooltipText(ctx.layers[f.layerId].spec, f.properties));
          text.dir = 'auto';
          tip.setContent(text).setLatLng(at);
          if (!ctx.map.hasLayer(tip)) { ctx.map.openTooltip(tip); }
        });
      });
      ctx.map.on('mouseout movestart', function () { if (ctx.map.hasLayer(tip)) { ctx.map.closeTooltip(tip); } });
    }
    var changed = false, view = ctx.map.getBounds(), sw = ctx.map.project(view.getSouthWest(), 0), ne = ctx.map.project(view.getNorthEast(), 0);
    ctx.order.forEach(function (id) {
      var entry = ctx.layers[id];
      if (!entry.denseOn) { return; }
      var inView = entry.shown.filter(function (f) {
        var b = denseParts(ctx, f).box;
        return !(b[2] < sw.x || b[0] > ne.x || b[3] < ne.y || b[1] > sw.y);
      });
      var few = inView.length <= FEW_LINES, wanted = {};
      if (few) { inView.forEach(function (f) { wanted[f.id] = true; }); }
      entry.fewInView = few;
      entry.shown.forEach(function (f) {
        var was = f.inGroup;
        if (wanted[f.id] || ctx.pinned === f) { addFeature(entry, f); } else { removeFeature(entry, f); }
        if (was !== f.inGroup) { changed = true; }
        if (restyle) { f.strokeKey = null; }
      });
    });
    // The canvas repainted itself on moveend; again only when the plain strokes changed.
    if (restyle || changed) { ctx.denseVersion = (ctx.denseVersion || 0) + 1; ctx.denseCaches = []; }
    // While a preview waits for its exact strokes (after a move), those draw the lines as they are now.
    if ((restyle || changed || !any) && !(ctx.denseExact && !restyle)) {
      ctx.densePreview = null;
      ctx.denseCanvas._redrawBounds = null;
      ctx.denseCanvas._redraw();
    }
  }

  function applyLayer(ctx, entry) {
    var state = ctx.state, on = ctx.layerOn[entry.spec.id], shown = [], features = entry.features, i, f;
    if (!state.date && !state.compare && !state.corroborated && !state.statuses && !state.types && !state.actors) {
      // No date and no filter (the page's start): every feature of a layer that is on shows, as 'all'
      // (what timeClass, passesFilters and phaseOf give then), without a call per feature.
      for (i = 0; i < features.length; i += 1) { f = features[i]; f.cls = 'all'; f.phase = on ? 'current' : 'hidden'; }
      if (on) { shown = features.slice(); }
    } else {
      for (i = 0; i < features.length; i += 1) {
        f = features[i];
        // The claim filters (actors, types, statuses) are about claims: overlay events only follow their switch and the date.
        f.cls = timeClass(f.properties, state);
        f.phase = on && (entry.spec.overlay || passesFilters(f.properties, state)) ? (state.compare ? compareVisibility(f.cls) : phaseOf(f.properties, state)) : 'hidden';
        if (f.phase !== 'hidden') { shown.push(f); }
      }
    }
    entry.shown = shown;
    if (entry.panel) { return; }  // listed in its panel (claimsPanel), never drawn
    entry.denseOn = Boolean(on) && entry.spec.geometry === 'line' && shown.length > DENSE_LINES;
    if (entry.clusterable || entry.denseOn) {
      // Drawn from the cluster index (buildClusterIndex, drawClusters) or as plain strokes (redrawDense).
      entry.features.forEach(function (f) { if (f.phase === 'hidden') { removeFeature(entry, f); } });
    } else {
      entry.features.forEach(function (f) { if (f.phase === 'hidden') { removeFeature(entry, f); } else { addFeature(entry, f); } });
    }
    if (on && !ctx.map.hasLayer(entry.group)) { entry.group.addTo(ctx.map); }
    if (!on && ctx.map.hasLayer(entry.group)) { ctx.map.removeLayer(entry.group); }
  }

  // What a movement's arrowhead says: "→ Iraq" where it ends past a border (end_label), else
  // "→ <destination>".
  function endText(p) {
    return textOf(p.end_label) || (p.destination ? '\u2192 ' + textOf(p.destination) : '');
  }

  // One label per arrowhead spot: "Withdrawal ×6 → Iraq", so the arrows read at a glance; where
  // the source names no crossing, the label says so.
  function destinationLabels(entry) {
    var byEnd = {}, order = [];
    entry.shown.forEach(function (f) {
      var p = f.properties, at = f.latlng, end = endText(p);
      if (!end || !at) { return; }
      var unstated = p.crossing_stated === false && p.end_kind === 'border';
      var key = at.lat.toFixed(3) + ',' + at.lng.toFixed(3) + '|' + end + '|' + unstated;
      if (!byEnd[key]) {
        var parts = lineParts(f.feature.geometry);
        byEnd[key] = { at: at, end: end, unstated: unstated, types: {}, typeOrder: [], line: parts.length ? parts[parts.length - 1] : [] };
        order.push(key);
      }
      var t = textOf(p.type_label) || 'Movement';
      if (!byEnd[key].types[t]) { byEnd[key].types[t] = 0; byEnd[key].typeOrder.push(t); }
      byEnd[key].types[t] += 1;
    });
    if (order.length > MAX_LABELS) { return []; }
    return order.map(function (key) {
      var item = byEnd[key];
      var what = item.typeOrder.map(function (t) { return item.types[t] > 1 ? t + ' \u00d7' + item.types[t] : t; }).join(', ');
      return { at: item.at, text: what + ' ' + item.end, note: item.unstated ? 'crossing point not stated' : '', kind: 'line', line: item.line, end: item.end };
    });
  }

  function labelNode(item) {
    var node = el('span', 'mm-label-text', item.text);
    node.dir = 'auto';
    if (item.note) { node.appendChild(el('span', 'mm-label-note', item.note)); }
    return node;
  }

  function addLabels(ctx, entry) {
    var spec = entry.spec, items = [];
    entry.labels.clearLayers();
    if (spec.geometry === 'line') { items = destinationLabels(entry); }
    if (spec.id === 'sites' && !entry.clustered && entry.shown.length <= MAX_LABELS) {
      items = entry.shown.map(function (f) { return { at: f.latlng, text: tooltipText(spec, f.properties), kind: 'point' }; });
    }
    entry.labelItems = items;
    entry.labelMarkers = items.map(function (item) {
      var marker = L.marker(item.at, {
        icon: L.divIcon({ className: 'mm-label mm-label-' + item.kind, html: labelNode(item), iconSize: null }),
        interactive: false, keyboard: false, pane: 'mm-data-labels'
      });
      marker.labelPriority = item.kind === 'line' ? 3 : 2;
      marker.addTo(entry.labels);
      return marker;
    });
    edgeLabels(ctx);
  }

  // Where a line, walked back from its end, comes into the rectangle [x0, y0, x1, y1] (screen px),
  // and through which side; null when its end is inside or it never enters.
  function exitPoint(points, rect) {
    function inside(p) { return p.x >= rect[0] && p.x <= rect[2] && p.y >= rect[1] && p.y <= rect[3]; }
    var n = points.length, i;
    if (n < 2 || inside(points[n - 1])) { return null; }
    for (i = n - 2; i >= 0; i -= 1) {
      if (!inside(points[i])) { continue; }
      var a = points[i], b = points[i + 1], best = null;
      [['left', 0, rect[0]], ['right', 0, rect[2]], ['top', 1, rect[1]], ['bottom', 1, rect[3]]].forEach(function (edge) {
        var from = edge[1] ? a.y : a.x, to = edge[1] ? b.y : b.x;
        if (to === from) { return; }
        var t = (edge[2] - from) / (to - from);
        if (t < 0 || t > 1 || (best && t >= best.t)) { return; }
        var q = L.point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
        if (q.x >= rect[0] - 0.5 && q.x <= rect[2] + 0.5 && q.y >= rect[1] - 0.5 && q.y <= rect[3] + 0.5) { best = { t: t, at: q, side: edge[0] }; }
      });
      return best;
    }
    return null;
  }

  var EDGE_ARROWS = { left: '\u2190 ', right: ' \u2192', top: '\u2191 ', bottom: '\u2193 ' };
  var EDGE_INSET = 6;

  // A movement whose arrowhead lies outside the view is labelled where it leaves the view:
  // "Iraq →" at the right edge, so a destination off screen is still read.
  function edgeLabels(ctx) {
    var map = ctx.map, size = map.getSize(), rect = [EDGE_INSET, EDGE_INSET, size.x - EDGE_INSET, size.y - EDGE_INSET];
    if (!ctx.edgeGroup) { ctx.edgeGroup = L.layerGroup().addTo(map); }
    ctx.edgeGroup.clearLayers();
    ctx.edgeMarkers = [];
    var seen = {};
    ctx.order.forEach(function (id) {
      var entry = ctx.layers[id];
      if (!ctx.layerOn[id] || entry.spec.geometry !== 'line') { return; }
      (entry.labelItems || []).forEach(function (item) {
        var exit = exitPoint(item.line.map(function (ll) { return map.latLngToContainerPoint(ll); }), rect);
        if (!exit) { return; }
        var name = item.end.replace(/^\u2192\s*/, '');
        var key = name + '|' + exit.side + '|' + Math.round(exit.at.x / 40) + ':' + Math.round(exit.at.y / 40);
        if (seen[key]) { return; }
        seen[key] = true;
        var text = exit.side === 'right' ? name + EDGE_ARROWS.right : EDGE_ARROWS[exit.side] + name;
        var node = el('span', 'mm-label-text', text);
        node.dir = 'auto';
        var marker = L.marker(map.containerPointToLatLng(exit.at), {
          icon: L.divIcon({ className: 'mm-label mm-label-edge mm-edge-' + exit.side, html: node, iconSize: null }),
          interactive: false, keyboard: false, pane: 'mm-data-labels'
        });
        marker.labelPriority = 3.5;
        marker.edgeText = text;
        marker.boxKey = exit.side + '|' + text;
        marker.addTo(ctx.edgeGroup);
        ctx.edgeMarkers.push(marker);
      });
    });
  }

  // Hide a label that would overlap one of higher priority (movements, then sites, then towns).
  // Boxes are in map-container pixels: where Leaflet put the label's marker plus the box's offset
  // from it. A label's text, font and classes do not change while it lives, so its offsets (as
  // placed, and flipped) are read from the page once, in two batches for all new labels, and kept
  // with its node (an edge label, made anew on every move, by its side and text): a move that
  // brings no new label reads no layout.
  function declutter(ctx) {
    var placed = [], map = ctx.map, labels = [], zoom = map.getZoom();
    ctx.order.forEach(function (id) { labels = labels.concat(ctx.layers[id].labelMarkers || []); });
    var candidates = labels.concat(ctx.edgeMarkers || [], ctx.riverMarkers || [], ctx.townMarkers, ctx.countryMarkers).filter(function (m) { return map.hasLayer(m) && m.getElement(); });
    candidates.sort(function (a, b) { return (b.labelPriority || 0) - (a.labelPriority || 0); });
    var live = [];
    candidates.forEach(function (m) {
      var node = m.getElement();
      if (m.minZoom !== undefined && zoom < m.minZoom) { node.style.display = 'none'; return; }
      node.style.display = '';
      node.classList.remove('mm-flip');
      live.push(m);
    });
    function inner(m) { var node = m.getElement(); return node.firstChild || node; }
    live.forEach(function (m) { var t = inner(m); if (t.style.position) { t.style.position = ''; t.style.left = ''; t.style.top = ''; } });
    var edgeBoxes = ctx.edgeBoxes || (ctx.edgeBoxes = new Map());
    function kept(m) { return m.boxKey ? edgeBoxes.get(m.boxKey) : inner(m).mmBoxes; }
    function anchor(m) { return map.layerPointToContainerPoint(L.DomUtil.getPosition(m.getElement())); }
    var fresh = live.filter(function (m) { return !kept(m); }), measured = new Map();
    if (fresh.length) {
      var origin = map.getContainer().getBoundingClientRect();
      var offset = function (m) {
        var r = inner(m).getBoundingClientRect(), a = anchor(m), x = origin.left + a.x, y = origin.top + a.y;
        return { left: r.left - x, right: r.right - x, top: r.top - y, bottom: r.bottom - y, empty: !r.width && !r.height };
      };
      var plain = fresh.map(offset);
      // A town's name may sit left of its dot instead, before it gives way: its flipped box, read in one batch.
      var flips = fresh.filter(function (m) { return m.flippable; });
      flips.forEach(function (m) { m.getElement().classList.add('mm-flip'); });
      var flipped = flips.map(offset);
      flips.forEach(function (m) { m.getElement().classList.remove('mm-flip'); });
      var j = 0;
      fresh.forEach(function (m, i) {
        var boxes = { placed: plain[i], flipped: m.flippable ? flipped[j++] : null };
        measured.set(m, boxes);
        if (boxes.placed.empty) { return; }  // not laid out (a hidden pane): kept for this call only, read again next time
        if (m.boxKey) { edgeBoxes.set(m.boxKey, boxes); } else { inner(m).mmBoxes = boxes; }
      });
    }
    function at(m, b) { var a = anchor(m); return { left: a.x + b.left, right: a.x + b.right, top: a.y + b.top, bottom: a.y + b.bottom }; }
    var rects = live.map(function (m) {
      var boxes = kept(m) || measured.get(m);
      if (m.flippable) { m.flippedBox = at(m, boxes.flipped); }
      return at(m, boxes.placed);
    });
    function clashes(r) { return placed.some(function (q) { return r.left < q.right + 2 && r.right > q.left - 2 && r.top < q.bottom + 1 && r.bottom > q.top - 1; }); }
    // Every label shown lies wholly inside the map: one that sticks out past an edge is flipped
    // (a town, whose name stays by its dot) or moved inward; one that fits nowhere is hidden.
    var size = map.getSize(), bounds = [LABEL_INSET, LABEL_INSET, size.x - LABEL_INSET, size.y - LABEL_INSET];
    live.forEach(function (m, i) {
      var node = m.getElement(), r = rects[i], flip = false, at = map.latLngToContainerPoint(m.getLatLng());
      if (at.x < 0 || at.y < 0 || at.x > size.x || at.y > size.y) { node.style.display = 'none'; return; }  // its place is off screen
      if (m.flippable && (clashes(r) || !within(r, bounds)) && within(m.flippedBox, bounds)) { flip = true; r = m.flippedBox; }
      // Where it may go: as placed (moved inward); else, if it was at an edge, (a movement's) below its
      // arrowhead or (a site's) left of its mark. Inside the map a label that clashes still gives way.
      var h = r.bottom - r.top, w = r.right - r.left, moves = [[0, 0]], shift = null, edgeOn = !within(r, bounds);
      if (edgeOn && node.classList.contains('mm-label-line')) { moves.push([0, 1.6 * h]); }
      if (edgeOn && node.classList.contains('mm-label-point')) { moves.push([-(w + 16), 0]); }
      moves.some(function (move) {
        var q = { left: r.left + move[0], right: r.right + move[0], top: r.top + move[1], bottom: r.bottom + move[1] }, d = inward(q, bounds);
        if (!d || (m.flippable && (d[0] || d[1]))) { return false; }  // a town's name stays by its dot
        q = { left: q.left + d[0], right: q.right + d[0], top: q.top + d[1], bottom: q.bottom + d[1] };
        if (clashes(q)) { return false; }
        shift = [move[0] + d[0], move[1] + d[1]];
        r = q;
        return true;
      });
      if (!shift) { node.style.display = 'none'; return; }
      if (flip) { node.classList.add('mm-flip'); }
      if (shift[0] || shift[1]) { var t = inner(m); t.style.position = 'relative'; t.style.left = shift[0] + 'px'; t.style.top = shift[1] + 'px'; }
      placed.push(r);
    });
  }

  // Labels keep this far (px) inside the map's edges.
  var LABEL_INSET = 2;
  function within(r, b) { return r.left >= b[0] && r.top >= b[1] && r.right <= b[2] && r.bottom <= b[3]; }
  // The move [dx, dy] that brings the box r inside b ([0, 0] when it is inside), or null when it is too big.
  function inward(r, b) {
    if (r.right - r.left > b[2] - b[0] || r.bottom - r.top > b[3] - b[1]) { return null; }
    var dx = r.left < b[0] ? b[0] - r.left : (r.right > b[2] ? b[2] - r.right : 0);
    var dy = r.top < b[1] ? b[1] - r.top : (r.bottom > b[3] ? b[3] - r.bottom : 0);
    return [dx, dy];
  }

  // Canvas draws in the order layers were added: put the shown groups back in drawing order.
  function keepOrder(ctx) {
    ctx.order.forEach(function (id) { var entry = ctx.layers[id]; if (ctx.map.hasLayer(entry.group)) { entry.group.bringToFront(); } });
  }

  // Apply the layer switches, filters and date to every layer; keep the drawing order.
  function refresh(ctx) {
    timed('apply', function () { ctx.order.forEach(function (id) { applyLayer(ctx, ctx.layers[id]); }); });
    timed('index', function () { buildClusterIndex(ctx); });
    timed('clusters', function () { drawClusters(ctx); });
    timed('dense', function () { redrawDense(ctx, true); });
    timed('labels', function () { ctx.order.forEach(function (id) { if (!ctx.layers[id].panel) { addLabels(ctx, ctx.layers[id]); } }); });
    keepOrder(ctx);
    drawHalos(ctx);
    ctx.map.getContainer().classList.toggle('mm-comparing', Boolean(ctx.state.compare));
    ctx.map.getContainer().classList.toggle('mm-dated', Boolean(ctx.state.date));
    Object.keys(ctx.countNodes || {}).forEach(function (id) {
      var entry = ctx.layers[id], item = ctx.countNodes[id], n = entry.features.length, shown = entry.shown.length;
      item.box.checked = Boolean(ctx.layerOn[id]);
      item.node.textContent = !ctx.layerOn[id] || shown === n ? '(' + n + ')' : '(' + shown + ' of ' + n + ')';
    });
    ctx.order.forEach(function (id) { if (ctx.layers[id].panel) { renderClaimsPanel(ctx, ctx.layers[id]); } });
    timed('declutter', function () { declutter(ctx); });
    timed('onRefresh', function () { if (ctx.onRefresh) { ctx.onRefresh(); } });
  }
  function timed(name, fn) { var t0 = performance.now(), r = fn(); performance.measure('mm:' + name, { start: t0, end: performance.now() }); return r; }

  function reclusterOnMove(ctx) {
    var pending = false;
    ctx.map.on('moveend', function () {
      if (pending) { return; }
      pending = true;
      L.Util.requestAnimFrame(function () {
        pending = false;
        var any = (ctx.clusterSets || []).some(function (set) { return set.index; });
        var dense = ctx.order.some(function (id) { return ctx.layers[id].denseOn; });
        if (any) { timed('move:clusters', function () { drawClusters(ctx, true); }); }
        if (dense) { timed('move:dense', function () { redrawDense(ctx, false); }); }
        if (any || dense) { keepOrder(ctx); drawHalos(ctx); }
        timed('move:edges', function () { edgeLabels(ctx); });
        timed('move:declutter', function () { declutter(ctx); });
      });
    });
  }

  /* ---------- Basemap ---------- */

  function buildBasemap(ctx) {
    var map = ctx.map, base = ctx.data.basemap, renderer = L.svg({ pane: 'mm-basemap', padding: 0.5 });
    // Tones from layers/style.py BASEMAP, shared with the QGIS styles and the snapshots.
    var tone = base.style, root = map.getContainer();
    root.style.background = tone.sea;
    root.style.setProperty('--mm-land', tone.land);
    root.style.setProperty('--mm-town', tone.town);
    root.style.setProperty('--mm-town-label', tone.town_label);
    root.style.setProperty('--mm-country-label', tone.country_label);
    root.style.setProperty('--mm-town-foreign', tone.town_label_foreign || tone.town_label);
    root.style.setProperty('--mm-river-label', tone.river_label || tone.coastline);
    root.style.setProperty('--mm-road', tone.road || tone.border);
    L.geoJSON(base.countries, { renderer: renderer, interactive: false, style: function () {
      return { color: tone.border, weight: tone.border_width, dashArray: tone.border_dash || null, fillColor: tone.land, fillOpacity: 1 };
    } }).addTo(map);
    // Orientation: Natural Earth lakes and rivers, schematic main roads (dashed, labelled so).
    var context = L.layerGroup().addTo(map);
    if (base.lakes) {
      L.geoJSON(base.lakes, { renderer: renderer, interactive: false, style: function () {
        return { color: tone.river, weight: 0.6, fillColor: tone.lake, fillOpacity: 1 };
      } }).addTo(context);
    }
    if (base.rivers) {
      L.geoJSON(base.rivers, { renderer: renderer, interactive: false, style: function () {
        return { color: tone.river, weight: tone.river_width, fill: false, lineCap: 'round', lineJoin: 'round' };
      } }).addTo(context);
    }
    L.geoJSON(base.coastline, { renderer: renderer, interactive: false, style: function () {
      return { color: tone.coastline, weight: tone.coastline_width, fill: false };
    } }).addTo(map);
    if (base.roads) {
      L.geoJSON(base.roads, { renderer: renderer, interactive: false, style: function () {
        return { color: tone.road, weight: tone.road_width + 0.4, dashArray: tone.road_dash || null, fill: false, lineCap: 'butt' };
      } }).addTo(context);
    }
    ctx.context = context;
    ctx.riverMarkers = [];
    (base.river_labels ? base.river_labels.features : []).forEach(function (f) {
      var c = f.geometry.coordinates;
      var m = L.marker([c[1], c[0]], { icon: L.divIcon({ className: 'mm-river', html: el('span', null, f.properties.name), iconSize: null }), interactive: false, keyboard: false, pane: 'mm-base-labels' });
      m.labelPriority = 1.45;
      m.addTo(context);
      ctx.riverMarkers.push(m);
    });
    (base.roads ? base.roads.features : []).forEach(function (f) {
      var c = f.properties.label_at;
      if (!c) { return; }
      var node = el('span', null, (f.properties.ref || f.properties.name) + (f.properties.schematic ? ' (schematic)' : ''));
      node.title = f.properties.name + ' \u2014 ' + f.properties.route_source;
      var m = L.marker([c[1], c[0]], { icon: L.divIcon({ className: 'mm-road', html: node, iconSize: null }), interactive: false, keyboard: false, pane: 'mm-base-labels' });
      m.labelPriority = 1.05;
      m.minZoom = 6.5;
      m.addTo(context);
      ctx.riverMarkers.push(m);
    });
    (base.country_labels.features || []).forEach(function (f) {
      var c = f.geometry.coordinates;
      var country = L.marker([c[1], c[0]], { icon: L.divIcon({ className: 'mm-country', html: el('span', null, f.properties.name), iconSize: null }), interactive: false, keyboard: false, pane: 'mm-base-labels' });
      country.labelPriority = 1.5;
      country.addTo(map);
      ctx.countryMarkers.push(country);
    });
    var towns = [];
    (base.towns.features || []).forEach(function (f) {
      var c = f.geometry.coordinates, node = el('span', 'mm-town-inner');
      node.appendChild(el('span', 'mm-town-dot'));
      var name = el('span', 'mm-town-name', f.properties.name);
      name.dir = 'auto';
      node.appendChild(name);
      var p = f.properties, kind = 'mm-town' + (p.named_by_claim ? ' mm-town-named' : '') + (p.foreign ? ' mm-town-foreign' : '');
      var marker = L.marker([c[1], c[0]], { icon: L.divIcon({ className: kind, html: node, iconSize: null }), interactive: false, keyboard: false, pane: 'mm-base-labels' });
      marker.minZoom = p.min_zoom || 0;
      marker.flippable = true;
      // Places the claims name first, then Syrian and Lebanese towns; foreign cities give way.
      marker.labelPriority = 1 + (typeof p.rank === 'number' ? (3 - Math.min(3, p.rank)) * 0.1 : 0);
      towns.push(marker);
    });
    ctx.townMarkers = towns;
    ctx.towns = L.layerGroup(towns).addTo(map);
    // Credits: what each basemap layer is and which version it comes from.
    map.attributionControl.addAttribution('<span class="mm-credits">' + escapeHtml(base.credits_text || base.attribution) + '</span>');
    // On a phone the credits are one line; a tap shows them whole.
    map.attributionControl.getContainer().addEventListener('click', function (e) {
      if (e.target.tagName !== 'A') { e.currentTarget.classList.toggle('mm-expanded'); }
    });
    var credits = {};
    ctx.data.layers.forEach(function (spec) { if (spec.attribution && !credits[spec.attribution]) { credits[spec.attribution] = true; map.attributionControl.addAttribution('<span class="mm-overlay-credit">' + escapeHtml(spec.attribution) + '</span>'); } });
  }

  /* ---------- Controls: grouped layer switcher, legend, title ---------- */

  // A box that may scroll can be reached and scrolled with the keyboard (WCAG 2.1.1).
  function focusableScroller(node, name) {
    node.tabIndex = 0;
    node.setAttribute('role', 'region');
    node.setAttribute('aria-label', name);
    return node;
  }

  function panel(className, summaryText, open) {
    var details = el('details', 'mm-panel ' + className);
    details.open = open;
    details.appendChild(el('summary', null, summaryText));
    L.DomEvent.disableClickPropagation(details);
    L.DomEvent.disableScrollPropagation(details);
    return details;
  }

  function layerControl(ctx) {
    var Control = L.Control.extend({
      onAdd: function () {
        var box = panel('mm-layers', 'Layers', false);
        ctx.data.groups.forEach(function (g) {
          var ids = g.layers.filter(function (id) { return ctx.layers[id] && !ctx.layers[id].panel; });
          if (!ids.length) { return; }  // a panel layer (country-wide claims) has its own panel
          var section = el('fieldset', 'mm-group');
          section.appendChild(el('legend', null, g.name));
          ids.forEach(function (id) {
            var entry = ctx.layers[id];
            var label = el('label', 'mm-layer-toggle');
            var box2 = el('input');
            box2.type = 'checkbox';
            box2.checked = Boolean(ctx.layerOn[id]);
            box2.setAttribute('data-layer', id);
            box2.addEventListener('change', function () { ctx.app.setVisible(id, box2.checked); });
            label.appendChild(box2);
            label.appendChild(el('span', null, entry.spec.title));
            var count = el('span', 'mm-count', '(' + entry.features.length + ')');
            ctx.countNodes = ctx.countNodes || {};
            ctx.countNodes[id] = { node: count, box: box2 };
            label.appendChild(count);
            label.title = entry.spec.description || '';
            section.appendChild(label);
          });
          box.appendChild(section);
        });
        var townLabel = el('label', 'mm-layer-toggle');
        var townBox = el('input');
        townBox.type = 'checkbox';
        townBox.checked = true;
        townBox.addEventListener('change', function () { if (townBox.checked) { ctx.towns.addTo(ctx.map); } else { ctx.map.removeLayer(ctx.towns); } declutter(ctx); });
        // The box follows the town layer, whoever adds or removes it (a restored link, for one).
        ctx.towns.on('add remove', function () { townBox.checked = ctx.map.hasLayer(ctx.towns); });
        townLabel.appendChild(townBox);
        townLabel.appendChild(el('span', null, 'Town labels (GeoNames)'));
        var baseSection = el('fieldset', 'mm-group');
        baseSection.appendChild(el('legend', null, 'Basemap'));
        baseSection.appendChild(townLabel);
        box.appendChild(baseSection);
        return box;
      }
    });
    return new Control({ position: 'topright' });
  }

  function legendSymbol(ctx, item) {
    var s = svg('svg', { width: 34, height: 16, viewBox: '0 1 34 16', 'aria-hidden': 'true' });
    var colour = item.colour || GREY, status, rings, direction;
    if (item.symbol === 'swatch') {
      s.appendChild(svg('line', { x1: 2, y1: 9, x2: 20, y2: 9, stroke: colour, 'stroke-width': 3 }));
      s.appendChild(svg('circle', { cx: 26, cy: 9, r: 5, fill: colour, stroke: '#222222', 'stroke-width': 1 }));
    } else if (item.symbol === 'line') {
      s.appendChild(svg('line', { x1: 2, y1: 9, x2: 32, y2: 9, stroke: colour, 'stroke-width': 2.5, 'stroke-dasharray': item.dash || 'none' }));
    } else if (item.symbol === 'arrow') {
      direction = ctx.data.styles.directions[item.direction] || { arrow: 'triangle', casing: '', width_factor: 1 };
      if (direction.casing) { s.appendChild(svg('line', { x1: 1, y1: 9, x2: 22, y2: 9, stroke: direction.casing, 'stroke-width': 6.5 })); }
      s.appendChild(svg('line', { x1: 1, y1: 9, x2: 22, y2: 9, stroke: colour, 'stroke-width': 3 * direction.width_factor }));
      rings = shapeRings('arrow-' + direction.arrow, 11).map(function (ring) { return { pts: rotate(ring.pts, 0, 32, 9), open: ring.open }; });
      rings.forEach(function (ring) {
        var d = 'M' + ring.pts.map(function (q) { return q[0].toFixed(1) + ',' + q[1].toFixed(1); }).join('L') + (ring.open ? '' : 'z');
        s.appendChild(svg('path', ring.open ? { d: d, fill: 'none', stroke: colour, 'stroke-width': 2.5 } : { d: d, fill: colour, stroke: direction.casing || '#222222', 'stroke-width': 1 }));
      });
    } else if (item.symbol === 'area') {
      // A ring, no centre: the place lies somewhere inside.
      s.appendChild(svg('circle', { cx: 17, cy: 9, r: 7.5, fill: colour, 'fill-opacity': 0.05, stroke: colour, 'stroke-width': 1.4, 'stroke-dasharray': item.dash || 'none' }));
    } else if (item.symbol === 'end') {
      s.appendChild(svg('line', { x1: 1, y1: 9, x2: 20, y2: 9, stroke: colour, 'stroke-width': 2.5 }));
      s.appendChild(svg('path', { d: 'M28,9L19,4.5L19,13.5z', fill: colour, stroke: '#222222', 'stroke-width': 1 }));
      s.appendChild(svg('line', { x1: 12, y1: 2, x2: 12, y2: 16, stroke: '#A7A7A7', 'stroke-width': 1.2, 'stroke-dasharray': '2 2' }));
    } else if (item.symbol === 'phase') {
      // A neutral mark with the class's halo, fading and dash (layers/style.py PHASE_STYLES, COMPARE_STYLES).
      var ps = item.halo !== undefined ? item : {};
      if (ps.halo) { s.appendChild(svg('circle', { cx: 17, cy: 9, r: 5.5 + ps.halo_width / 4, fill: 'none', stroke: ps.halo, 'stroke-width': Math.max(2.5, ps.halo_width / 2) })); }
      s.appendChild(svg('circle', { cx: 17, cy: 9, r: 5, fill: colour, 'fill-opacity': 0.9 * ps.opacity, stroke: '#222222', 'stroke-opacity': ps.opacity, 'stroke-width': 1.3, 'stroke-dasharray': ps.dash || 'none' }));
      s.appendChild(svg('line', { x1: 25, y1: 9, x2: 33, y2: 9, stroke: colour, 'stroke-opacity': ps.opacity, 'stroke-width': 2.5, 'stroke-dasharray': ps.dash ? '2 2' : 'none' }));
    } else if (item.symbol === 'town') {
      s.appendChild(svg('circle', { cx: 8, cy: 9, r: 2.5, fill: colour }));
    } else {
      status = item.status ? ctx.data.styles.statuses[item.status] : null;
      rings = shapeRings(item.shape, 7);
      var attrs = { fill: colour, 'fill-opacity': status ? status.opacity : 0.9, stroke: status ? status.outline : '#222222', 'stroke-width': item.status === 'contested' ? 2.2 : 1.3, 'stroke-dasharray': status && status.dash ? status.dash : 'none' };
      if (!rings) { s.appendChild(svg('circle', Object.assign({ cx: 17, cy: 9, r: 7 }, attrs))); } else {
        s.appendChild(svg('path', Object.assign({ d: 'M' + rings[0].pts.map(function (q) { return (17 + q[0]).toFixed(1) + ',' + (9 + q[1]).toFixed(1); }).join('L') + 'z' }, attrs)));
      }
    }
    return s;
  }

  // Keep the legend between the top-left panels and the scale bar, and under about half the map's
  // height, scrolling inside; in the phone's bottom sheet, half the screen.
  function fitLegend(ctx) {
    var container = ctx.map.getContainer(), body = container.querySelector('.mm-legend-body'), search = container.querySelector('.mm-search');
    if (!body) { return; }
    if (isPhone()) { body.style.maxHeight = ''; return; }
    var top = search ? search.getBoundingClientRect().bottom - container.getBoundingClientRect().top : 0;
    body.style.maxHeight = Math.max(120, Math.min(container.clientHeight - top - 110, Math.round(container.clientHeight * LEGEND_SHARE))) + 'px';
  }

  function legendControl(ctx) {
    var Control = L.Control.extend({
      onAdd: function () {
        // Open where it fits beside Syria (the view is fitted to its right), folded elsewhere.
        var box = panel('mm-legend', 'Legend', !isPhone() && window.innerWidth >= 1100 && window.innerHeight >= 700);
        var body = el('div', 'mm-legend-body');
        focusableScroller(body, 'Legend');
        ctx.data.legend.forEach(function (section) {
          // A section for one mode only (the day's phases, or the compared dates) shows in that mode.
          var part = el('div', 'mm-legend-section' + (section.mode ? ' mm-legend-' + section.mode : ''));
          body.appendChild(part);
          part.appendChild(el('div', 'mm-legend-title', section.title));
          section.items.forEach(function (item) {
            var row = el('div', 'mm-legend-row');
            row.appendChild(legendSymbol(ctx, item));
            var label = el('span', null, item.label);
            label.dir = 'auto';
            if (item.note) { label.title = item.note; }
            if (item.phase) { row.setAttribute('data-phase', item.phase); }
            row.appendChild(label);
            part.appendChild(row);
          });
        });
        box.appendChild(body);
        return box;
      }
    });
    return new Control({ position: 'bottomleft' });
  }

  // Claims placed only in a whole country: a list with their quotes, never a mark on the map.
  function claimsControl(ctx, entry) {
    var Control = L.Control.extend({
      onAdd: function () {
        var box = panel('mm-countrywide', '', false);
        box.setAttribute('data-layer', entry.spec.id);
        box.appendChild(el('div', 'mm-about-line', entry.spec.description));
        var scroller = focusableScroller(el('div', 'mm-claims'), entry.spec.title), list = el('ol', 'mm-claims-list');
        scroller.appendChild(list);
        box.appendChild(scroller);
        entry.panelList = list;
        entry.panelSummary = box.firstChild;
        entry.panelBox = box;
        return box;
      }
    });
    return new Control({ position: 'topright' });
  }

  // Fill the panel with the claims the date and filters show (ended ones marked, not hidden).
  function renderClaimsPanel(ctx, entry) {
    if (!entry.panelList) { return; }
    var list = entry.panelList, n = entry.features.length, shown = entry.shown.length;
    list.textContent = '';
    // "Country-wide claims (18)"; on a phone's tab "Country-wide (18)" (the last word only on wide screens).
    var words = String(entry.spec.title).split(' '), last = words.length > 1 ? words.pop() : '';
    entry.panelSummary.textContent = words.join(' ');
    if (last) { entry.panelSummary.appendChild(el('span', 'mm-wide-only', ' ' + last)); }
    entry.panelSummary.appendChild(document.createTextNode(' (' + (shown === n ? n : shown + ' of ' + n) + ')'));
    entry.shown.forEach(function (f) {
      var item = el('li', 'mm-claim');
      item.setAttribute('data-feature', f.id);
      var where = el('div', 'mm-kicker', textOf(f.properties.country || f.properties.place_names) + (f.cls === 'ended' ? ' \u00b7 ended by this date: ' + textOf(f.properties.span_label) : (f.cls === 'new' ? ' \u00b7 new' : '')) + (f.cls === 'only_a' ? ' \u00b7 only at A' : (f.cls === 'only_b' ? ' \u00b7 only at B' : '')) + (f.phase === 'undated' ? ' \u00b7 undated' : ''));
      item.appendChild(where);
      item.appendChild(buildPopup(ctx, entry.spec, f.properties));
      list.appendChild(item);
    });
    if (!shown) { list.appendChild(el('li', 'mm-none', 'None on this date or with these filters.')); }
  }

  function titleControl(ctx) {
    var meta = ctx.data.meta;
    var Control = L.Control.extend({
      onAdd: function () {
        var box = panel('mm-about', meta.title, false);
        box.appendChild(el('div', 'mm-about-line', 'Version ' + textOf(meta.version) + ' \u00b7 data as of ' + textOf(meta.as_of) + ' \u00b7 built ' + textOf(meta.built)));
        box.appendChild(el('div', 'mm-about-line', meta.disclaimer));
        box.appendChild(el('div', 'mm-about-line', 'Licence: ' + textOf(meta.licence)));
        box.appendChild(el('div', 'mm-about-line', 'Click any symbol for what the source says, with the verbatim quote and citation.'));
        return box;
      }
    });
    return new Control({ position: 'topleft' });
  }

  /* ---------- Layout: one-line panels over the map, a bottom sheet on a phone ---------- */

  var PHONE_MAX_WIDTH = 640;
  var LEGEND_SHARE = 0.5;
  var DOCKED = ['.mm-layers', '.mm-filters', '.mm-compare', '.mm-countrywide', '.mm-legend', '.mm-time'];

  function isPhone() { return window.innerWidth <= PHONE_MAX_WIDTH; }

  // Open one panel of the dock and fold the others (a details' toggle, or the date bar's "More").
  function onePanelOpen(ctx, opened) {
    ctx.dock.querySelectorAll(':scope > details[open]').forEach(function (d) { if (d !== opened) { d.open = false; } });
    if (ctx.setTimeMoreOpen && !opened.classList.contains('mm-time')) { ctx.setTimeMoreOpen(false); }
  }

  // On a phone the panels leave the map's corners for one dock along its bottom edge: a row of
  // one-line tabs and the date bar, with at most one panel open above them as a sheet. Back in
  // their corners (same order) when the window widens again.
  function dockPanels(ctx) {
    var root = ctx.map.getContainer(), phone = isPhone();
    if (phone === Boolean(ctx.docked)) { return; }
    if (!ctx.dock) {
      ctx.dock = el('div', 'mm-dock');
      ctx.dock.setAttribute('role', 'region');
      ctx.dock.setAttribute('aria-label', 'Map panels');
      L.DomEvent.disableClickPropagation(ctx.dock);
      L.DomEvent.disableScrollPropagation(ctx.dock);
      ctx.dock.addEventListener('toggle', function (e) {
        var t = e.target;
        if (t.parentNode !== ctx.dock) { return; }
        if ((t.tagName === 'DETAILS' && t.open) || t.classList.contains('mm-open')) { onePanelOpen(ctx, t); }
      }, true);
      // A tap on a folded panel's title folds the others at once (the toggle event comes later).
      ctx.dock.addEventListener('click', function (e) {
        var summary = e.target.closest && e.target.closest('summary'), d = summary && summary.parentNode;
        if (d && d.parentNode === ctx.dock && !d.open) { onePanelOpen(ctx, d); }
      }, true);
      // The scale bar and credits sit just above the dock, whatever its height.
      if (window.ResizeObserver) {
        new window.ResizeObserver(function () { ctx.map.getContainer().style.setProperty('--mm-dock-height', ctx.dock.offsetHeight + 'px'); }).observe(ctx.dock);
      }
    }
    ctx.docked = phone;
    var nodes = DOCKED.map(function (q) { return root.querySelector(q); }).filter(Boolean);
    if (phone) {
      nodes.forEach(function (node) {
        if (!node.mmHome) { node.mmHome = node.parentNode; node.mmBottom = /bottom/.test(node.parentNode.className); }
        if (node.tagName === 'DETAILS') { node.open = false; }
        node.style.maxHeight = '';
        ctx.dock.appendChild(node);
      });
      root.appendChild(ctx.dock);
    } else {
      nodes.forEach(function (node) {
        if (!node.mmHome) { return; }
        if (node.mmBottom) { node.mmHome.insertBefore(node, node.mmHome.firstChild); } else { node.mmHome.appendChild(node); }
      });
      if (ctx.dock.parentNode) { ctx.dock.parentNode.removeChild(ctx.dock); }
    }
    root.classList.toggle('mm-phone', phone);
  }

  // Room the panels take at the view's edges, in px: [top-left, bottom-right] padding for fitBounds.
  function viewPadding(ctx) {
    var root = ctx.map.getContainer(), box = root.getBoundingClientRect();
    if (ctx.docked) {
      var top = 10;
      root.querySelectorAll('.leaflet-top .leaflet-control').forEach(function (c) { top = Math.max(top, c.getBoundingClientRect().bottom - box.top + 6); });
      return [[10, Math.min(top, box.height / 3)], [10, ctx.dock.offsetHeight + 10]];
    }
    var legend = root.querySelector('.mm-legend'), bar = root.querySelector('.mm-time'), top = 10;
    var left = legend && legend.open && legend.offsetWidth ? legend.offsetWidth + 20 : 20;
    root.querySelectorAll('.leaflet-top.leaflet-right > .leaflet-control').forEach(function (c) { top = Math.max(top, c.getBoundingClientRect().bottom - box.top + 6); });
    return [[left, Math.min(top, box.height / 4)], [10, (bar ? bar.offsetHeight : 0) + 10]];
  }

  /* ---------- Start ---------- */

  function makePanes(map) {
    [['mm-basemap', 250], ['mm-base-labels', 380], ['mm-data-labels', 590]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = String(p[1]);
    });
    map.getPane('mm-base-labels').style.pointerEvents = 'none';
    map.getPane('mm-data-labels').style.pointerEvents = 'none';
  }

  function dataBounds(entries) {
    var bounds = L.latLngBounds([]);
    entries.forEach(function (e) { e.features.forEach(function (f) { if (f.latlng) { bounds.extend(f.latlng); } }); });
    return bounds;
  }

  // obj[key] only when obj has it itself: ids from a link (`__proto__`, `constructor`) never reach the prototype.
  function own(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined; }

  function findFeature(ctx, layerId, featureId) {
    var entry = own(ctx.layers, layerId);
    if (!entry) { return null; }
    if (!entry.index) { entry.index = Object.create(null); entry.features.forEach(function (f) { entry.index[f.id] = f; }); }
    return own(entry.index, featureId) || null;
  }

  // Change the date, filters or ended/undated handling (without redrawing); a filter is null or a list of ids.
  function assignState(ctx, changes) {
    Object.keys(changes || {}).forEach(function (key) {
      var value = changes[key];
      if (key === 'actors' || key === 'types' || key === 'statuses') {
        ctx.state[key] = value ? value.reduce(function (acc, v) { acc[v] = true; return acc; }, Object.create(null)) : null;
      } else if (key === 'corroborated') {
        ctx.state[key] = value === true;
      } else if (key === 'date' || key === 'ended' || key === 'undated') {
        ctx.state[key] = value;
      } else if (key === 'window') {
        ctx.state.window = typeof value === 'number' && value >= 1 ? Math.floor(value) : 7;
      } else if (key === 'compare') {
        // Two ISO dates, earlier first; anything else ends the comparison.
        var ok = value && typeof value.a === 'string' && typeof value.b === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.a) && /^\d{4}-\d{2}-\d{2}$/.test(value.b);
        ctx.state.compare = ok ? (value.a <= value.b ? { a: value.a, b: value.b } : { a: value.b, b: value.a }) : null;
      }
    });
  }

  // A listed claim "opens" as its entry in the panel, scrolled into view and marked.
  function showInPanel(ctx, entry, found) {
    if (!ctx.layerOn[entry.spec.id]) { ctx.layerOn[entry.spec.id] = true; }
    if (found.phase === 'hidden') { ctx.app.setState({ date: null, actors: null, types: null, statuses: null }); }
    if (!entry.panelBox) { return false; }
    entry.panelBox.open = true;
    var item = entry.panelList.querySelector('[data-feature="' + CSS.escape(String(found.id)) + '"]');
    entry.panelList.querySelectorAll('.mm-current').forEach(function (n) { n.classList.remove('mm-current'); });
    if (item) { item.classList.add('mm-current'); item.scrollIntoView({ block: 'nearest' }); }
    return Boolean(item);
  }

  function makeApp(ctx) {
    var map = ctx.map, data = ctx.data;
    var app = {
      map: map,
      data: data,
      layers: ctx.layers,
      state: ctx.state,
      setVisible: function (id, on) {
        if (!own(ctx.layers, id)) { return; }
        ctx.layerOn[id] = Boolean(on);
        refresh(ctx);
      },
      isVisible: function (id) { return Boolean(ctx.layerOn[id]); },
      // Change the date, filters or ended/undated handling: {date, ended, undated, actors, types, statuses}.
      // A filter is null (everything) or a list of the ids to keep.
      setState: function (changes) {
        assignState(ctx, changes);
        refresh(ctx);
      },
      featureCount: function (id) { return ctx.layers[id] ? ctx.layers[id].features.length : -1; },
      shownIds: function (id) { return ctx.layers[id] ? ctx.layers[id].shown.map(function (f) { return f.id; }) : []; },
      // Every feature's class on the chosen date or between the compared dates ({id: class}), shown or not.
      classes: function (id) {
        var out = {};
        if (ctx.layers[id]) { ctx.layers[id].features.forEach(function (f) { out[f.id] = f.cls; }); }
        return out;
      },
      // The cluster symbols drawn now: [{id, lat, lng, count, parts: [{layerId, title, count, colour}]}].
      clusters: function () {
        return (ctx.clusterMarkers || []).map(function (m) {
          var c = m.clusterInfo;
          return { id: c.id, lat: c.latlng.lat, lng: c.latlng.lng, count: c.count, parts: c.parts.map(function (p) { return Object.assign({}, p); }) };
        });
      },
      // The plain strokes of the dense line layers drawn now: {lines, vertices, level}.
      // ... and the pictures of them kept for the current lines: [[zoom, width, height], ...].
      denseStats: function () {
        var version = ctx.denseVersion || 0, kept = (ctx.denseCaches || []).filter(function (c) { return c.version === version; });
        return Object.assign({}, ctx.denseStats || {}, { kept: kept.map(function (c) { return [c.key / 1e6, c.w, c.h]; }) });
      },
      // [kept, all] vertices of a layer's shown lines, simplified for a zoom level.
      lineVertices: function (layerId, level) {
        var entry = own(ctx.layers, layerId), kept = 0, all = 0;
        (entry ? entry.shown : []).forEach(function (f) {
          denseParts(ctx, f).parts.forEach(function (part) { kept += partAtZoom(part, level).length; all += part.xy.length / 2; });
        });
        return [kept, all];
      },
      // How the points' clusters were counted: 'levels' (from the index's arrays, countsFromLevels), 'reduce' or null (no index).
      clusterCounting: function () {
        var set = (ctx.clusterSets || [])[0];
        return set && set.index ? (set.index.mmCounts ? 'levels' : 'reduce') : null;
      },
      // The points' index as drawn against supercluster's own load() with reduce from the same points,
      // level by level: items, ids, parents, visit marks and counts that differ, the largest gap between
      // two centres (world units, 0..1) and whether the clusters of the view come in the same order.
      compareClusterLoad: function () {
        var set = (ctx.clusterSets || [])[0], mine = set && set.index;
        if (!mine || !mine.mmCounts) { return null; }
        var ref = plainLoad(ctx, mine.points, true), o = mine.options, out = { levels: 0, items: 0, differ: 0, counts: 0, maxGap: 0, viewOrder: true };
        for (var z = o.maxZoom + 1; z >= o.minZoom; z -= 1) {
          var a = mine.trees[z].data, b = ref.trees[z].data, sa = mine.stride, sb = ref.stride, n = a.length / sa;
          out.levels += 1;
          if (n !== b.length / sb) { out.differ += Math.abs(n - b.length / sb) + 1; continue; }
          for (var i = 0; i < n; i += 1) {
            var p = i * sa, q = i * sb;
            out.items += 1;
            out.maxGap = Math.max(out.maxGap, Math.abs(a[p] - b[q]), Math.abs(a[p + 1] - b[q + 1]));
            if (a[p + 2] !== b[q + 2] || a[p + 3] !== b[q + 3] || a[p + 4] !== b[q + 4] || a[p + 5] !== b[q + 5]) { out.differ += 1; }
            if (a[p + 5] > 1) {
              var mineCounts = countsOf(set, { cluster_id: a[p + 3] }), refCounts = ref.clusterProps[b[q + 6]] || {};
              if (JSON.stringify(mineCounts) !== JSON.stringify(Object.keys(refCounts).sort(function (x, y) { return +x.slice(1) - +y.slice(1); }).reduce(function (acc, k) { acc[k] = refCounts[k]; return acc; }, {}))) { out.counts += 1; }
            }
          }
        }
        var box = clusterBox(map.getBounds()), zoom = clusterZoomOf(map, map.getZoom());
        var ids = function (index) { return index.getClusters(box, zoom).map(function (c) { return isClusterItem(c) ? 'c' + c.properties.cluster_id : 'p' + recordOf(c).layerId + '/' + recordOf(c).id; }).join(','); };
        out.viewOrder = ids(mine) === ids(ref);
        out.viewItems = mine.getClusters(box, zoom).length;
        return out;
      },
      // The zoom from which clusters no longer split (the index's top level; the map itself may have no maximum).
      clusterMaxZoom: function () { return clusterZoomRange(map)[1]; },
      // The members of a drawn cluster, straight from the index: [[layerId, featureId], ...].
      clusterMembers: function (clusterId) {
        var set = (ctx.clusterSets || [])[0];
        if (!set || !set.index) { return []; }
        return set.index.getLeaves(clusterId, Infinity).map(function (leaf) { var f = recordOf(leaf); return [f.layerId, f.id]; });
      },
      haloIds: function () { return (ctx.haloIds || []).map(function (pair) { return pair.join('/'); }); },
      openPopup: function (layerId, featureId) {
        var entry = own(ctx.layers, layerId), found = findFeature(ctx, layerId, featureId);
        if (!entry || !found) { return false; }
        if (entry.panel) { return showInPanel(ctx, entry, found); }
        if (!ctx.layerOn[layerId]) { ctx.layerOn[layerId] = true; refresh(ctx); }
        if (!found.inGroup) {
          // Hidden by a cluster, a filter or the date: show it on its own while its popup is open.
          ctx.pinned = found;
          entry.group.addLayer(found.layer);
          found.inGroup = true;
          setPhaseStyle(found);
          found.layer.once('popupclose', function () { if (ctx.pinned === found) { ctx.pinned = null; refresh(ctx); } });
        }
        found.layer.openPopup(found.latlng && found.layer.getLayers ? found.latlng : undefined);
        return true;
      },
      fitView: function () {
        var view = data.view && data.view.bounds ? L.latLngBounds(data.view.bounds) : dataBounds(ctx.order.map(function (id) { return ctx.layers[id]; }));
        var pad = viewPadding(ctx);
        if (!view.isValid()) { return; }
        // Fit exactly (no zoom snap), so a phone's narrow screen is filled by Syria and Lebanon, not a quarter step wider.
        var snap = map.options.zoomSnap;
        map.options.zoomSnap = 0;
        map.fitBounds(view, { paddingTopLeft: pad[0], paddingBottomRight: pad[1], maxZoom: 8, animate: false });
        map.options.zoomSnap = snap;
      },
      refresh: function () { refresh(ctx); },
      // False while the lines' canvas shows a scaled copy of an earlier drawing and its exact strokes wait (DENSE_PREVIEW_VERTICES).
      settled: function () { return !ctx.denseExact; }
    };
    return app;
  }

  function start(map, dataElement) {
    // The data block's element, or the page data already decoded from the compact block (decode.js).
    var data = dataElement && dataElement.nodeType ? JSON.parse(dataElement.textContent) : dataElement;
    var ctx = {
      map: map, data: data, styles: data.styles, layers: {}, order: [], townMarkers: [], countryMarkers: [], lineOffsets: {},
      layerOn: {}, state: { date: null, ended: 'fade', undated: true, actors: null, types: null, statuses: null, corroborated: false, window: (data.controls && data.controls.timeline && data.controls.timeline.window) || 7, compare: null },
      renderer: L.canvas({ padding: 0.5, tolerance: 4 }), clusterKeys: { byPair: {}, byValue: {}, list: [] }
    };
    makePanes(map);
    map.getContainer().classList.add('mm-map');
    map.setMaxBounds(L.latLngBounds(data.basemap.bounds).pad(0.1));
    performance.mark('mm:start');
    timed('basemap', function () { buildBasemap(ctx); });
    timed('buildLayers', function () { data.layers.forEach(function (spec) {
      ctx.layers[spec.id] = buildLayer(ctx, spec);
      ctx.order.push(spec.id);
      ctx.layerOn[spec.id] = Boolean(spec.visible);
    }); });
    var app = makeApp(ctx);
    ctx.app = app;
    titleControl(ctx).addTo(map);
    layerControl(ctx).addTo(map);
    legendControl(ctx).addTo(map);
    ctx.order.forEach(function (id) { if (ctx.layers[id].panel) { claimsControl(ctx, ctx.layers[id]).addTo(map); } });
    timed('controls', function () { if (window.militiaMapControls) { window.militiaMapControls.attach(ctx, util); } });
    dockPanels(ctx);
    fitLegend(ctx);
    map.on('resize', function () { dockPanels(ctx); fitLegend(ctx); });
    map.getContainer().querySelector('.mm-about').addEventListener('toggle', function () { fitLegend(ctx); });
    map.on('popupopen', function (e) {
      var content = e.popup.getElement() && e.popup.getElement().querySelector('.leaflet-popup-content');
      if (content) { focusableScroller(content, 'Details of the mark'); }
    });
    if (!(ctx.restore && ctx.restore())) { app.fitView(); }
    timed('refresh', function () { refresh(ctx); });
    reclusterOnMove(ctx);
    app.ready = true;
    if (ctx.onReady) { ctx.onReady(); }
    return app;
  }

  // What controls.js uses.
  var util = { focusableScroller: focusableScroller, isPhone: isPhone, popupOptions: popupOptions, buildPopup: buildPopup, lineParts: lineParts, el: el, safeUrl: safeUrl, panel: panel, findFeature: findFeature, assignState: assignState,
    passesFilters: passesFilters, coversDay: coversDay, timeClass: timeClass, humanDate: humanDate, citationNode: citationNode, evidenceOf: evidenceOf, textOf: textOf, longText: longText };

  return { start: start, safeUrl: safeUrl, escapeHtml: escapeHtml, shapeRings: shapeRings, util: util };
}());
