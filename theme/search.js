// dossier search: loads only the index shards a query needs (assets/search/*.js, each
// calling dossierSearchShard(name, data); see src/render/search.rs for the format) by
// adding <script> elements, so it works from file://, at a domain root and under a subpath.
//
// Words are folded as the index folds them: runs of letters and digits, a `.` or an
// apostrophe between two runs joining them ("U.S." is "us", "Kata'ib" is "kataib"), a
// final 's dropped, NFKD, marks dropped, lowercased; stop words and one-letter words
// dropped. Every word of the query must match its whole term; the last word, when the
// query ends in it and it has three letters or more, also matches the terms it begins,
// with half the weight (so results come while typing). A word of five
// letters or more that matches nothing is matched at edit distance 1 instead. A word
// scores idf × (1 + ln weight), and a document named exactly as the query scores four
// times that. Results come 10 at a time (the first ten show after two rounds of script
// loads: term shards, then the document shards of those ten); each source shows the
// sentence that matched.
(function () {
  "use strict";
  var STOP = new Set(["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has",
    "have", "he", "in", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to",
    "was", "were", "which", "with"]);
  var JOINERS = ".'\u2019\u02bc\u2018";
  var WORD = /^[\p{Alphabetic}\p{N}]$/u;
  var PAGE = 10;
  // Shards loaded beyond a word's own for the terms it begins.
  var PREFIX_SHARDS = 2;
  // Corrections tried for a misspelt word.
  var CORRECTIONS = 4;

  function isWord(c) { return WORD.test(c) && JOINERS.indexOf(c) < 0; }

  // The compounds of a text: {start, end, parts: [[start, end], …]} in UTF-16 offsets.
  function compounds(text) {
    var chars = Array.from(text);
    var out = [], parts = [], start = -1, at = 0;
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (isWord(c)) {
        if (start < 0) start = at;
      } else {
        var joined = false;
        if (start >= 0) {
          parts.push([start, at]);
          start = -1;
          joined = JOINERS.indexOf(c) >= 0 && i + 1 < chars.length && isWord(chars[i + 1]);
        }
        if (!joined && parts.length) {
          out.push({ start: parts[0][0], end: parts[parts.length - 1][1], parts: parts });
          parts = [];
        }
      }
      at += c.length;
    }
    if (start >= 0) parts.push([start, at]);
    if (parts.length) out.push({ start: parts[0][0], end: parts[parts.length - 1][1], parts: parts });
    return out;
  }

  function fold(part) {
    return part.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/[^\p{Alphabetic}\p{N}]|[\u02bc]/gu, "");
  }

  function kept(term) { return Array.from(term).length > 1 && !STOP.has(term); }

  // A compound's folded parts (a possessive 's dropped) and its joined form, if two parts or more.
  function foldedParts(text, c) {
    var parts = c.parts.map(function (p) { return fold(text.slice(p[0], p[1])); });
    var n = c.parts.length;
    if (n >= 2 && parts[n - 1] === "s" && text.slice(c.parts[n - 2][1], c.parts[n - 1][0]) !== ".") {
      parts.pop();
    }
    return { parts: parts, joined: parts.length >= 2 ? parts.join("") : null };
  }

  // The terms a text is indexed under (as the Rust side does).
  function terms(text) {
    var out = [];
    compounds(text).forEach(function (c) {
      var f = foldedParts(text, c);
      f.parts.forEach(function (p) { if (kept(p)) out.push(p); });
      if (f.joined && kept(f.joined)) out.push(f.joined);
    });
    return out;
  }

  // The words of a query: one per compound, joined.
  function queryTerms(text) {
    var out = [];
    compounds(text).forEach(function (c) {
      var f = foldedParts(text, c);
      var t = f.joined || f.parts[f.parts.length - 1];
      if (t && kept(t)) out.push(t);
    });
    return out;
  }

  // The term shard of a term: the longest key that begins it.
  function shardOf(m, term) {
    var chars = Array.from(term);
    for (var n = chars.length; n >= 0; n--) {
      var i = m.keyIndex.get(chars.slice(0, n).join(""));
      if (i !== undefined) return i;
    }
    return 0;
  }

  // Whether a and b (arrays of characters) are at most one edit apart.
  function withinOne(a, b) {
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      if (i === a.length) return true;
      var rest = function (x, y, from) {
        for (var k = from; k < x.length; k++) if (x[k] !== y[k]) return false;
        return true;
      };
      // A substitution, or two neighbours swapped.
      return rest(a, b, i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, b, i + 2));
    }
    var long = a.length > b.length ? a : b, short = long === a ? b : a;
    for (var k = i; k < short.length; k++) if (short[k] !== long[k + 1]) return false;
    return true;
  }

  // A search over shards that `load(name)` returns as promises.
  function createSearch(load) {
    var manifest = null;
    var termShards = {};

    function getManifest() {
      if (!manifest) {
        manifest = load("m").then(function (m) {
          m.keyIndex = new Map(m.terms.map(function (k, i) { return [k, i]; }));
          m.typoIndex = new Map(m.typo.map(function (k, i) { return [k, i]; }));
          return m;
        });
      }
      return manifest;
    }

    function termShard(i) {
      if (!termShards[i]) {
        termShards[i] = load("t" + i).then(function (s) {
          s.map = new Map(s.terms.map(function (t) { return [t[0], t]; }));
          return s;
        });
      }
      return termShards[i];
    }

    // The shards that hold `word` and, for a prefix, the terms it begins (a few at most).
    function shardsFor(m, word, prefix) {
      var own = shardOf(m, word);
      if (!prefix) return [own];
      var extra = [];
      m.terms.forEach(function (k, i) {
        if (i !== own && k.lastIndexOf(word, 0) === 0) extra.push(i);
      });
      return [own].concat(extra.length <= PREFIX_SHARDS ? extra : []);
    }

    // Adds one term's postings to `hits` (doc → {score, unit}).
    function add(hits, record, factor, n) {
      var idf = Math.log(1 + n / record[1]);
      var p = record[2], doc = 0;
      for (var j = 0; j < p.length; j += 3) {
        doc += p[j];
        var score = (1 + Math.log(p[j + 1])) * idf * factor;
        var hit = hits.get(doc);
        if (!hit) hits.set(doc, { score: score, unit: p[j + 2], exact: factor === 1 });
        else {
          hit.score += score;
          if (!hit.unit || (factor === 1 && !hit.exact && p[j + 2])) hit.unit = p[j + 2];
          hit.exact = hit.exact || factor === 1;
        }
      }
    }

    // doc → hit for one word, from the loaded shards; `matched` gets the terms found.
    function wordHits(m, shards, word, matched, prefix) {
      var hits = new Map();
      if (!prefix) {
        var record = shards[0].map.get(word);
        if (record) {
          matched.add(word);
          add(hits, record, 1, m.docs);
        }
        return hits;
      }
      shards.forEach(function (s) {
        s.terms.forEach(function (t) {
          if (t[0].lastIndexOf(word, 0) !== 0) return;
          matched.add(t[0]);
          add(hits, t, t[0] === word ? 1 : 0.5, m.docs);
        });
      });
      return hits;
    }

    // Terms one edit from `word` (five letters or more), most frequent first.
    function corrections(m, word) {
      var chars = Array.from(word);
      if (chars.length < 5) return Promise.resolve([]);
      var lists = [chars.length, chars.length + 1, chars.length - 1]
        .map(function (len) { return m.typoIndex.get(chars[0] + len); })
        .filter(function (i) { return i !== undefined; })
        .map(function (i) { return load("f" + i); });
      return Promise.all(lists).then(function (lists) {
        var found = [];
        lists.forEach(function (list) {
          list.forEach(function (t) {
            if (found.length < CORRECTIONS && t !== word && withinOne(chars, Array.from(t))) found.push(t);
          });
        });
        return found;
      });
    }

    // Results for `text`: {words, corrected: [[typed, used]], total, results: [{doc, score, unit}], matched}.
    function query(text) {
      var words = queryTerms(text);
      var matched = new Set();
      var empty = { words: words, corrected: [], results: [], matched: matched };
      if (!words.length) return Promise.resolve(empty);
      // The last word may be half typed: it also matches the terms it begins.
      var open = /[\p{Alphabetic}\p{N}]$/u.test(text.trim());
      return getManifest().then(function (m) {
        return Promise.all(words.map(function (word, k) {
          var prefix = open && k === words.length - 1 && Array.from(word).length >= 3;
          return Promise.all(shardsFor(m, word, prefix).map(termShard)).then(function (shards) {
            var hits = wordHits(m, shards, word, matched, prefix);
            if (hits.size) return { word: word, used: word, hits: hits };
            return corrections(m, word).then(function (found) {
              return Promise.all(found.map(function (t) { return termShard(shardOf(m, t)); }))
                .then(function (shards) {
                  var fixed = new Map();
                  found.forEach(function (t, k) {
                    var record = shards[k].map.get(t);
                    if (!record) return;
                    matched.add(t);
                    add(fixed, record, 0.9, m.docs);
                  });
                  return { word: word, used: found.length ? found[0] : word, hits: fixed };
                });
            });
          });
        })).then(function (per) {
          var total = null;
          per.forEach(function (w) {
            if (total === null) {
              total = new Map();
              w.hits.forEach(function (hit, doc) { total.set(doc, { score: hit.score, units: [hit.unit] }); });
              return;
            }
            var both = new Map();
            total.forEach(function (r, doc) {
              var hit = w.hits.get(doc);
              if (hit) both.set(doc, { score: r.score + hit.score, units: r.units.concat([hit.unit]) });
            });
            total = both;
          });
          // The document named exactly as the query (the actor "Hamas" for "hamas") comes first.
          var used = per.map(function (w) { return w.used; });
          return termShard(shardOf(m, used[0])).then(function (first) {
            var named = new Set(first.names[used.join(" ")] || []);
            var results = [];
            total.forEach(function (r, doc) {
              results.push({ doc: doc, score: named.has(doc) ? r.score * 4 : r.score, units: r.units });
            });
            results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
            return {
              words: words,
              corrected: per.filter(function (w) { return w.used !== w.word; })
                .map(function (w) { return [w.word, w.used]; }),
              results: results,
              matched: matched,
            };
          });
        });
      });
    }

    // The records of some documents: [kind, path, title, detail, excerpt, units].
    function docs(list) {
      if (!list.length) return Promise.resolve([]);
      return getManifest().then(function (m) {
        return Promise.all(list.map(function (doc) {
          return load("d" + Math.floor(doc / m.per)).then(function (shard) { return shard[doc % m.per]; });
        }));
      });
    }

    return { query: query, docs: docs, manifest: getManifest, shardOf: shardOf };
  }

  // The unit most words of a result point at (1-based; 0 for none).
  function bestUnit(units) {
    var votes = new Map(), best = 0;
    units.forEach(function (u) {
      if (!u) return;
      votes.set(u, (votes.get(u) || 0) + 1);
      if (!best || votes.get(u) > votes.get(best) || (votes.get(u) === votes.get(best) && u < best)) best = u;
    });
    return best;
  }

  // `text` cut into [piece, marked] pairs, the words that matched marked.
  function marks(text, matched) {
    var out = [], last = 0;
    compounds(text).forEach(function (c) {
      var f = foldedParts(text, c);
      var hit = f.parts.concat(f.joined ? [f.joined] : []).some(function (t) { return matched.has(t); });
      if (!hit) return;
      if (c.start > last) out.push([text.slice(last, c.start), false]);
      out.push([text.slice(c.start, c.end), true]);
      last = c.end;
    });
    if (last < text.length) out.push([text.slice(last), false]);
    return out;
  }

  var api = {
    fold: fold, terms: terms, queryTerms: queryTerms, withinOne: withinOne,
    createSearch: createSearch, bestUnit: bestUnit, marks: marks, PAGE: PAGE,
  };
  if (typeof module !== "undefined") module.exports = api;
  if (typeof document === "undefined") return;
  window.dossierSearch = api;

  // The shards sit beside this script, in search/: resolved from its own address, so
  // the page works from file://, at a domain root and under a subpath.
  var self = document.currentScript;
  var base = self && self.src ? self.src.replace(/[^/]*$/, "search/") : "assets/search/";
  var loading = {};
  var arrived = {};
  window.dossierSearchShard = function (name, data) {
    arrived[name] = data;
  };
  function load(name) {
    // The manifest comes with the page (a <script> after this one): no round trip.
    if (!loading[name] && name in arrived) loading[name] = Promise.resolve(arrived[name]);
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + name + ".js";
        s.onload = function () {
          s.remove();
          if (name in arrived) resolve(arrived[name]);
          else reject(new Error("no data in " + s.src));
        };
        s.onerror = function () {
          s.remove();
          delete loading[name];
          reject(new Error("could not load " + s.src));
        };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }

  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function marked(parent, text, matched) {
    marks(text, matched).forEach(function (p) {
      parent.appendChild(p[1] ? el("mark", null, p[0]) : document.createTextNode(p[0]));
    });
    return parent;
  }

  function item(r, d, matched) {
    var li = el("li", "result");
    var link = marked(el("a"), d[2], matched);
    link.href = d[1];
    li.appendChild(link);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", d[0] === "source" ? "meta" : "badge kind-" + d[0], d[3]));
    var unit = bestUnit(r.units);
    var u = unit && d[5][unit - 1];
    if (u) {
      var p = el("p", "snippet");
      var a = marked(el("a"), u[1], matched);
      a.href = d[1] + "#p-" + u[0];
      p.appendChild(a);
      li.appendChild(p);
    } else if (d[4]) {
      li.appendChild(marked(el("p"), d[4], matched));
    }
    return li;
  }

  function start() {
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("search-status");
    var more = document.getElementById("more-results");
    if (!form || !input || !list || !status || !more) return;
    var search = createSearch(load);
    var current = 0, found = null, shown = 0, text = "";

    function say(message) { status.textContent = message; }

    function showPage(run) {
      var page = found.results.slice(shown, shown + PAGE);
      more.disabled = true;
      return search.docs(page.map(function (r) { return r.doc; })).then(function (records) {
        if (run !== current) return;
        records.forEach(function (d, k) { list.appendChild(item(page[k], d, found.matched)); });
        shown += page.length;
        more.hidden = shown >= found.results.length;
        more.disabled = false;
      });
    }

    function update() {
      var run = ++current;
      text = input.value.trim();
      try {
        history.replaceState(null, "", text ? "?q=" + encodeURIComponent(text) : location.pathname);
      } catch (e) { /* some browsers refuse on file:// URLs; the results still show */ }
      if (!text) { list.textContent = ""; say(""); more.hidden = true; return; }
      search.query(text).then(function (result) {
        if (run !== current) return;
        found = result;
        shown = 0;
        list.textContent = "";
        var n = result.results.length;
        var note = result.corrected.map(function (c) {
          return "\u201c" + c[1] + "\u201d for \u201c" + c[0] + "\u201d";
        }).join(", ");
        say(n === 0
          ? "Nothing matches \u201c" + text + "\u201d."
          : n + (n === 1 ? " result" : " results") + " for \u201c" + text + "\u201d" +
            (note ? " (searched " + note + ")" : "") + ".");
        return showPage(run).then(function () {
          document.documentElement.setAttribute("data-search-done", text);
        });
      }).catch(function (e) {
        if (run === current) say("The search index could not be loaded (" + e.message + ").");
      });
    }

    input.value = new URLSearchParams(location.search).get("q") || "";
    var timer = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); update(); });
    more.addEventListener("click", function () { showPage(current); });
    update();
    input.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
