/*
 * forum-kb search worker (issue 9): Material's search worker protocol over
 * the sharded index the converter writes (generator/searchindex.py), so
 * search stays instant at 10,000+ threads, served and from file://.
 *
 * Material's bundle starts this script as its search worker (overrides/
 * main.html points `__config.search` here) and exchanges four messages:
 *   {type: 0 SETUP, data: {config, docs, options}}  -> {type: 1 READY}
 *   {type: 2 QUERY, data: "text typed"}              -> {type: 3 RESULT,
 *      data: {items: [[{location, title, text, score, terms}]]}}
 * Titles and teasers are HTML (Material inserts them as markup): the index
 * holds plain text and everything is escaped here.
 *
 * Ranking is `kb search`'s (generator/search.py) and is specified in Python
 * by generator/searchindex.py:search_files; the postings carry finished
 * BM25F scores, so a query only loads the shards of its words:
 *   exact word -> its postings; else the maxPrefixTerms shortest words it
 *   begins (>= minPrefix chars; kb search takes them all);
 *   else words 1 (2 for 8+ chars) edits away; fallbacks weigh `fallback`;
 *   score * (1 + coverage^2), ties by document id (= slug order).
 *
 * Shards are script files calling self.__kbShard(name, data).  In a real
 * Worker (hosted site) they load with importScripts; from file:// the
 * iframe-worker shim runs this script in a hidden iframe, where they load
 * as <script> tags, in parallel.  No build step, no dependency.
 */
"use strict";
(function () {
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var LIMIT = 10;

  var inFrame = typeof WorkerGlobalScope === "undefined";
  var scriptUrl = inFrame ? document.querySelector("script[src]").src : self.location.href;
  var base = new URL("index/", scriptUrl).href;

  var shards = Object.create(null);
  var pending = Object.create(null);
  var meta = null, keys = [], keySet = new Set(), separator = null, separatorAll = null;
  var latest = 0;

  self.__kbShard = function (name, data) { shards[name] = data; };

  function url(name) {
    return base + name + ".js" + (meta ? "?v=" + meta.build : "");
  }

  /* Load shards not loaded yet; a missing one counts as empty (null). */
  function load(names) {
    var todo = [];
    for (var i = 0; i < names.length; i++)
      if (!(names[i] in shards) && todo.indexOf(names[i]) < 0) todo.push(names[i]);
    if (!todo.length) return Promise.resolve();
    if (!inFrame) {
      /* importScripts runs its scripts in order and stops at the first that
         does not load (a word prefix nothing in the index starts with): the
         scripts before it have run, that one counts as empty (until the
         page is reloaded, whatever the failure) and only the rest are asked
         for again, so a missing shard is requested once. */
      var rest = todo;
      while (rest.length) {
        try {
          importScripts.apply(self, rest.map(url));
          rest = [];
        } catch (error) {
          var failed = 0;
          while (failed < rest.length && rest[failed] in shards) failed++;
          rest = rest.slice(failed + 1);
        }
      }
      todo.forEach(function (name) { if (!(name in shards)) shards[name] = null; });
      return Promise.resolve();
    }
    return Promise.all(todo.map(function (name) {
      if (!pending[name])
        pending[name] = new Promise(function (resolve) {
          var script = document.createElement("script");
          script.src = url(name);
          script.onload = script.onerror = function () {
            if (!(name in shards)) shards[name] = null;
            resolve();
          };
          document.body.appendChild(script);
        });
      return pending[name];
    }));
  }

  function setup() {
    if (meta) return Promise.resolve();
    return load(["meta"]).then(function () {
      meta = shards.meta;
      if (!meta) throw new Error("forum-kb search: index/meta.js is missing");
      keys = meta.keys;
      keySet = new Set(keys);
      separator = new RegExp(meta.separator);
      separatorAll = new RegExp(meta.separator, "g");
    });
  }

  /* --- analysis (generator/searchterms.py tokens, search.py query_words) --- */

  /* generator/search.py normalized_query: NFC, full-width ASCII as ASCII. */
  function normalizedQuery(text) {
    return text.replace(/[\uFF01-\uFF5E\u3000]/g, function (ch) {
      return ch === "\u3000" ? " " : String.fromCharCode(ch.charCodeAt(0) - 0xFEE0);
    }).normalize("NFC");
  }

  function queryWords(text) {
    var seen = new Set(), words = [];
    normalizedQuery(text).split(separator).forEach(function (token) {
      if (!token) return;
      var word = token.toLowerCase();
      if (!seen.has(word)) { seen.add(word); words.push(word); }
    });
    return words.slice(0, MAX_QUERY_WORDS);
  }
  /* generator/search.py MAX_QUERY_WORDS: a pasted log is not a query. */
  var MAX_QUERY_WORDS = 32;

  function codePoints(word) { return Array.from(word); }

  function keyFor(word) {
    var points = codePoints(word);
    for (var end = points.length; end > 0; end--) {
      var prefix = points.slice(0, end).join("");
      if (keySet.has(prefix)) return prefix;
    }
    return null;
  }

  var encoder = new TextEncoder();
  function shardName(key) {
    var bytes = encoder.encode(key), hex = "t";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return hex;
  }

  function has(object, key) { return !!object && Object.prototype.hasOwnProperty.call(object, key); }

  function editDistanceAtMost(a, b, limit) {
    a = codePoints(a); b = codePoints(b);
    if (Math.abs(a.length - b.length) > limit) return false;
    var previous = [];
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var current = [i], lowest = i;
      for (j = 1; j <= b.length; j++) {
        var value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0));
        current.push(value);
        if (value < lowest) lowest = value;
      }
      if (lowest > limit) return false;
      previous = current;
    }
    return previous[b.length] <= limit;
  }

  function sortStrings(list) {
    return list.sort(function (x, y) { return x < y ? -1 : x > y ? 1 : 0; });
  }

  /* The vocabulary that starts with the first two characters of `word`. */
  var vocabularies = Object.create(null);
  function vocabulary(word) {
    var name = "c" + shardName(codePoints(word).slice(0, 2).join("")).slice(1);
    return load([name]).then(function () {
      if (!(name in vocabularies)) vocabularies[name] = shards[name] ? shards[name].split(" ") : [];
      return vocabularies[name];
    });
  }

  /* The content words a query word stands for: [[word, weight]]; only the
     postings of those words are loaded. */
  function expand(word, ticket) {
    return vocabulary(word).then(function (known) {
      check(ticket);
      var found = [], weight = meta.fallback, length = codePoints(word).length;
      if (known.indexOf(word) >= 0) { found = [word]; weight = 1; }
      else if (length >= meta.minPrefix)
        found = known.filter(function (term) { return term.lastIndexOf(word, 0) === 0; })
          .sort(function (x, y) { return codePoints(x).length - codePoints(y).length || (x < y ? -1 : x > y ? 1 : 0); })
          .slice(0, meta.maxPrefixTerms);
      if (!found.length) return length >= 4 ? near(word, length, ticket) : [];
      return postings(found, weight, ticket);
    });
  }

  function postings(terms, weight, ticket) {
    terms = sortStrings(terms.slice());
    return load(terms.map(function (term) { return shardName(keyFor(term)); })).then(function () {
      check(ticket);
      return terms.map(function (term) { return [term, weight]; });
    });
  }

  /* A newer query arrived: stop loading for this one. */
  var STALE = {};
  function check(ticket) { if (ticket !== latest) throw STALE; }

  function near(word, length, ticket) {
    var edits = length >= 8 ? 2 : 1, top = meta.vocabMax;
    var names = meta.vocab.filter(function (n) {
      return (n < top && Math.abs(n - length) <= edits) || (n === top && length + edits >= top);
    }).map(function (n) { return "v" + n; });
    return load(names).then(function () {
      check(ticket);
      var found = [];
      names.forEach(function (name) {
        if (!shards[name]) return;
        shards[name].split(" ").forEach(function (term) {
          if (editDistanceAtMost(word, term, edits)) found.push(term);
        });
      });
      return found.length ? postings(found, meta.fallback, ticket) : [];
    });
  }

  function decode(text, visit) {
    var value = 0, doc = 0, odd = false, delta = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i), digit;
      if (code >= 48 && code <= 57) digit = code - 48;              /* 0-9 */
      else if (code >= 65 && code <= 86) digit = code - 55;         /* A-V */
      else {
        value = value * 32 + continuation(code);
        continue;
      }
      value = value * 32 + digit;
      if (!odd) delta = value; else { doc += delta; visit(doc, value); }
      odd = !odd;
      value = 0;
    }
  }

  function continuation(code) {
    if (code >= 87 && code <= 90) return code - 87;                 /* W-Z */
    if (code >= 97 && code <= 122) return code - 93;                /* a-z */
    return code === 45 ? 30 : 31;                                   /* - _ */
  }

  /* --- results --------------------------------------------------------------- */

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  /* Escape `text`, marking the words that start with a matched term. */
  function highlight(text, terms) {
    if (!terms.length) return escapeHtml(text);
    var out = "", last = 0, match;
    separatorAll.lastIndex = 0;
    function word(token) {
      var lower = token.toLowerCase();
      var hit = terms.some(function (t) { return lower.lastIndexOf(t, 0) === 0 || (t.length >= 4 && lower.indexOf(t) > 0); });
      return hit ? "<mark>" + escapeHtml(token) + "</mark>" : escapeHtml(token);
    }
    while ((match = separatorAll.exec(text)) !== null) {
      if (match[0].length === 0) { separatorAll.lastIndex++; continue; }
      out += word(text.slice(last, match.index)) + escapeHtml(match[0]);
      last = match.index + match[0].length;
    }
    return out + word(text.slice(last));
  }

  function search(query, ticket) {
    var words = queryWords(query);
    if (!words.length || !meta.documents) return Promise.resolve({ items: [] });
    /* Let queued keystrokes arrive first: a superseded query loads nothing. */
    return new Promise(function (resolve) { setTimeout(resolve, 0); }).then(function () {
      check(ticket);
      return Promise.all(words.map(function (word) { return expand(word, ticket); }));
    }).then(function (expansions) {
      check(ticket);
      return rank(words, expansions, ticket);
    }).then(function (result) {
      result.query = query;  /* not read by Material; lets a benchmark tell results apart */
      return result;
    });
  }

  function rank(words, expansions, ticket) {
    var count = meta.documents, scale = meta.scale;
    var score = new Float64Array(count), matched = new Uint16Array(count);
    var hits = [], parts = [];
    expansions.forEach(function (expansion) {
      var part = new Map();
      expansion.forEach(function (pair) {
        var shard = shards[shardName(keyFor(pair[0]))];
        if (!has(shard, pair[0])) return;
        decode(shard[pair[0]], function (doc, value) {
          part.set(doc, (part.get(doc) || 0) + pair[1] * value / scale);
        });
      });
      part.forEach(function (value, doc) {
        if (score[doc] === 0 && matched[doc] === 0) hits.push(doc);
        score[doc] += value;
        if (value > 0) matched[doc]++;
      });
      parts.push(part);
    });
    var ranked = hits.filter(function (doc) { return score[doc] > 0; }).map(function (doc) {
      var coverage = matched[doc] / words.length;
      return { doc: doc, score: Math.round(score[doc] * (1 + coverage * coverage) * 1e4) / 1e4 };
    });
    ranked.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    ranked = ranked.slice(0, LIMIT);
    var buckets = ranked.map(function (hit) { return "d" + Math.floor(hit.doc / meta.bucket); });
    return load(buckets).then(function () {
      check(ticket);
      var items = [];
      ranked.forEach(function (hit) {
        var rows = shards["d" + Math.floor(hit.doc / meta.bucket)];
        var row = rows && rows[hit.doc % meta.bucket];
        if (!row) return;
        var terms = {}, marked = [];
        words.forEach(function (word, i) {
          var found = parts[i].get(hit.doc) > 0;
          terms[word] = found;
          if (found) expansions[i].forEach(function (pair) { if (parts[i].has(hit.doc)) marked.push(pair[0]); });
        });
        items.push([{
          location: row[0],
          title: highlight(row[1], marked),
          text: highlight(row[2], marked),
          score: hit.score,
          terms: terms
        }]);
      });
      return { items: items };
    });
  }

  /* --- messages ---------------------------------------------------------------- */

  addEventListener("message", function (event) {
    var message = event.data || {};
    if (message.type === SETUP) {
      setup().then(function () { postMessage({ type: READY }); }, function (error) {
        console.warn(error);
        postMessage({ type: READY });
      });
    } else if (message.type === QUERY) {
      var ticket = ++latest;
      setup().then(function () { return search(String(message.data || ""), ticket); }).then(function (result) {
        if (ticket === latest) postMessage({ type: RESULT, data: result });
      }, function (error) {
        if (error === STALE) return;
        console.warn("forum-kb search failed", error);
        if (ticket === latest) postMessage({ type: RESULT, data: { items: [] } });
      });
    }
  });
})();
