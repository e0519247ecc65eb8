/* militia-map: decode the compact page data (renderers/webmap/_compact.py) into the layer specs
 * and GeoJSON-like features the page draws from. Pure data handling: no eval, no HTML. */
var militiaMapDecode = (function () {
  'use strict';
  var SCALE = 100000;
  var TYPES = ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon'];

  // Fill props[k] for every row k of the property columns (see _compact.py's format): -2 / [0]
  // is an absent key (removed, in case the claim has it), -3 / [2] keeps the claim's value.
  function applyColumns(columns, rows, strings) {
    columns.forEach(function (column) {
      var key = column[0], kind = column[1], values = column[2];
      for (var k = 0; k < rows.length; k += 1) {
        var v = values[k], props = rows[k];
        if (kind === 's' || kind === 'l') {
          if (v === -2) { delete props[key]; } else if (v !== -3) {
            props[key] = v === -1 ? null : kind === 's' ? strings[v] : v.map(function (code) { return strings[code]; });
          }
        } else if (kind === 'm') {
          if (v[0] === 0) { delete props[key]; } else if (v[0] === 1) { props[key] = v[1]; }
        } else {
          props[key] = v;
        }
      }
    });
  }

  // Each mark gets its own copy of its claim's shared values (the page may set per-mark fields).
  function copyValue(v) { return v !== null && typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v; }

  function decodeLayer(layer, strings, claims) {
    var spec = {};
    Object.keys(layer.spec).forEach(function (k) { spec[k] = layer.spec[k]; });
    var n = layer.n, c = layer.c, s = layer.s, ci = 0, si = 0, x = 0, y = 0;
    function point() {
      x += c[ci]; y += c[ci + 1]; ci += 2;
      return [Math.round(x) / SCALE, Math.round(y) / SCALE];
    }
    function points(k) { var out = []; for (var i = 0; i < k; i += 1) { out.push(point()); } return out; }
    var features = [];
    for (var f = 0; f < n; f += 1) {
      var type = layer.g[f], geometry = null, i, j;
      if (type === 0) {
        geometry = { type: 'Point', coordinates: point() };
      } else if (type === 1 || type === 3) {
        geometry = { type: TYPES[type], coordinates: points(s[si++]) };
      } else if (type === 2 || type === 4) {
        var parts = s[si++], counts = s.slice(si, si + parts), rings = [];
        si += parts;
        for (i = 0; i < parts; i += 1) { rings.push(points(counts[i])); }
        geometry = { type: TYPES[type], coordinates: rings };
      } else if (type === 5) {
        var polys = s[si++], ringCounts = s.slice(si, si + polys), total = 0;
        si += polys;
        for (i = 0; i < polys; i += 1) { total += ringCounts[i]; }
        var pointCounts = s.slice(si, si + total), r = 0, out = [];
        si += total;
        for (i = 0; i < polys; i += 1) {
          var poly = [];
          for (j = 0; j < ringCounts[i]; j += 1) { poly.push(points(pointCounts[r++])); }
          out.push(poly);
        }
        geometry = { type: 'MultiPolygon', coordinates: out };
      }
      features.push({ type: 'Feature', geometry: geometry, properties: {} });
    }
    layer.k.forEach(function (c, k) {
      if (c < 0) { return; }
      var shared = claims[c], props = features[k].properties;
      Object.keys(shared).forEach(function (key) { if (key !== 'claim_id') { props[key] = copyValue(shared[key]); } });
    });
    applyColumns(layer.p, features.map(function (f) { return f.properties; }), strings);
    spec.geojson = { type: 'FeatureCollection', features: features };
    return spec;
  }

  /** Return the page data of a compact document (the parsed JSON of _compact.encode). */
  function decodeDocument(doc) {
    if (!doc || doc.v !== 2) { throw new Error('militia-map: unknown compact data version'); }
    var data = {};
    Object.keys(doc.rest).forEach(function (k) { data[k] = doc.rest[k]; });
    var claims = doc.claims.ids.map(function (code) { return { claim_id: doc.strings[code] }; });
    applyColumns(doc.claims.p, claims, doc.strings);
    data.layers = doc.layers.map(function (layer) { return decodeLayer(layer, doc.strings, claims); });
    return data;
  }

  /** Return a promise of the page data from the base64 gzip text of _compact.pack. */
  function unpack(base64) {
    var bytes = Uint8Array.from(atob(base64), function (ch) { return ch.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(function (text) { return decodeDocument(JSON.parse(text)); });
  }

  return { decodeDocument: decodeDocument, unpack: unpack };
}());
if (typeof module !== 'undefined') { module.exports = militiaMapDecode; }
