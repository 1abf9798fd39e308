// Made-up stories for loading a server in bulk (the browser test's
// 10,000-row monitor, the benchmark): words of a real text drawn by a
// seeded generator, so that no two stories are near-copies, which
// newsterm would fold into one row.

/**
 * Returns a function that makes the next story, as an import line's object.
 * `vocabulary`: how many distinct words of `text` are drawn from;
 * `bodyWords`: the body's length, 0 for a headline alone (a flash-style
 * bulletin). A small vocabulary and long bodies make every story share
 * words with hundreds of others, which is what grouping stories into
 * events spends its time on.
 */
export function bulkStories(text, { seed = 9, source = "Bulk Wire", prefix = "Bulletin", vocabulary = 3000, bodyWords = 30 } = {}) {
  const words = [...new Set(text.match(/[A-Za-z]{4,}/g))].slice(0, vocabulary);
  // mulberry32: a 32-bit generator whose draws do not repeat for long.
  let state = seed;
  const draw = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const phrase = (n) => Array.from({ length: n }, () => words[Math.floor(draw() * words.length)]).join(" ");
  let serial = 0;
  return (extra = {}) => {
    const i = serial++;
    const body = bodyWords ? { body: `${phrase(bodyWords)}.` } : {};
    return { id: `${prefix.toLowerCase()}:${i}`, title: `${prefix} ${i}: ${phrase(6)}`, published: new Date().toISOString(), source, ...body, ...extra };
  };
}
