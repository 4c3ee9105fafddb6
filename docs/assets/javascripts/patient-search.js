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
     most pages weigh little beside the others. The index itself is Material's.
   The language is the search config's (`plugins: search: lang`), as Material's
   worker receives it. In Spanish (lang: es): words match with or without
   accents (acne: acné, micropuncion: micropunción; ñ stays apart from n),
   other forms come from lunr's Spanish stemmer (lunr.es), question words are
   lunr.es's stop words, the lines are "Quizá lo conozca como" and "También se
   llama(n)", and, instead of UK/US spellings, letters that sound alike
   (keloide: queloide) and diminutives (agujitas: agujas) meet. English is
   unchanged. */
"use strict"
if (typeof window === "undefined") {
  // Each message reaches Material's worker through hooks.message (set by widen).
  const hooks = {message: event => event}
  const material = decodeURIComponent(self.location.hash.slice(1))
  if (material) {
    // Material's worker loads lunr's languages (lunr.es) from "../lunr",
    // relative to its own address, not to this file's.
    const load = self.importScripts
    self.importScripts = (...urls) => load.apply(self, urls.map(url => new URL(url, material).href))
    const listen = self.addEventListener
    self.addEventListener = (type, listener, options) =>
      listen.call(self, type, type === "message" ? event => listener(hooks.message(event)) : listener, options)
    importScripts(material)
    self.addEventListener = listen
  }
  // Only Material's lunr-based worker is widened; anything else runs as is.
  if (self.lunr) widen(self.lunr, hooks)
}

function widen(lunr, hooks) {
  let vocabulary = [], lastTerms = []
  const titles = new Map() // section -> the words of its heading
  // The edition's language (the search config's lang, from Material's set-up
  // message), and whether words match without their accents.
  let language = "en", folding = false
  // Languages whose readers often leave accents out: the index and each query
  // are matched without them (á: a, ü: u; ñ stays ñ). Results keep the pages'
  // own spelling, as Material shows the text it was given.
  const FOLDED_LANGUAGES = ["es"]
  const fold = text => folding
    ? text.normalize("NFC").replace(/[^\u0000-\u007fñÑ]/g, c => c.normalize("NFD").replace(/[\u0300-\u036f]/g, ""))
    : text
  // The words of a heading or a phrase, lower case, in any alphabet.
  const wordsOf = text => fold(text.toLowerCase()).split(/[^\p{L}\p{N}_']+/u).filter(Boolean)
  const spelled = new Map() // word without accents -> as the pages spell it most (acne: acné)
  let typedAs = new Map() // word of the query without accents -> as typed
  // Material's set-up message (type 0: config and pages) and each query
  // (type 2) pass through here before Material's worker sees them.
  hooks.message = event => {
    const {data} = event
    if (data && data.type === 0) {
      const lang = data.data.config.lang || []
      language = lang.length === 1 ? lang[0] : "en"
      folding = lang.some(code => FOLDED_LANGUAGES.includes(code))
      if (folding) {
        const counts = new Map()
        for (const doc of data.data.docs)
          for (const word of `${doc.title} ${doc.text}`.replace(/<[^>]*>/g, " ").toLowerCase().split(/[^\p{L}\p{N}]+/u))
            if (word) counts.set(word, (counts.get(word) || 0) + 1)
        for (const [word, count] of counts) {
          const key = fold(word), known = spelled.get(key)
          if (!known || count > counts.get(known)) spelled.set(key, word)
        }
      }
      vocabulary = alsoCalled(data.data.docs)
      for (const doc of data.data.docs) titles.set(doc.location, wordsOf(doc.title || ""))
    }
    // The query without accents: Material parses, searches and ranks that.
    if (folding && data && data.type === 2 && typeof data.data === "string") {
      typedAs = new Map(data.data.toLowerCase().split(/[^\p{L}\p{N}]+/u).map(word => [fold(word), word]))
      return {data: {...data, data: fold(data.data)}}
    }
    return event
  }
  // English: lunr's own stemmer and stop words. Another language: lunr's for
  // it (lunr.es), which Material's worker has loaded when it builds the index.
  const Token = lunr.Token
  let stem = lunr.stemmer, stopWordFilter = lunr.stopWordFilter
  const foldToken = token => token.update(fold)
  lunr.Pipeline.registerFunction(foldToken, "patientSearchFold")
  const add = lunr.Builder.prototype.add
  lunr.Builder.prototype.add = function (doc, attributes) {
    if (!this.languageSet) {
      this.languageSet = true
      const own = language === "en" ? null : lunr[language]
      if (own && own.stemmer && own.stopWordFilter) {
        ;[stem, stopWordFilter] = [own.stemmer, own.stopWordFilter]
        // Material leaves unmatched stop words out of a result's share of
        // the query's words, asking lunr.stopWordFilter: the edition's.
        lunr.stopWordFilter = own.stopWordFilter
      }
      // Index terms lose their accents too (after lunr.es's trimmer).
      if (folding) [this.pipeline, this.searchPipeline].forEach(pipeline => pipeline.add(foldToken))
    }
    return add.call(this, doc, attributes)
  }
  // A word without accents is stemmed as typed or as the pages spell it
  // (inflamación: inflam; inflamacion alone would stay whole).
  const accented = word => typedAs.get(word) || spelled.get(word) || word.replace(/(?<=[cs])ion$/, "ión")
  const stemOf = word => folding ? fold(stem(new Token(accented(word))).toString()) : stem(new Token(word)).toString()
  const isStopWord = word => !stopWordFilter(new Token(word)) || (folding && !stopWordFilter(new Token(accented(word))))
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
  // English only.
  const british = word => word.replace(/[ao]e/g, "e").replace(/(?<=\w\w)our/g, "or")
    .replace(/(?<=\w\w)is(?=e|ing|ation)/g, "iz").replace(/geing/g, "ging").replace(/(?<=\w\w)tre(?=s?$)/, "ter")
    .replace(/(?<=\w\w\w)ce(?=s?$|d$)/, "se").replace(/(?<=\w)yse/, "yze").replace(/(?<=[aeiou])ll(?=ed|ing)/, "l")
  // Spanish: letters that sound the same share one form (keloide: queloide;
  // inchazon: hinchazón; b/v, ll/y, s/z/soft c, j/soft g).
  const spanish = word => word.replace(/(?<!c)h/g, "").replace(/qu(?=[ei])|c(?![eih])|k/g, "k").replace(/c(?=[ei])|z/g, "s")
    .replace(/v/g, "b").replace(/ll/g, "y").replace(/g(?=[ei])/g, "j").replace(/gu(?=[ei])/g, "g")
  const spelling = word => language === "en" ? british(word) : language === "es" ? spanish(word) : word
  let spellings = null // that form -> words in the index

  const known = new Map() // typed word -> its other forms (asked again at each keypress)
  function variants(word) {
    if (!known.has(word)) known.set(word, forms(word))
    return [...known.get(word)]
  }
  function forms(word) {
    const words = new Set(spellings.get(spelling(word)))
    for (const w of [word, ...words]) for (const other of families.get(stemOf(w)) || []) words.add(other)
    // Spanish: the word a diminutive is made from (agujitas: agujas).
    if (language === "es") for (const base of plain(word)) for (const other of families.get(stemOf(base)) || []) words.add(other)
    // Long words also meet their close relatives: pregnancy, pregnant.
    const root = stemOf(word).slice(0, -1)
    if (root.length >= 6) for (const [s, list] of families) if (s.startsWith(root)) list.forEach(w => words.add(w))
    words.delete(word)
    return [...words]
  }

  // Granitos: granos; agujitas: agujas; marquitas: marcas; cachetitos: cachetes.
  function plain(word) {
    const m = word.match(/^(.{3,}?)(?:c|ec)?(?:it|ill)([oa])(s?)$/)
    if (!m) return []
    const root = m[1].replace(/qu$/, "c").replace(/gu$/, "g")
    return [root + m[2] + m[3], root + "e" + m[3], root]
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
  // In Spanish: "Quizá lo conozca como: ..." (a line of its own, or a page's
  // "Quizá conozca otras palabras: ...") and the pages' "También se
  // llama(n) ..." (to the end of its sentence), joined with "o" (or "u",
  // "y"); other names in brackets are phrases too.
  const LINES = {
    en: [/(?:You may have heard|Also called):? ([^<]*)/g, /,\s*|\s+or\s+/],
    es: [/Quizá (?:lo conozca como|conozca otras palabras): ([^<]*)|También se llaman?:? ([^<.]*)/g,
      /\s*[(),]\s*|\s+[ouy]\s+/],
  }
  function alsoCalled(docs) {
    const found = [], [lines, or] = LINES[language] || LINES.en
    for (const doc of docs) {
      for (const line of (doc.text || "").matchAll(lines))
        for (const part of (line[1] ?? line[2]).split(/;|\.\s*$/))
        for (const phrase of part.replace(/\([^)]*\)\s*$/, "").split(or))
          if (phrase.trim()) found.push({phrase: phrase.trim(), title: doc.title, location: doc.location,
            words: wordsOf(phrase)})
    }
    return found
  }

  // Closest "also called" words to a query that found nothing.
  function nearby(terms) {
    const scored = []
    for (const entry of vocabulary) {
      const words = fold(entry.phrase.toLowerCase()).split(/\s+/)
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
    if (message && message.type === 3 && folding) keepAccents(message.data)
    post(message)
  }
  // What Material shows of the query keeps its accents: words found as the
  // pages spell them (also in ?h=, which marks them on the page opened),
  // missing words as typed, the suggestion as the pages spell it.
  function keepAccents(result) {
    for (const group of result.items) for (const item of group)
      item.terms = Object.fromEntries(Object.entries(item.terms || {}).map(([word, found]) =>
        [(found && spelled.get(word)) || typedAs.get(word) || word, found]))
    if (result.suggest) result.suggest = result.suggest.map(word => spelled.get(word) || word)
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
  // Shown above the no-results hint (overrides/partials/search.html), in the page's language.
  const CLOSEST = {en: "Closest words on this site:", es: "Las palabras más parecidas de este sitio:"}
  function showNearby(entries) {
    const hint = document.querySelector(".search-no-results")
    let box = document.querySelector(".search-nearby")
    if (box) box.remove()
    if (!hint || !entries || !entries.length) return
    box = document.createElement("div")
    box.className = "search-nearby"
    const intro = document.createElement("p"), list = document.createElement("ul")
    intro.textContent = CLOSEST[document.documentElement.lang] || CLOSEST.en
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
