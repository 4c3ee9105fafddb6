/* Search that finds what patients type (README, "Search"). One file, two roles:
   - on the page (loaded by overrides/partials/search.html before Material's
     bundle), it holds the search index until the reader first opens search,
     starts Material's search worker through this same file (same URL:
     nothing new to fetch or allow in the security policy), and shows the
     closest "Also called" / "You may have heard" words when nothing is found;
   - in the worker, it loads Material's worker, then widens each query word:
     other forms of it (bruised: bruising; pregnancy: pregnant), British and
     American spellings (colour: color), two words typed as one or one as two
     (dermastamp, make up), and, for a word of 5 or more letters that matches
     nothing, the closest words 1 letter away (2 from 10 letters:
     microneedeling: microneedling). A phrase from a "You may have heard"
     line typed in full puts its section first. Question words and words on
     most pages weigh little beside the others. The index itself is Material's. */
"use strict"
if (typeof window === "undefined") {
  const material = decodeURIComponent(self.location.hash.slice(1))
  if (material) importScripts(material)
  // Only Material's lunr-based worker is widened; anything else runs as is.
  if (self.lunr) widen(self.lunr)
}

function widen(lunr) {
  let vocabulary = [], lastTerms = []
  const titles = new Map() // section -> the words of its heading
  addEventListener("message", ({data}) => {
    if (data && data.type === 0) {
      vocabulary = alsoCalled(data.data.docs)
      for (const doc of data.data.docs) titles.set(doc.location, (doc.title || "").toLowerCase().split(/[^\w']+/).filter(Boolean))
    }
  })
  const stem = lunr.stemmer, Token = lunr.Token
  const stemOf = word => stem(new Token(word)).toString()
  const isStopWord = word => !lunr.stopWordFilter(new Token(word))
  let families = null, words = null // stem -> words in the index; all words

  // Damerau-Levenshtein distance, stopping early once over `max`.
  const rows = [0, 1, 2].map(() => new Uint8Array(64))
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1
    if (a.length > 62 || b.length > 62) return max + 1
    let [prev2, prev, row] = rows
    for (let j = 0; j <= b.length; j++) prev[j] = j
    for (let i = 1; i <= a.length; i++) {
      row[0] = i
      let best = i
      for (let j = 1; j <= b.length; j++) {
        let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1)
        row[j] = d
        if (d < best) best = d
      }
      if (best > max) return max + 1
      ;[prev2, prev, row] = [prev, row, prev2]
    }
    return prev[b.length]
  }

  // British and American spellings share one form: colour/color,
  // anaesthetic/anesthetic, moisturiser/moisturizer, ageing/aging,
  // centre/center, licence/license, analyse/analyze, labelled/labeled.
  const spelling = word => word.replace(/[ao]e/g, "e").replace(/(?<=\w\w)our/g, "or")
    .replace(/(?<=\w\w)is(?=e|ing|ation)/g, "iz").replace(/geing/g, "ging").replace(/(?<=\w\w)tre(?=s?$)/, "ter")
    .replace(/(?<=\w\w\w)ce(?=s?$|d$)/, "se").replace(/(?<=\w)yse/, "yze").replace(/(?<=[aeiou])ll(?=ed|ing)/, "l")
  let spellings = null // that form -> words in the index

  const known = new Map() // typed word -> its other forms (asked again at each keypress)
  function variants(word) {
    if (!known.has(word)) known.set(word, forms(word))
    return [...known.get(word)]
  }
  function forms(word) {
    const words = new Set(spellings.get(spelling(word)))
    for (const w of [word, ...words]) for (const other of families.get(stemOf(w)) || []) words.add(other)
    // Long words also meet their close relatives: pregnancy, pregnant.
    const root = stemOf(word).slice(0, -1)
    if (root.length >= 6) for (const [s, list] of families) if (s.startsWith(root)) list.forEach(w => words.add(w))
    words.delete(word)
    return [...words]
  }

  function hasPrefix(index, word) {
    return index.tokenSet.intersect(lunr.TokenSet.fromString(word + "*")).toArray().length > 0
  }

  // The closest words in the index (only those at the smallest distance).
  const near = new Map() // typed word -> closest words (asked again at each keypress)
  function nearWords(word) {
    if (!near.has(word)) near.set(word, closest(word))
    return near.get(word)
  }
  function closest(word) {
    let max = word.length >= 10 ? 2 : 1, found = []
    for (const w of words) {
      if (w.length < 4) continue
      const d = distance(word, w, max)
      if (d < max && found.length) found = []
      if (d <= max) { max = d; found.push(w) }
    }
    return found
  }

  // A word typed as two ("make up", "after care") or two typed as one
  // ("dermastamp", "pockmarks"): the index's own words decide.
  function split(word, index) {
    for (let k = 3; k <= word.length - 3; k++)
      if (index.invertedIndex[word.slice(0, k)] && index.invertedIndex[word.slice(k)]) return [word.slice(0, k), word.slice(k)]
    return []
  }

  // Weights, measured on the tuning set (tests/data/search-queries.yml).
  // TYPO_LENGTH: the shortest word whose typing slips are forgiven (5: keliod).
  const STOP_WORD_WEIGHT = 0.2, FORM_WEIGHT = 0.3, COMMON_SHARE = 0.3, COMMON_WEIGHT = 0.2
  const TYPO_LENGTH = 5, PHRASE_BOOST = 1, HEADING_BOOST = 1
  // Share of the sections a word is in.
  function share(index, word) {
    const posting = index.invertedIndex[word]
    if (!posting) return 0
    const docs = new Set()
    for (const field of index.fields) for (const ref of Object.keys(posting[field] || {})) docs.add(ref)
    return docs.size / Object.keys(index.fieldVectors).length * index.fields.length
  }
  lunr.Index.prototype.search = function (query) {
    if (!families) {
      families = new Map(), spellings = new Map()
      words = Object.keys(this.invertedIndex)
      for (const word of words) {
        for (const [map, key] of [[families, stemOf(word)], [spellings, spelling(word)]])
          map.set(key, [...map.get(key) || [], word])
      }
    }
    const clauses = new lunr.Query(this.fields)
    new lunr.QueryParser(query, clauses).parse()
    const all = clauses.clauses, last = all[all.length - 1]
    for (const c of all) c.term = c.term.replace(/^\*|\*$/g, "")
    lastTerms = all.filter(c => c.presence !== lunr.Query.presence.PROHIBITED).map(c => c.term)
    const content = all.filter(c => c.term.length > 1 && !isStopWord(c.term)).length
    const results = this.query(builder => {
      for (const clause of all) {
        const {term, presence, fields, boost = 1, editDistance} = clause
        const base = {fields, presence, boost, usePipeline: false}
        const prefix = {wildcard: lunr.Query.wildcard.TRAILING}
        if (editDistance || presence === lunr.Query.presence.PROHIBITED) {
          builder.term(term, {...base, ...editDistance ? {editDistance} : prefix})
          continue
        }
        // Question words ("can I", "how", "who should not") count a little,
        // enough for a heading that asks the same question to rank first.
        if (term.length < 2 || isStopWord(term)) {
          builder.term(term, {...base, boost: boost * STOP_WORD_WEIGHT, ...clause === last ? prefix : {}})
          continue
        }
        // A word on most pages ("microneedling", "skin") says little beside others.
        const weight = boost * (content > 1 && share(this, term) > COMMON_SHARE ? COMMON_WEIGHT : 1)
        // A short word is taken as typed once the reader has moved on to the next.
        builder.term(term, {...base, boost: weight, ...clause === last || term.length > 3 ? prefix : {}})
        // Other forms count less than the word typed, unless it is not on the site.
        const found = hasPrefix(this, term), extra = variants(term)
        if (!found && !extra.length) extra.push(...split(term, this))
        if (term.length >= TYPO_LENGTH && !found && !extra.length) extra.push(...nearWords(term))
        for (const other of extra)
          builder.term(other, {...base, presence: lunr.Query.presence.OPTIONAL, boost: weight * (found ? FORM_WEIGHT : 1)})
      }
      for (let i = 1; i < all.length; i++) {
        const joined = all[i - 1].term + all[i].term
        if (all[i - 1].term.length > 1 && all[i].presence !== lunr.Query.presence.PROHIBITED && this.invertedIndex[joined])
          builder.term(joined, {fields: all[i].fields, boost: all[i].boost || 1, usePipeline: false})
      }
    })
    // A phrase from a "You may have heard" or "Also called" line, typed in
    // full, in any order and form ("back to work", "choose a clinic"), puts its
    // section first.
    const typed = new Set(lastTerms.map(stemOf)), top = results.length ? results[0].score : 0
    for (const entry of vocabulary) {
      if (!(entry.words.length > 1 && entry.words.every(w => typed.has(stemOf(w))))) continue
      for (const r of results) if (r.ref === entry.location) r.score += top * PHRASE_BOOST
    }
    // A heading that holds every word of a question of 3 or more words
    // ("who should not have microneedling") is the answer.
    if (lastTerms.length > 2) {
      const asked = [...typed].filter(w => w.length > 1)
      for (const r of results) {
        const heading = new Set((titles.get(r.ref) || []).map(stemOf))
        if (asked.every(w => heading.has(w))) r.score += top * HEADING_BOOST
      }
    }
    results.sort((a, b) => b.score - a.score)
    // Sections that match only question words are left out (if others match),
    // which also keeps the results quick to show.
    const answers = results.filter(r => Object.keys(r.matchData.metadata).some(w => w.length > 1 && !isStopWord(w)))
    return content && answers.length ? answers : results
  }

  // The "Also called" and "You may have heard" lines in the pages: phrases
  // separated by commas, "or" and semicolons, each part ending in "(term)".
  function alsoCalled(docs) {
    const found = []
    for (const doc of docs) {
      for (const line of (doc.text || "").matchAll(/(?:You may have heard|Also called):? ([^<]*)/g))
        for (const part of line[1].split(/;|\.\s*$/))
        for (const phrase of part.replace(/\([^)]*\)\s*$/, "").split(/,\s*|\s+or\s+/))
          if (phrase.trim()) found.push({phrase: phrase.trim(), title: doc.title, location: doc.location,
            words: phrase.toLowerCase().split(/[^\w']+/).filter(Boolean)})
    }
    return found
  }

  // Closest "also called" words to a query that found nothing.
  function nearby(terms) {
    const scored = []
    for (const entry of vocabulary) {
      const words = entry.phrase.toLowerCase().split(/\s+/)
      let best = 9
      for (const t of terms) if (t.length > 2) for (const w of [...words, words.join("")])
        best = Math.min(best, w.startsWith(t) ? 0 : distance(t, w, 2))
      if (best <= 2) scored.push([best, entry])
    }
    return scored.sort((a, b) => a[0] - b[0]).slice(0, 3).map(s => s[1])
  }

  const post = self.postMessage.bind(self)
  self.postMessage = message => {
    if (message && message.type === 3 && !message.data.items.length) message.data.nearby = nearby(lastTerms)
    post(message)
  }
}

// The search index (about 24 KB compressed) is fetched when the reader first
// opens search, not with every page: Material's bundle asks for it at start-up
// (XMLHttpRequest); that request is held until the search field gets focus,
// the search button or label is pressed, or "/", "s" or "f" is typed. A page
// opened from a result (?h=..., search.highlight) needs it at once.
if (typeof window !== "undefined") {
  const Request = window.XMLHttpRequest.prototype, open = Request.open, send = Request.send
  const INDEX = /\/search\/search_index\.json$/, held = []
  let wanted = new URLSearchParams(location.search).has("h")
  Request.open = function (method, url) {
    this.searchIndex = INDEX.test(new URL(url, location.href).pathname)
    return open.apply(this, arguments)
  }
  Request.send = function () {
    if (this.searchIndex && !wanted) held.push([this, arguments])
    else send.apply(this, arguments)
  }
  function opened() {
    if (wanted) return
    wanted = true
    for (const [type, listener] of triggers) document.removeEventListener(type, listener, true)
    // Shown until the index is ready (Material replaces it with the results).
    const meta = document.querySelector(".md-search-result__meta")
    if (meta && !meta.textContent) meta.textContent = meta.dataset.initializing || ""
    for (const [request, args] of held.splice(0)) send.apply(request, args)
  }
  const triggers = [
    ["focusin", e => e.target.matches && e.target.matches(".md-search__input") && opened()],
    ["change", e => e.target.id === "__search" && opened()],
    ["pointerdown", e => e.target.closest && e.target.closest("[for='__search'], .md-search") && opened()],
    ["keydown", e => ["/", "s", "S", "f", "F"].includes(e.key) && opened()],
  ]
  for (const [type, listener] of triggers) document.addEventListener(type, listener, true)
}

if (typeof window !== "undefined") {
  const Native = window.Worker, here = document.currentScript.src
  window.Worker = class extends Native {
    constructor(url, options) {
      const full = new URL(url, location.href).href
      const ours = /\/workers\/search\.[^/]*\.js$/.test(full)
      super(ours ? here.split("#")[0] + "#" + encodeURIComponent(full) : url, options)
      if (ours) this.addEventListener("message", ({data}) => data && data.type === 3 && showNearby(data.data.nearby))
    }
  }
  const base = JSON.parse(document.getElementById("__config").textContent).base
  // Shown above the no-results hint (overrides/partials/search.html).
  function showNearby(entries) {
    const hint = document.querySelector(".search-no-results")
    let box = document.querySelector(".search-nearby")
    if (box) box.remove()
    if (!hint || !entries || !entries.length) return
    box = document.createElement("div")
    box.className = "search-nearby"
    const intro = document.createElement("p"), list = document.createElement("ul")
    intro.textContent = "Closest words on this site:"
    for (const {phrase, title, location: where} of entries) {
      const item = document.createElement("li"), link = document.createElement("a")
      link.href = new URL(base + "/" + where, location.href).href
      link.textContent = phrase
      item.append(link, ` (${title})`)
      list.append(item)
    }
    box.append(intro, list)
    hint.prepend(box)
  }
}
