/* militia-map: decode the compact page data (renderers/webmap/_compact.py, format v5) into the
 * layer specs and GeoJSON-like features the page draws from. Pure data handling: no eval, no HTML.
 * Values repeated across marks (lists of actors, evidence indices) are one shared array each:
 * the page reads feature properties and never writes into them. A feature's properties and an
 * evidence record are views over the columns (see views): each cell is made on its first read, so
 * the first frame pays only for the columns it reads; JSON.stringify of a view gives the record. */
var militiaMapDecode = (function () {
  'use strict';
  var SCALE = 100000;
  var TYPES = ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon'];
  // The buffers frame (renderers/webmap/_planes.py): unsigned LEB128 varints B, then per buffer
  // length * 16 + zig * 8 + width; then per buffer width byte planes of length bytes, the lowest first
  // (zig: zigzag-coded). Decoded as far as asked, whole buffers in order: more(end) decodes values up to
  // end (at least) into ints and returns ints; more(count) checks that the frame holds exactly count values.
  function planes(bytes, offset, length, count) {
    var ints = new Int32Array(count), at = offset, stop = offset + length, i = 0;
    function uvarint() {
      var v = 0, scale = 1, b;
      do {
        if (at >= stop) { throw new Error('militia-map: compact data buffers are cut off'); }
        b = bytes[at++]; v += (b & 0x7f) * scale; scale *= 128;
      } while (b & 0x80);
      return v;
    }
    var nBuffers = uvarint(), lengths = new Array(nBuffers), kinds = new Array(nBuffers), total = 0, b;
    for (b = 0; b < nBuffers; b += 1) {
      var d = uvarint();
      kinds[b] = d % 16; lengths[b] = (d - kinds[b]) / 16; total += lengths[b];
    }
    if (total !== count) { throw new Error('militia-map: compact data buffers do not hold ' + count + ' values'); }
    var next = 0;
    function more(end) {
      var n = Math.min(end, count);
      while (i < n) {
        var len = lengths[next], width = kinds[next] & 7, zig = kinds[next] & 8, k, p0 = at, p1 = at + len, p2 = at + 2 * len, p3 = at + 3 * len;
        next += 1;
        if (width > 4 || at + width * len > stop) { throw new Error('militia-map: compact data buffers are cut off'); }
        if (width === 0) {
          // a buffer of zeros (ints starts as zeros)
        } else if (width === 1) {
          for (k = 0; k < len; k += 1) { ints[i + k] = bytes[p0 + k]; }
        } else if (width === 2) {
          for (k = 0; k < len; k += 1) { ints[i + k] = bytes[p0 + k] | (bytes[p1 + k] << 8); }
        } else if (width === 3) {
          for (k = 0; k < len; k += 1) { ints[i + k] = bytes[p0 + k] | (bytes[p1 + k] << 8) | (bytes[p2 + k] << 16); }
        } else {
          for (k = 0; k < len; k += 1) { ints[i + k] = bytes[p0 + k] | (bytes[p1 + k] << 8) | (bytes[p2 + k] << 16) | (bytes[p3 + k] << 24); }
        }
        if (zig) { for (k = i; k < i + len; k += 1) { var u = ints[k]; ints[k] = (u >>> 1) ^ -(u & 1); } }
        at += width * len;
        i += len;
      }
      if (i === count && at !== stop) { throw new Error('militia-map: compact data buffers do not hold ' + count + ' values'); }
      return ints;
    }
    return { ints: ints, more: more };
  }

  // How far into the buffers the layers reach: past the end of every [offset, length] pair of
  // integers in their columns (the buffers; any other such pair only makes the reach longer).
  function reach(layers) {
    var end = 0;
    function walk(x) {
      if (!Array.isArray(x)) {
        if (x && typeof x === 'object') { Object.keys(x).forEach(function (k) { walk(x[k]); }); }
        return;
      }
      if ((x.length === 2 || x.length === 3) && typeof x[0] === 'number' && typeof x[1] === 'number') { end = Math.max(end, x[0] + x[1]); }
      x.forEach(walk);
    }
    layers.forEach(function (layer) { walk([layer.g, layer.o, layer.s, layer.c, layer.p]); });
    return end;
  }

  // The numbers of one column: its buffer as stored ([offset, length, 0]) or the running sum of its deltas.
  function sums(ints, ref) {
    var deltas = ints.subarray(ref[0], ref[0] + ref[1]);
    if (ref.length > 2 && ref[2] === 0) { return deltas; }
    var out = new Int32Array(deltas.length), v = 0;
    for (var k = 0; k < deltas.length; k += 1) { v += deltas[k]; out[k] = v; }
    return out;
  }

  // Return a function row -> value of one column [key, kind, [offset, length], extra]; ABSENT for an absent key.
  // readerOf(j): the table's reader of column j; cell(j, k): the value of column j in row k (template pieces).
  var ABSENT = {};
  function reader(column, ints, strings, readerOf, first, cell, link, keyer) {
    var kind = column[1], extra = column[3];
    if (kind === 'f') {  // derived: per row a source (a value of the row's feature, converted) or, past them, the column's own value
      var from = extra.from, choice = sums(ints, column[2]);
      var own = extra['else'] ? reader([column[0]].concat(extra['else']), ints, strings, readerOf, first, cell, link) : null;
      return function (k) { var c = choice[k]; return c < from.length ? derive(from[c], link(k), link.layerId(k)) : own(k); };
    }
    if (kind === 'c' || kind === 'k') {  // 0: joined from the row's other columns (lists) or their names' keys; 1: the column's own value
      var made = sums(ints, column[2]), mine = extra['else'] ? reader([column[0]].concat(extra['else']), ints, strings, readerOf, first, cell, link) : null;
      var of = extra.of, key = kind === 'k' ? keyer() : null;
      return function (k) {
        if (made[k] !== 0) { return mine(k); }
        var items = [], seen = new Set();
        (kind === 'c' ? of : [of]).forEach(function (j) {
          var v = cell(j, k);
          (typeof v === 'string' ? [v] : Array.isArray(v) ? v : []).forEach(function (item) {
            var text = kind === 'k' ? key(item) : item;
            if ((kind === 'c' || text) && !seen.has(text)) { seen.add(text); items.push(text); }
          });
        });
        return kind === 'k' ? items.sort() : items;
      };
    }
    if (kind === 'g') {  // the feature's first position on axis extra (0: x, 1: y), the same number as its geometry's
      var axis = first[extra];
      return function (k) { return axis[k]; };
    }
    if (kind === 'r') { return ragged(ints.subarray(column[2][0], column[2][0] + column[2][1])); }
    if (kind === 'm') { return textLists(ints.subarray(column[2][0], column[2][0] + column[2][1]), extra, strings, cell); }
    var nums = sums(ints, column[2]);
    if (kind === 'D') { return dayReader(nums, extra === null ? null : readerOf(extra).days); }
    if (kind === 'p') {  // a prefix then a number, written with at least width digits: [prefix code, width] per form
      var forms = extra.forms, numbers = sums(ints, extra.numbers);
      return function (k) {
        var c = nums[k];
        if (c < 2) { return c === 1 ? null : ABSENT; }
        c -= 2;
        if (c >= forms.length) { return strings[c - forms.length]; }
        return strings[forms[c][0]] + String(numbers[k]).padStart(forms[c][1], '0');
      };
    }
    if (kind === 's') {  // a string code + 2, plus the column's offset extra (if any) into the string table, or a code + 2 into the lookup buffer extra
      if (Array.isArray(extra)) {
        var lookup = ints.subarray(extra[0], extra[0] + extra[1]);
        return function (k) { var c = nums[k]; return c >= 2 ? strings[lookup[c - 2]] : c === 1 ? null : ABSENT; };
      }
      var shift = extra === null ? -2 : extra - 2;
      return function (k) { var c = nums[k]; return c >= 2 ? strings[c + shift] : c === 1 ? null : ABSENT; };
    }
    if (kind === 'i') { return function (k) { return nums[k]; }; }
    if (kind === 'd') {
      var div = Math.pow(10, extra);
      return function (k) { return nums[k] / div; };
    }
    if (kind === 't') {  // templates: a piece >= 0 is literal text (a string code), -1 - j the text of column j of the row
      var count = extra.length;
      return function (k) {
        var c = nums[k];
        if (c < 2) { return c === 1 ? null : ABSENT; }
        c -= 2;
        if (c >= count) { return strings[c - count]; }
        return joined(extra[c], strings, cell, k);
      };
    }
    var values = kind === 'l' ? extra.map(function (list) { return list.map(function (c) { return strings[c]; }); }) : extra;
    return function (k) { var c = nums[k]; return c >= 2 ? values[c - 2] : c === 1 ? null : ABSENT; };
  }

  // A source of a derived column: ['p', key, conv] the feature's property key, ['g', i, conv] its first (i 0: x, 1: y)
  // or last (2: x, 3: y) position; conv: 'v' the value, 't' text ('' for none), 'f'/'i' a float/integer as the
  // download's cell [Python's text of it], '0' the first text of a list, '1' the others joined by '; ', 'j' all joined.
  function derive(src, feature, layerId) {
    var v = null, conv = src[2];
    if (feature && src[0] === 'r') {  // the feature's reference [[layer id, feature id]]
      v = typeof feature.properties.id === 'string' ? [[layerId, feature.properties.id]] : null;
    } else if (feature && src[0] === 'p') {
      v = feature.properties[src[1]];
      if (v === undefined) { v = null; }
    } else if (feature && feature.geometry && (feature.geometry.type === 'Point' || feature.geometry.type === 'LineString')) {
      var c = feature.geometry.coordinates, p = feature.geometry.type === 'Point' ? c : c[src[1] < 2 ? 0 : c.length - 1];
      v = p[src[1] % 2];
    }
    if (conv === 'v') { return v; }
    if (conv === 'f' || conv === 'i') { return v === null ? '' : [String(v) + (conv === 'f' && Number.isInteger(v) ? '.0' : '')]; }
    if (conv === 't') { return typeof v === 'string' ? v : ''; }
    if (!Array.isArray(v)) { return ''; }
    return conv === '0' ? v[0] : (conv === '1' ? v.slice(1) : v).join('; ');
  }

  // A linked table's feature of row k (null where none): its layer index and place in the layer.
  // link.layerId(k): the id of that feature's layer.
  function linker(table, ints, layers) {
    var none = function () { return null; };
    if (!table.link) { none.layerId = none; return none; }
    var layer = sums(ints, table.link.layer), row = sums(ints, table.link.row);
    var link = function (k) { var i = layer[k]; return i >= 0 ? layers[i].geojson.features[row[k]] : null; };
    link.layerId = function (k) { var i = layer[k]; return i >= 0 ? layers[i].id : null; };
    return link;
  }

  // The page's place-name key (controls.js normalizeName) under the page's rules, for "k" columns.
  function nameKeyer(rules) {
    return function () {
      var controls = typeof militiaMapControls !== 'undefined' ? militiaMapControls : (typeof require === 'function' ? require('./controls.js') : null);
      if (!controls || !controls.nameKeyer) { throw new Error('militia-map: the place search keys need controls.js'); }
      return controls.nameKeyer(rules);
    };
  }

  // Lists of integers: per row its length, then its items, each the previous item of the column plus the stored step.
  function ragged(buffer) {
    var lists = [], at = 0, item = 0;
    while (at < buffer.length) {
      var count = buffer[at], list = new Array(count);
      at += 1;
      for (var i = 0; i < count; i += 1) { item += buffer[at + i]; list[i] = item; }
      at += count;
      lists.push(list);
    }
    return function (k) { return lists[k]; };
  }

  // ISO dates from days since 1970-01-01 (plus the base column's days when there is one); one text per distinct day.
  function dayReader(nums, base) {
    var days = base === null ? nums : new Int32Array(nums.length), texts = new Map();
    if (base !== null) { for (var k = 0; k < nums.length; k += 1) { days[k] = nums[k] + base[k]; } }
    var read = function (k) {
      var d = days[k], text = texts.get(d);
      if (text === undefined) { text = new Date(d * 86400000).toISOString().slice(0, 10); texts.set(d, text); }
      return text;
    };
    read.days = days;
    return read;
  }

  // The text of template pieces for row k: a piece >= 0 is literal text (a string code), -1 - j the text of column j of the row.
  function joined(pieces, strings, cell, k) {
    var text = '';
    for (var i = 0; i < pieces.length; i += 1) {
      var p = pieces[i];
      text += p >= 0 ? strings[p] : cell(-1 - p, k);
    }
    return text;
  }

  // Lists of texts: per row its length (-1 null, -2 absent), then each item: a template (< count) or a string code + count.
  function textLists(buffer, templates, strings, cell) {
    var starts = [], at = 0, count = templates.length;
    while (at < buffer.length) { starts.push(at); at += 1 + Math.max(buffer[at], 0); }
    return function (k) {
      var start = starts[k], length = buffer[start];
      if (length < 0) { return length === -1 ? null : ABSENT; }
      var list = new Array(length);
      for (var i = 0; i < length; i += 1) {
        var c = buffer[start + 1 + i];
        list[i] = c < count ? joined(templates[c], strings, cell, k) : strings[c - count];
      }
      return list;
    };
  }

  // The columns of a table of n rows (a layer's properties or a records table), read by row on demand.
  // A column's reader is made on its first read; values that a read would make anew (texts joined
  // from templates or prefixes, lists, derived cells) are kept per row once made, so every read of a
  // cell gives the same value. An equal column ('=') reads its column (one value per row, not per key).
  var KEPT = { t: true, p: true, m: true, c: true, k: true, f: true };
  // keep: whether to keep the values made anew per read (views read a cell many times, records once).
  function table(n, columns, ints, strings, first, link, keyer, keep) {
    var readers = new Array(columns.length), keys = columns.map(function (c) { return c[0]; });
    function cell(j, k) { return readerOf(j)(k); }
    function readerOf(j) {
      var read = readers[j];
      if (read === undefined) {
        var column = columns[j];
        if (column[1] === '=') {
          read = readerOf(column[2]);
        } else {
          read = reader(column, ints, strings, readerOf, first, cell, link, keyer);
          if (keep && KEPT[column[1]]) { read = kept(n, read); }
        }
        readers[j] = read;
      }
      return read;
    }
    // Row k as a plain object, keys in column order (absent keys left out).
    function record(k) {
      var out = {};
      for (var j = 0; j < keys.length; j += 1) {
        var v = readerOf(j)(k);
        if (v !== ABSENT) { out[keys[j]] = v; }
      }
      return out;
    }
    return { n: n, keys: keys, reader: readerOf, record: record };
  }

  // A reader that keeps each row's value once read (undefined, never a value, is read again).
  function kept(n, read) {
    var values = new Array(n);
    return function (k) {
      var v = values[k];
      if (v === undefined) { v = values[k] = read(k); }
      return v;
    };
  }

  // The rows of a table as views: one small object per row (its row number, under a symbol), whose
  // keys are getters on one prototype shared by the table's rows, each reading its column on demand.
  // A view reads like the plain record (absent keys read undefined), its JSON is the record (toJSON),
  // it has no own keys and cannot be written to. A table with a key "toJSON" gets plain records.
  var ROW = Symbol('militia-map row');
  function views(t) {
    var out = new Array(t.n), k;
    if (t.keys.indexOf('toJSON') >= 0) {
      for (k = 0; k < t.n; k += 1) { out[k] = t.record(k); }
      return out;
    }
    function Row(row) { this[ROW] = row; }
    t.keys.forEach(function (key, j) {
      var read = null;
      Object.defineProperty(Row.prototype, key, {
        enumerable: true,
        get: function () {
          if (read === null) { read = t.reader(j); }
          var v = read(this[ROW]);
          return v === ABSENT ? undefined : v;
        }
      });
    });
    Object.defineProperty(Row.prototype, 'toJSON', { value: function () { return t.record(this[ROW]); } });
    for (k = 0; k < t.n; k += 1) { out[k] = new Row(k); }
    return out;
  }

  // The rows of a table as plain objects (keys in column order, absent keys left out).
  function rows(n, columns, ints, strings, first, link, keyer) {
    var t = table(n, columns, ints, strings, first, link, keyer, false), out = new Array(n);
    for (var k = 0; k < n; k += 1) { out[k] = t.record(k); }
    return out;
  }

  // A point layer's Morton code steps (renderers/webmap/_zpoints.py: low 24 bits, the bits above) as the x, y delta stream
  // of any other layer: the codes are summed in a double (exact below 2**53), x is in their even bits, y in the odd ones.
  function even(v) {  // the even bits of a 32-bit number, packed into 16
    v &= 0x55555555;
    v = (v | (v >>> 1)) & 0x33333333;
    v = (v | (v >>> 2)) & 0x0f0f0f0f;
    v = (v | (v >>> 4)) & 0x00ff00ff;
    return (v | (v >>> 8)) & 0x0000ffff;
  }
  function zStream(z, ints) {
    var low = ints.subarray(z[0][0], z[0][0] + z[0][1]), high = ints.subarray(z[1][0], z[1][0] + z[1][1]);
    if (low.length !== high.length) { throw new Error('militia-map: compact data point codes do not match'); }
    var out = new Int32Array(2 * low.length), code = 0, px = 0, py = 0;
    for (var k = 0; k < low.length; k += 1) {
      code += high[k] * 16777216 + low[k];
      var lo = code % 4294967296, hi = (code - lo) / 4294967296;
      var x = (even(lo) + even(hi) * 65536) - 180 * SCALE, y = (even(lo >>> 1) + even(hi >>> 1) * 65536) - 90 * SCALE;
      out[2 * k] = x - px; out[2 * k + 1] = y - py;
      px = x; py = y;
    }
    return out;
  }

  function decodeLayer(layer, ints, strings) {
    var spec = {};
    Object.keys(layer.spec).forEach(function (k) { spec[k] = layer.spec[k]; });
    var n = layer.n, g = ints.subarray(layer.g[0], layer.g[0] + layer.g[1]), o = ints.subarray(layer.o[0], layer.o[0] + layer.o[1]);
    var s = ints.subarray(layer.s[0], layer.s[0] + layer.s[1]), c = Array.isArray(layer.c) ? ints.subarray(layer.c[0], layer.c[0] + layer.c[1]) : zStream(layer.c.z, ints);
    var ci = 0, si = 0, x = 0, y = 0;
    function point() {
      x += c[ci]; y += c[ci + 1]; ci += 2;
      return [x / SCALE, y / SCALE];
    }
    function points(k) { var out = new Array(k); for (var i = 0; i < k; i += 1) { out[i] = point(); } return out; }
    // Geometries in stored (Morton) order; lead: each feature's first position, by its place in the layer.
    var geometries = new Array(n), lead = [new Float64Array(n), new Float64Array(n)], features = new Array(n);
    for (var f = 0; f < n; f += 1) {
      var type = g[f], geometry = null, i, j, at0 = ci, c0x = (x + c[ci]) / SCALE, c0y = (y + c[ci + 1]) / SCALE;
      if (type === 0) {
        geometry = { type: 'Point', coordinates: point() };
      } else if (type === 1 || type === 3) {
        geometry = { type: TYPES[type], coordinates: points(s[si++]) };
      } else if (type === 2 || type === 4) {
        var parts = s[si++], first = si, rings = [];
        si += parts;
        for (i = 0; i < parts; i += 1) { rings.push(points(s[first + i])); }
        geometry = { type: TYPES[type], coordinates: rings };
      } else if (type === 5) {
        var polys = s[si++], ringAt = si, total = 0;
        si += polys;
        for (i = 0; i < polys; i += 1) { total += s[ringAt + i]; }
        var pointAt = si, r = 0, out = [];
        si += total;
        for (i = 0; i < polys; i += 1) {
          var poly = [];
          for (j = 0; j < s[ringAt + i]; j += 1) { poly.push(points(s[pointAt + r++])); }
          out.push(poly);
        }
        geometry = { type: 'MultiPolygon', coordinates: out };
      }
      geometries[f] = geometry;
      if (at0 < ci) { lead[0][o[f]] = c0x; lead[1][o[f]] = c0y; }
    }
    var props = views(table(n, layer.p, ints, strings, lead, null, null, true));  // properties are stored in the layer's order
    for (f = 0; f < n; f += 1) { features[o[f]] = { type: 'Feature', geometry: geometries[f], properties: props[o[f]] }; }
    spec.geojson = { type: 'FeatureCollection', features: features };
    return spec;
  }

  // The frames of the document: [uint32 length][bytes] three times (header, strings, buffers).
  function frames(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), at = 0, out = [];
    for (var i = 0; i < 3; i += 1) {
      var length = view.getUint32(at, true);
      out.push([at + 4, length]);
      at += 4 + length;
    }
    if (at !== bytes.byteLength) { throw new Error('militia-map: compact data has ' + (bytes.byteLength - at) + ' stray bytes'); }
    return out;
  }

  /** Return the page data of the decompressed compact document (a Uint8Array). */
  function decodeBytes(bytes) {
    var parts = frames(bytes), text = new TextDecoder('utf-8', { fatal: true });
    var header = JSON.parse(text.decode(bytes.subarray(parts[0][0], parts[0][0] + parts[0][1])));
    if (!header || header.v !== 5) { throw new Error('militia-map: unknown compact data version'); }
    var strings = JSON.parse(text.decode(bytes.subarray(parts[1][0], parts[1][0] + parts[1][1])));
    // The layers' buffers are decoded before the first frame, the rest (evidence, download rows,
    // place search: stored after them) when first read.
    var buffers = planes(bytes, parts[2][0], parts[2][1], header.ints), ints = buffers.more(reach(header.layers));
    whenIdle(buffers, header.ints);
    var data = {};
    Object.keys(header.rest).forEach(function (k) { data[k] = header.rest[k]; });
    data.layers = header.layers.map(function (layer) { return decodeLayer(layer, ints, strings); });
    // The evidence records are views (read at popups, Compare); the download's rows and the place
    // search's records are decoded when first read (Compare, Download, search, About), not before the
    // first frame: the page never writes into the features they are derived from.
    lazy(data, 'evidence', function () { var all = buffers.more(header.ints); return views(table(header.evidence.n, header.evidence.p, all, strings, null, linker(header.evidence, all, data.layers), null, true)); });
    if (header.export_rows) {  // the download's rows, stored by column: lists of cells in the columns' order
      lazy(data, 'export', function () {
        var all = buffers.more(header.ints), t = table(header.export_rows.n, header.export_rows.p, all, strings, null, linker(header.export_rows, all, data.layers), null, false);
        var read = header.rest.export.columns.map(function (c) { var j = t.keys.indexOf(c); return j < 0 ? null : t.reader(j); });
        var out = new Array(t.n);
        for (var k = 0; k < t.n; k += 1) {
          var row = new Array(read.length);
          for (var i = 0; i < read.length; i += 1) { var v = read[i] === null ? ABSENT : read[i](k); row[i] = v === ABSENT ? undefined : v; }
          out[k] = row;
        }
        return Object.assign({}, header.rest.export, { rows: out });
      });
    }
    if (header.places) {  // the place search's records, stored by column like the evidence
      data.controls = Object.assign({}, header.rest.controls);
      lazy(data.controls, 'places', function () {
        var all = buffers.more(header.ints);
        return rows(header.places.n, header.places.p, all, strings, null, linker(header.places, all, data.layers), nameKeyer(header.rest.controls.name_rules));
      });
    }
    return data;
  }

  // Decode the rest of the buffers while the page is idle (after the first frame), one slice of a few
  // milliseconds per idle callback, so a first popup, search or download finds them ready; a read
  // before then decodes what it needs itself.
  var SLICE = 1 << 18;
  function whenIdle(buffers, count) {
    if (typeof requestIdleCallback !== 'function') { return; }
    var done = 0;
    function step(deadline) {
      if (deadline.timeRemaining() > 4) { done = Math.min(count, done + SLICE); buffers.more(done); }
      if (done < count) { requestIdleCallback(step); }
    }
    requestIdleCallback(step);
  }

  // A property whose value is made on first read, then kept as a plain property (so is a value written to it).
  function lazy(object, key, make) {
    function keep(value) { Object.defineProperty(object, key, { value: value, writable: true, enumerable: true, configurable: true }); return value; }
    Object.defineProperty(object, key, { get: function () { return keep(make()); }, set: keep, enumerable: true, configurable: true });
  }

  // The bytes of base64 text: the browser's own decoder where it has one (Uint8Array.fromBase64), else atob.
  function base64Bytes(base64) {
    var text = base64.trim();
    if (typeof Uint8Array.fromBase64 === 'function') { return Uint8Array.fromBase64(text); }
    var binary = atob(text), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  /** Return a promise of the page data from the base64 gzip text of the data block. */
  function unpack(base64) {
    // The bytes go into the decompressor in one write (no Blob stream of small chunks); a failure
    // (not gzip, truncated) rejects the read of its output, so the write's own promises are let go.
    var gunzip = new DecompressionStream('gzip'), writer = gunzip.writable.getWriter(), ignore = function () {};
    writer.write(base64Bytes(base64)).catch(ignore);
    writer.close().catch(ignore);
    return new Response(gunzip.readable).arrayBuffer().then(function (buffer) { return decodeBytes(new Uint8Array(buffer)); });
  }

  // planes: the buffers frame's reader, for the tests.
  return { decodeBytes: decodeBytes, unpack: unpack, planes: planes };
}());
if (typeof module !== 'undefined') { module.exports = militiaMapDecode; }
