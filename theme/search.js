// dossier search: reads window.DOSSIER_SEARCH (assets/search-index.js) and shows results.
// Terms are folded as the index folds them (src/render/search.rs): NFKD, marks dropped,
// lowercased, split at anything but letters and digits, stop words dropped. Every word
// of the query must match; each matches whole index terms and, with half the weight,
// terms it begins (so results come while typing). A word scores idf × (1 + ln weight),
// and a document whose name or title is exactly the query scores four times that.
(function () {
  "use strict";
  var STOP = new Set(["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has",
    "have", "he", "in", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to",
    "was", "were", "which", "with"]);
  var LIMIT = 50;

  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function tokens(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (t) {
      return Array.from(t).length > 1 && !STOP.has(t);
    });
  }

  // The first term not less than `word`, by binary search over the sorted terms.
  function lowerBound(terms, word) {
    var lo = 0, hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (terms[mid][0] < word) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // doc → score for one query word.
  function scores(index, word) {
    var found = new Map();
    var n = index.docs.length;
    for (var i = lowerBound(index.terms, word); i < index.terms.length; i++) {
      var term = index.terms[i][0];
      if (term.lastIndexOf(word, 0) !== 0) break;
      var postings = index.terms[i][1];
      var idf = Math.log(1 + n / (postings.length / 2));
      var exact = term === word ? 1 : 0.5;
      for (var j = 0; j < postings.length; j += 2) {
        var doc = postings[j];
        // Repeats count less and less (1 + ln w): a name outweighs a dozen passing mentions.
        found.set(doc, (found.get(doc) || 0) + (1 + Math.log(postings[j + 1])) * idf * exact);
      }
    }
    return found;
  }

  // The results for `query`, best first: {doc, score}.
  function query(index, text) {
    var words = tokens(text);
    if (!words.length) return [];
    var total = null;
    words.forEach(function (word) {
      var these = scores(index, word);
      if (total === null) { total = these; return; }
      var both = new Map();
      total.forEach(function (score, doc) {
        if (these.has(doc)) both.set(doc, score + these.get(doc));
      });
      total = both;
    });
    // A document named exactly as the query (the actor "Hamas" for "hamas") comes first.
    var whole = words.join(" ");
    var results = [];
    total.forEach(function (score, doc) {
      var named = tokens(index.docs[doc][2]).join(" ") === whole;
      results.push({ doc: doc, score: named ? score * 4 : score });
    });
    results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return results;
  }

  var api = { fold: fold, tokens: tokens, query: query };
  if (typeof window !== "undefined") window.dossierSearch = api;
  if (typeof module !== "undefined") module.exports = api;
  if (typeof document === "undefined") return;

  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function show(index, input, list, status) {
    var text = input.value.trim();
    var results = query(index, text);
    list.textContent = "";
    if (!text) { status.textContent = ""; return; }
    status.textContent = results.length === 0
      ? "Nothing matches \u201c" + text + "\u201d."
      : results.length + (results.length === 1 ? " result" : " results") + " for \u201c" + text + "\u201d" +
        (results.length > LIMIT ? ", the first " + LIMIT + " shown." : ".");
    results.slice(0, LIMIT).forEach(function (r) {
      var d = index.docs[r.doc];
      var item = el("li", "result");
      var link = el("a", null, d[2]);
      link.href = d[1];
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", d[0] === "source" ? "meta" : "badge kind-" + d[0], d[3]));
      if (d[4]) item.appendChild(el("p", null, d[4]));
      list.appendChild(item);
    });
  }

  function start() {
    var index = window.DOSSIER_SEARCH;
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("search-status");
    if (!index || !form || !input || !list || !status) return;
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    var timer = 0;
    var update = function () {
      show(index, input, list, status);
      try {
        var q = input.value.trim();
        history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname);
      } catch (e) { /* some browsers refuse on file:// URLs; the results still show */ }
    };
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 80);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    show(index, input, list, status);
    input.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
