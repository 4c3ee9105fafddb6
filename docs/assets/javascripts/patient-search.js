/* Search that finds what patients type (README, "Search"). One file, two roles:
   - on the page (loaded by overrides/partials/search.html before Material's
     bundle), it starts Material's search worker through this same file (same
     URL: nothing new to fetch or allow in the security policy), and shows the
     closest "Also called" / "You may have heard" words when nothing is found;
   - in the worker, it loads Material's worker, then widens each query word:
     other forms of it (bruised: bruising; pregnancy: pregnant), British and
     American spellings (colour: color), and, for a word of 7 or more letters
     that matches nothing, words 1 letter away (2 from 10 letters:
     microneedeling: microneedling). Question words and words on most pages
     weigh little beside the others. The index itself is Material's. */
"use strict"
if (typeof window === "undefined") {
  const material = decodeURIComponent(self.location.hash.slice(1))
  if (material) importScripts(material)
  // Only Material's lunr-based worker is widened; anything else runs as is.
  if (self.lunr) widen(self.lunr)
}

function widen(lunr) {
  let vocabulary = [], lastTerms = []
  addEventListener("message", ({data}) => {
    if (data && data.type === 0) vocabulary = alsoCalled(data.data.docs)
  })
  const stem = lunr.stemmer, Token = lunr.Token
  const stemOf = word => stem(new Token(word)).toString()
  const isStopWord = word => !lunr.stopWordFilter(new Token(word))
  let families = null // stem -> words in the index

  // Damerau-Levenshtein distance, stopping early once over `max`.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1
    let prev2 = [], prev = [...Array(b.length + 1).keys()]
    for (let i = 1; i <= a.length; i++) {
      const row = [i]
      let best = i
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1
        let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1)
        row.push(d)
        best = Math.min(best, d)
      }
      if (best > max) return max + 1
      prev2 = prev
      prev = row
    }
    return prev[b.length]
  }

  // British and American spellings share one form: colour/color,
  // anaesthetic/anesthetic, moisturiser/moisturizer, ageing/aging.
  const spelling = word => word.replace(/[ao]e/g, "e").replace(/(?<=\w\w)our/g, "or")
    .replace(/(?<=\w\w)is(?=e|ing|ation)/g, "iz").replace(/geing/g, "ging").replace(/(?<=\w\w)tre(?=s?$)/, "ter")
  let spellings = null // that form -> words in the index

  function variants(word) {
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

  function nearWords(word, index) {
    const max = word.length >= 10 ? 2 : 1
    return [...families.values()].flat().filter(w => w.length > 3 && distance(word, w, max) <= max)
  }

  // Weights, measured on the tuning half of tests/data/search-queries.yml.
  const STOP_WORD_WEIGHT = 0.2, FORM_WEIGHT = 0.3, COMMON_SHARE = 0.3, COMMON_WEIGHT = 0.2
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
      for (const word of Object.keys(this.invertedIndex)) {
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
        if (term.length >= 7 && !found && !extra.length) extra.push(...nearWords(term, this))
        for (const other of extra)
          builder.term(other, {...base, presence: lunr.Query.presence.OPTIONAL, boost: weight * (found ? FORM_WEIGHT : 1)})
      }
    })
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
        for (const part of line[1].split(/;|\.(?!\w)/))
        for (const phrase of part.replace(/\([^)]*\)\s*$/, "").split(/,\s*|\s+or\s+/))
          if (phrase.trim()) found.push({phrase: phrase.trim(), title: doc.title, location: doc.location})
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
