//! Token features for the entity sequence tagger.
//!
//! A feature is a template id plus a few strings, hashed to 32 bits; the model is a
//! table from those hashes to per-tag weights. Training and tagging go through the
//! same [`DocView::features`], so what the model learned is what it sees.

use std::borrow::{Borrow, Cow};
use std::ops::{Deref, Index};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::clusters::{ClusterWord, WordClusters};
use crate::gazetteer::{GazMark, Gazetteer};
use crate::token::{self, Token};
use crate::word_lists::WordSet;

/// Person titles and roles that come right before a name.
pub(crate) const TITLE_WORDS: &[&str] = &[
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "senator",
    "sen.",
    "rep.",
    "representative",
    "congressman",
    "congresswoman",
    "governor",
    "gov.",
    "mayor",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "judge",
    "justice",
    "general",
    "gen.",
    "colonel",
    "col.",
    "major",
    "captain",
    "capt.",
    "lieutenant",
    "lt.",
    "sergeant",
    "sgt.",
    "admiral",
    "commander",
    "dr.",
    "dr",
    "mr.",
    "mr",
    "mrs.",
    "mrs",
    "ms.",
    "ms",
    "professor",
    "prof.",
    "ceo",
    "chairman",
    "chairwoman",
    "chair",
    "director",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "coach",
    "rev.",
    "reverend",
    "father",
    "sister",
    "sheikh",
    "ayatollah",
    "archbishop",
    "bishop",
    "cardinal",
    "lord",
    "sir",
    "dame",
    "deputy",
    "premier",
    "emir",
    "sultan",
    "commissioner",
    "chief",
    "inspector",
    "detective",
    "officer",
    "leader",
    "president-elect",
    "founder",
    "executive",
    "manager",
    "attorney",
    "lawyer",
    "author",
    "editor",
    "reporter",
    "correspondent",
    "analyst",
    "economist",
    "scientist",
    "researcher",
    "biologist",
    "astronaut",
    "administrator",
    "superintendent",
    "councillor",
    "councilman",
    "councilwoman",
    "dean",
    "rabbi",
    "imam",
    "pastor",
    "saint",
    "st.",
    "auditor",
    "treasurer",
    "speaker",
    "senator-elect",
    "candidate",
    "nominee",
    "player",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "driver",
    "singer",
    "actor",
    "actress",
    "director-general",
    "secretary-general",
    "mp",
    "mep",
    "chairperson",
    "head",
];

// Template ids: each feature string is hashed together with one of these.
const T_BIAS: u8 = 0;
const T_WORD: u8 = 1;
const T_SHAPE: u8 = 2;
const T_SHORT_SHAPE: u8 = 3;
const T_PREFIX: u8 = 4;
const T_SUFFIX: u8 = 5;
const T_PREV_WORD: u8 = 6;
const T_NEXT_WORD: u8 = 7;
const T_PREV2_WORD: u8 = 8;
const T_NEXT2_WORD: u8 = 9;
const T_PREV_SHAPE: u8 = 10;
const T_NEXT_SHAPE: u8 = 11;
const T_PREV_WORD_WORD: u8 = 12;
const T_WORD_NEXT_WORD: u8 = 13;
const T_SENT_START_SHAPE: u8 = 14;
const T_PREV_TAG: u8 = 15;
const T_PREV_TAG_SHAPE: u8 = 18;
const T_GAZ: u8 = 19;
const T_PREV_GAZ: u8 = 20;
const T_NEXT_GAZ: u8 = 21;
const T_PREV_TITLE: u8 = 22;
const T_TITLE: u8 = 23;
const T_LOWER_ELSEWHERE: u8 = 24;
const T_HISTORY: u8 = 25;
const T_LEN_SHAPE: u8 = 26;
const T_PREV_WORD_SHAPE: u8 = 27;
const T_SHAPE_NEXT_SHAPE: u8 = 28;
const T_CAPS_ELSEWHERE: u8 = 29;
const T_CLUSTER: u8 = 30;
const T_PREV_CLUSTER: u8 = 31;
const T_NEXT_CLUSTER: u8 = 32;
const T_CLUSTER_PREV_WORD: u8 = 33;
const T_PREV2_CLUSTER: u8 = 34;
const T_NEXT2_CLUSTER: u8 = 35;

/// The class of a word without one ([`WordClusters`]).
const NO_CLUSTER: u16 = u16::MAX;

/// FNV-1a over the template id and the parts, folded to 32 bits.
fn hash(template: u8, parts: &[&[u8]]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(template);
    h = h.wrapping_mul(0x100_0000_01b3);
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        h ^= 0xff; // separator, so ("ab","c") differs from ("a","bc")
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    (h ^ (h >> 32)) as u32
}

/// Whether `lower` is one of [`TITLE_WORDS`].
pub(crate) fn is_title_word(lower: &str) -> bool {
    static TITLES: WordSet = WordSet::of(&[TITLE_WORDS]);
    TITLES.contains(lower)
}

/// Word shape: `Xxxx`, `dd,ddd`, `X.X.`; runs longer than four are cut to four.
#[cfg(test)]
fn shape(word: &str) -> String {
    let mut out = String::new();
    push_shape(word, &mut out);
    out
}

/// Appends the [`shape`] of `word` to `out`.
fn push_shape(word: &str, out: &mut String) {
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if s == last {
            run += 1;
        } else {
            run = 1;
            last = s;
        }
        if run <= 4 {
            out.push(s);
        }
    }
}

/// Shape with every run collapsed to one character: `Xx`, `d,d`, `X.X.`.
#[cfg(test)]
fn short_shape(shape: &str) -> String {
    let mut out = String::new();
    push_short_shape(shape, &mut out);
    out
}

/// Appends the [`short_shape`] of `shape` to `out`.
fn push_short_shape(shape: &str, out: &mut String) {
    let mut last = '\0';
    for c in shape.chars() {
        if c != last {
            out.push(c);
            last = c;
        }
    }
}

/// One short string per token (its shape…), all in one buffer: indexed like a
/// `Vec<String>`, without an allocation per token.
#[derive(Default)]
struct TokenStrs {
    buf: String,
    ends: Vec<usize>,
}

impl TokenStrs {
    /// The strings `push` writes for each token, in token order.
    fn new(n: usize, mut push: impl FnMut(usize, &mut String)) -> TokenStrs {
        let mut out = TokenStrs {
            buf: String::with_capacity(n * 4),
            ends: Vec::with_capacity(n),
        };
        for i in 0..n {
            push(i, &mut out.buf);
            out.ends.push(out.buf.len());
        }
        out
    }
}

impl Index<usize> for TokenStrs {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }
}

fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// A word in lower case: borrowed from the text when it is already (most words
/// are), so that a story's words cost no allocation each. Reads like a `String`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct LowerWord<'t>(Cow<'t, str>);

impl<'t> LowerWord<'t> {
    /// `word.to_lowercase()`.
    pub fn new(word: &'t str) -> LowerWord<'t> {
        LowerWord(
            if word
                .bytes()
                .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
            {
                Cow::Borrowed(word)
            } else {
                Cow::Owned(word.to_lowercase())
            },
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for LowerWord<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for LowerWord<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<&str> for LowerWord<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<str> for LowerWord<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

/// A neighbour a token's features look at, and the templates of what it gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Neighbour {
    /// Where the neighbour stands from the token.
    pub offset: isize,
    word: u8,
    shape: Option<u8>,
    cluster: u8,
}

impl Neighbour {
    pub const PREV: Neighbour = Neighbour {
        offset: -1,
        word: T_PREV_WORD,
        shape: Some(T_PREV_SHAPE),
        cluster: T_PREV_CLUSTER,
    };
    pub const NEXT: Neighbour = Neighbour {
        offset: 1,
        word: T_NEXT_WORD,
        shape: Some(T_NEXT_SHAPE),
        cluster: T_NEXT_CLUSTER,
    };
    pub const PREV2: Neighbour = Neighbour {
        offset: -2,
        word: T_PREV2_WORD,
        shape: None,
        cluster: T_PREV2_CLUSTER,
    };
    pub const NEXT2: Neighbour = Neighbour {
        offset: 2,
        word: T_NEXT2_WORD,
        shape: None,
        cluster: T_NEXT2_CLUSTER,
    };
    /// In the order [`DocView::features`] gives their words and shapes.
    pub const ALL: [Neighbour; 4] = [
        Neighbour::PREV,
        Neighbour::NEXT,
        Neighbour::PREV2,
        Neighbour::NEXT2,
    ];
}

/// Everything about one document that the features need, computed once.
pub(crate) struct DocView<'t> {
    pub text: &'t str,
    pub tokens: Vec<Token>,
    pub lower: Vec<LowerWord<'t>>,
    shapes: TokenStrs,
    short_shapes: TokenStrs,
    pub sent_start: Vec<bool>,
    /// The sentences, as ranges of token indices ([`token::sentences`]).
    pub sentences: Vec<std::ops::Range<usize>>,
    pub gaz: Vec<GazMark>,
    title: Vec<bool>,
    /// Whether each token starts with an upper-case letter (rules ask it of
    /// every token, many times over).
    capitalized: Vec<bool>,
    lower_elsewhere: Vec<bool>,
    caps_elsewhere: Vec<bool>,
    /// Each token's word class, [`NO_CLUSTER`] for none.
    cluster: Vec<u16>,
    /// Each token's text as a number: tokens written the same way share one,
    /// numbered in order of first appearance.
    text_ids: Vec<u32>,
    /// The first token of each text number.
    text_firsts: Vec<usize>,
    /// What the word classes know of each text number's text.
    text_words: Vec<Option<ClusterWord>>,
    /// Sentence openers that are ordinary words: written in lower case often
    /// enough in the unlabelled text to have a word class, and never
    /// capitalised inside a sentence of this document.
    ordinary_opener: Vec<bool>,
}

impl<'t> DocView<'t> {
    pub fn new(text: &'t str, gazetteer: &Gazetteer, clusters: &WordClusters) -> DocView<'t> {
        DocView::build(text, gazetteer, clusters, None)
    }

    /// The view of training document `doc`, whose own names do not count as lexicon
    /// evidence (so the model does not learn to trust the lexicon more than it
    /// deserves on unseen text).
    pub fn for_training(
        text: &'t str,
        gazetteer: &Gazetteer,
        clusters: &WordClusters,
        doc: u32,
    ) -> DocView<'t> {
        DocView::build(text, gazetteer, clusters, Some(doc))
    }

    fn build(
        text: &'t str,
        gazetteer: &Gazetteer,
        clusters: &WordClusters,
        leave_out: Option<u32>,
    ) -> DocView<'t> {
        let tokens = token::tokenize(text);
        let mut sent_start = vec![false; tokens.len()];
        let sentences = token::sentences(text, &tokens);
        for s in &sentences {
            sent_start[s.start] = true;
        }
        let lower: Vec<LowerWord> = tokens
            .iter()
            .map(|t| LowerWord::new(t.text(text)))
            .collect();
        let shapes = TokenStrs::new(tokens.len(), |i, out| push_shape(tokens[i].text(text), out));
        let short_shapes = TokenStrs::new(tokens.len(), |i, out| push_short_shape(&shapes[i], out));
        let title = lower.iter().map(|w| is_title_word(w)).collect();
        let capitalized: Vec<bool> = tokens
            .iter()
            .map(|t| is_capitalized(t.text(text)))
            .collect();
        let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
        let mut text_firsts = Vec::new();
        let text_ids: Vec<u32> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                *ids.entry(t.text(text)).or_insert_with(|| {
                    text_firsts.push(i);
                    (text_firsts.len() - 1) as u32
                })
            })
            .collect();
        // Document-level casing: a capitalised word also written in lower case elsewhere
        // is probably an ordinary word; one capitalised mid-sentence elsewhere is a name.
        // What depends on a token's text alone is asked once a text.
        let mut lowercase_forms: FxHashSet<&str> = FxHashSet::default();
        for &i in &text_firsts {
            if tokens[i].text(text).starts_with(char::is_lowercase) {
                lowercase_forms.insert(lower[i].as_str());
            }
        }
        let mut midcaps_forms: FxHashSet<&str> = FxHashSet::default();
        let mut midcaps_met = vec![false; text_firsts.len()];
        for (i, &k) in text_ids.iter().enumerate() {
            if capitalized[i] && !sent_start[i] && !midcaps_met[k as usize] {
                midcaps_met[k as usize] = true;
                midcaps_forms.insert(lower[i].as_str());
            }
        }
        let elsewhere: Vec<(bool, bool)> = text_firsts
            .iter()
            .map(|&i| {
                let w = lower[i].as_str();
                let capital = capitalized[i];
                (
                    capital && lowercase_forms.contains(w),
                    capital && midcaps_forms.contains(w),
                )
            })
            .collect();
        let lower_elsewhere = text_ids.iter().map(|&k| elsewhere[k as usize].0).collect();
        let caps_elsewhere: Vec<bool> = text_ids.iter().map(|&k| elsewhere[k as usize].1).collect();
        let gaz = gazetteer.mark_tokens(text, &tokens, (&text_ids, &text_firsts), leave_out);
        // A word's class is looked up once a story, not once a token.
        let text_words: Vec<Option<ClusterWord>> = text_firsts
            .iter()
            .map(|&i| clusters.word(tokens[i].text(text)))
            .collect();
        let cluster = text_ids
            .iter()
            .map(|&k| text_words[k as usize].map_or(NO_CLUSTER, |w| w.class))
            .collect();
        let ordinary_opener = (0..tokens.len())
            .map(|i| {
                sent_start[i]
                    && capitalized[i]
                    && !caps_elsewhere[i]
                    && clusters.class(lower[i].as_str()).is_some()
            })
            .collect();
        DocView {
            text,
            tokens,
            lower,
            shapes,
            short_shapes,
            sent_start,
            sentences,
            gaz,
            title,
            capitalized,
            lower_elsewhere,
            caps_elsewhere,
            cluster,
            text_ids,
            text_firsts,
            text_words,
            ordinary_opener,
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Token `i`'s text as a number: tokens written the same way share one,
    /// from 0 up in order of first appearance.
    pub fn text_id(&self, i: usize) -> u32 {
        self.text_ids[i]
    }

    /// The first token of each text number ([`DocView::text_id`]).
    pub fn text_firsts(&self) -> &[usize] {
        &self.text_firsts
    }

    /// The number the word classes give text number `k`'s text, if they
    /// know it ([`ClusterWord::number`]).
    pub fn text_word_number(&self, k: usize) -> Option<u32> {
        self.text_words[k].map(|w| w.number)
    }

    /// Index of the first token that starts at or after char offset `c`.
    pub fn token_at(&self, c: usize) -> usize {
        self.tokens.partition_point(|t| t.cstart < c)
    }

    pub fn word(&self, i: usize) -> &str {
        self.tokens[i].text(self.text)
    }

    /// Token `i` in lower case, or `""` past the document's end: what the
    /// rules that look a few words ahead compare against.
    pub fn lower_at(&self, i: usize) -> &str {
        self.lower.get(i).map_or("", |w| w.as_str())
    }

    /// Whether capitalised token `i` is also written in lower case elsewhere in the
    /// document (an ordinary word, then, not a name). All-caps tokens never are.
    pub fn lower_is_common(&self, i: usize) -> bool {
        self.lower_elsewhere[i] && self.word(i).chars().any(char::is_lowercase)
    }

    /// Whether token `i` opens its sentence as an ordinary word would
    /// ("Crowds gathered …"): see [`DocView::ordinary_opener`].
    pub fn is_ordinary_opener(&self, i: usize) -> bool {
        self.ordinary_opener[i]
    }

    /// Whether token `i` is capitalised (starts with an upper-case letter).
    pub fn is_capitalized(&self, i: usize) -> bool {
        self.capitalized[i]
    }

    /// Whether token `i` is capitalised inside its sentence, where a capital
    /// says a name and not where the sentence starts; false past the
    /// document's end.
    pub fn is_capitalized_in_sentence(&self, i: usize) -> bool {
        i < self.len() && !self.sent_start[i] && self.capitalized[i]
    }

    /// Where the gazetteer name that begins at token `i` ends (the token
    /// after its last), or `None` where no name begins there.
    pub(crate) fn gaz_match_end(&self, i: usize) -> Option<usize> {
        let g = self.gaz.get(i).filter(|g| g.is_begin())?;
        let mut end = i + 1;
        while end < self.len() && self.gaz[end].position() == 3 && self.gaz[end].entry == g.entry {
            end += 1;
        }
        Some(end)
    }

    /// Fills `out` with the hashes of the features of token `i` that do not depend on
    /// the tag before it; `history` is what this word was tagged earlier in the
    /// document (a tag-type id), if anything.
    ///
    /// They are the token's [`DocView::own_features`], what each neighbour
    /// gives it ([`DocView::neighbour_features`]) and its
    /// [`DocView::context_features`], in the order training summed them (a
    /// model trained on them is what it is only in this order, to the last bit).
    pub fn features(&self, i: usize, history: Option<u8>, out: &mut Vec<u32>) {
        out.clear();
        let ii = i as isize;
        self.text_features(i, out);
        for role in Neighbour::ALL {
            out.push(hash(role.word, &[self.word_at(ii + role.offset)]));
        }
        for role in Neighbour::ALL {
            if let Some(t) = role.shape {
                out.push(hash(t, &[self.shape_at(ii + role.offset)]));
            }
        }
        self.pair_features(i, history, out);
        out.push(hash(T_CLUSTER, &[&self.cluster_at(ii)]));
        out.push(self.neighbour_cluster(ii, Neighbour::PREV));
        out.push(self.neighbour_cluster(ii, Neighbour::NEXT));
        out.push(self.cluster_prev_word(ii));
        out.push(self.neighbour_cluster(ii, Neighbour::PREV2));
        out.push(self.neighbour_cluster(ii, Neighbour::NEXT2));
    }

    /// The features of token `i` that depend on its text alone (appended to
    /// `out`): any token written the same way has the same.
    pub fn own_features(&self, i: usize, out: &mut Vec<u32>) {
        self.text_features(i, out);
        out.push(hash(T_CLUSTER, &[&self.cluster_at(i as isize)]));
    }

    /// The features the token at `j` gives the token `role` stands from it
    /// (appended to `out`): they depend on the text at `j` alone, or on
    /// which edge of the document `j` lies beyond.
    pub fn neighbour_features(&self, j: isize, role: Neighbour, out: &mut Vec<u32>) {
        let i = j - role.offset;
        out.push(hash(role.word, &[self.word_at(j)]));
        if let Some(t) = role.shape {
            out.push(hash(t, &[self.shape_at(j)]));
        }
        out.push(self.neighbour_cluster(i, role));
    }

    /// The rest of token `i`'s features (appended to `out`): those that join it
    /// with a neighbour, its place in the sentence and the lexicons, and
    /// `history`.
    pub fn context_features(&self, i: usize, history: Option<u8>, out: &mut Vec<u32>) {
        self.pair_features(i, history, out);
        out.push(self.cluster_prev_word(i as isize));
    }

    /// Bias, word, shapes, affixes and length.
    fn text_features(&self, i: usize, out: &mut Vec<u32>) {
        let w = self.lower[i].as_bytes();
        let sh = self.shapes[i].as_bytes();
        let ssh = self.short_shapes[i].as_bytes();
        out.push(hash(T_BIAS, &[]));
        out.push(hash(T_WORD, &[w]));
        out.push(hash(T_SHAPE, &[sh]));
        out.push(hash(T_SHORT_SHAPE, &[ssh]));
        let lw = &self.lower[i];
        for k in 1..=3 {
            if let Some((idx, _)) = lw.char_indices().nth(k) {
                out.push(hash(T_PREFIX, &[&lw.as_bytes()[..idx]]));
            }
        }
        let nchars = lw.chars().count();
        for k in 1..=4 {
            if nchars > k
                && let Some((idx, _)) = lw.char_indices().nth(nchars - k)
            {
                out.push(hash(T_SUFFIX, &[&lw.as_bytes()[idx..]]));
            }
        }
        let len_bucket: &[u8] = match nchars {
            1 => b"1",
            2 => b"2",
            3 => b"3",
            4..=6 => b"4-6",
            _ => b"7+",
        };
        out.push(hash(T_LEN_SHAPE, &[len_bucket, ssh]));
    }

    /// Word pairs, shape pairs, sentence start, lexicons, casing elsewhere
    /// and history.
    fn pair_features(&self, i: usize, history: Option<u8>, out: &mut Vec<u32>) {
        let n = self.len();
        let ii = i as isize;
        let w = self.lower[i].as_bytes();
        let ssh = self.short_shapes[i].as_bytes();
        out.push(hash(T_PREV_WORD_WORD, &[self.word_at(ii - 1), w]));
        out.push(hash(T_WORD_NEXT_WORD, &[w, self.word_at(ii + 1)]));
        out.push(hash(T_PREV_WORD_SHAPE, &[self.word_at(ii - 1), ssh]));
        out.push(hash(T_SHAPE_NEXT_SHAPE, &[ssh, self.shape_at(ii + 1)]));
        let start: &[u8] = if self.sent_start[i] { b"1" } else { b"0" };
        out.push(hash(T_SENT_START_SHAPE, &[start, ssh]));
        let g = self.gaz[i];
        for kind in g.kinds() {
            out.push(hash(T_GAZ, &[&[kind, g.position()]]));
        }
        if i > 0 {
            for kind in self.gaz[i - 1].kinds() {
                out.push(hash(T_PREV_GAZ, &[&[kind]]));
            }
            if self.title[i - 1] {
                out.push(hash(T_PREV_TITLE, &[ssh]));
            }
        }
        if i + 1 < n {
            for kind in self.gaz[i + 1].kinds() {
                out.push(hash(T_NEXT_GAZ, &[&[kind]]));
            }
        }
        if self.title[i] {
            out.push(hash(T_TITLE, &[ssh]));
        }
        if self.lower_elsewhere[i] {
            out.push(hash(T_LOWER_ELSEWHERE, &[start]));
        }
        if self.caps_elsewhere[i] {
            out.push(hash(T_CAPS_ELSEWHERE, &[start]));
        }
        if let Some(h) = history {
            out.push(hash(T_HISTORY, &[&[h]]));
        }
    }

    /// The word at `j` in lower case, or the edge of the document it lies beyond.
    fn word_at(&self, j: isize) -> &[u8] {
        if j < 0 {
            b"<s>"
        } else if j as usize >= self.len() {
            b"</s>"
        } else {
            self.lower[j as usize].as_bytes()
        }
    }

    /// The short shape at `j`, or the edge's.
    fn shape_at(&self, j: isize) -> &[u8] {
        if j < 0 || j as usize >= self.len() {
            b"<>"
        } else {
            self.short_shapes[j as usize].as_bytes()
        }
    }

    /// The word class at `j`; the edges of the text have a class of their own.
    fn cluster_at(&self, j: isize) -> [u8; 2] {
        if j < 0 || j as usize >= self.len() {
            [0xfe, 0xff]
        } else {
            self.cluster[j as usize].to_le_bytes()
        }
    }

    /// The class feature token `i` gets from its neighbour `role`.
    fn neighbour_cluster(&self, i: isize, role: Neighbour) -> u32 {
        hash(role.cluster, &[&self.cluster_at(i + role.offset)])
    }

    fn cluster_prev_word(&self, i: isize) -> u32 {
        hash(
            T_CLUSTER_PREV_WORD,
            &[&self.cluster_at(i), self.word_at(i - 1)],
        )
    }

    /// What [`DocView::transition_features`] read of token `i` besides the tag
    /// before it: tokens with one key have the same transition features, and
    /// the tagger scores them once per key. Keep the two in step.
    pub fn transition_key(&self, i: usize) -> &str {
        &self.short_shapes[i]
    }

    /// The features of token `i` that depend on the tag before it: the transition,
    /// and the transition with this token's shape.
    pub fn transition_features(&self, i: usize, prev: u8) -> [u32; 2] {
        [
            hash(T_PREV_TAG, &[&[prev]]),
            hash(
                T_PREV_TAG_SHAPE,
                &[&[prev], self.short_shapes[i].as_bytes()],
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_describe_capitalisation_and_digits() {
        assert_eq!(shape("Washington"), "Xxxxx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(short_shape(&shape("300,000")), "d,d");
    }

    #[test]
    fn hashing_separates_parts_and_templates() {
        assert_ne!(hash(1, &[b"ab", b"c"]), hash(1, &[b"a", b"bc"]));
        assert_ne!(hash(1, &[b"paris"]), hash(2, &[b"paris"]));
    }
}
