//! Quotes and their speakers: words between quotation marks, and attributed
//! reported speech ("X said (that) …", "…, X told reporters", "according to X, …").

use std::ops::Range;

use crate::annotations::{Entity, EntityType, Quote, QuoteKind};
use crate::features::{DocView, is_title_word};
use crate::word_lists::WordSet;

/// Finite speech verbs ("said", "told"); [`PARTICIPLES`] are the rest.
pub(crate) const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "stated",
    "states",
    "announced",
    "explained",
    "claimed",
    "warned",
    "noted",
    "argued",
    "insisted",
    "denied",
    "confirmed",
    "wrote",
    "writes",
    "asked",
    "replied",
    "commented",
    "declared",
    "admitted",
    "stressed",
    "urged",
    "predicted",
    "acknowledged",
    "remarked",
    "tweeted",
    "maintained",
    "suggested",
    "recalled",
    "recalls",
    "posted",
    "responded",
    "reacted",
    "continued",
    "called",
    "characterized",
    "characterised",
    "described",
    "cited",
    "offered",
];

/// Speech verbs that are participles (speech verbs too, beside
/// [`SPEECH_VERBS`]): their subject is the sentence's subject ("Trump
/// congratulated Pelosi, saying, …" is Trump speaking).
const PARTICIPLES: &[&str] = &[
    "saying",
    "adding",
    "announcing",
    "noting",
    "writing",
    "telling",
    "confirming",
];

/// Words that may stand between a speaker and the speech verb: "Jagger also
/// reacted", "Duda later said".
const BETWEEN_SUBJECT_AND_VERB: &[&str] = &[
    "also",
    "later",
    "then",
    "had",
    "has",
    "have",
    "further",
    "previously",
    "again",
    "once",
];

/// Speech verbs whose object is who was spoken to, not the speaker: in
/// "a resident told Paul Rivera of WESH: …" Rivera only listened.
const ADDRESSEE_VERBS: &[&str] = &["told", "tells", "telling", "asked", "asks"];

/// How far (in tokens) a quote may open after the close of the one before for
/// an unattributed one to continue its speaker.
const CONTINUATION_GAP: usize = 12;

const PRONOUNS: &[&str] = &["he", "she", "they", "we", "i"];

/// Words that make what stands between a comma and a name a clause, not
/// the name's role: "Sid Rosenberg, who worked for Imus, tweeted" is
/// Rosenberg speaking.
const ROLE_BREAKERS: &[&str] = &[
    "who", "whom", "whose", "which", "that", "for", "by", "with", "to", "in", "at", "of", "from",
    "on",
];

/// Mentions located by token.
struct Mention<'e> {
    first: usize,
    end: usize,
    entity: &'e Entity,
}

/// Finds the quotes of a document whose entities are already known.
pub(crate) fn quotes(
    view: &DocView,
    sentences: &[Range<usize>],
    entities: &[Entity],
) -> Vec<Quote> {
    let mentions: Vec<Mention> = entities
        .iter()
        .filter(|e| matches!(e.kind, EntityType::Person | EntityType::Org))
        .filter_map(|e| {
            let first = view
                .tokens
                .binary_search_by_key(&e.start, |t| t.cstart)
                .ok()?;
            let last = view.tokens.binary_search_by_key(&e.end, |t| t.cend).ok()?;
            Some(Mention {
                first,
                end: last + 1,
                entity: e,
            })
        })
        .collect();
    let mut quoted = vec![false; view.len()];
    let pairs: Vec<(usize, usize)> = quote_pairs(view)
        .into_iter()
        .filter(|(open, close)| close - open >= 4) // scare quotes and titles, not speech
        .collect();
    for &(open, close) in &pairs {
        quoted[open..=close].iter_mut().for_each(|q| *q = true);
    }
    let finder = SpeakerFinder {
        view,
        mentions: &mentions,
        quoted: &quoted,
    };
    let mut out = Vec::new();

    // The last direct quote with a speaker: (closing token, speaker).
    let mut last_speaker: Option<(usize, String)> = None;
    for (open, close) in pairs {
        let sent_of = |tok: usize| sentences.iter().position(|s| s.contains(&tok));
        let after = sent_of(close).map(|k| close + 1..sentences[k].end.min(close + 10));
        let sentence = sent_of(open).map(|k| sentences[k].start);
        let before = sentence.map(|start| start.max(open.saturating_sub(12))..open);
        let speaker = after
            .clone()
            .and_then(|w| finder.after(w.start, w.end))
            .or_else(|| {
                let w = before.clone()?;
                finder.before(sentence.unwrap_or(w.start), w.start, w.end)
            })
            .or_else(|| finder.according_to(sentence?, open))
            .or_else(|| {
                // A quote introduced by a speech verb of its own whose subject
                // is no name ("An official from TfL stated: …") has a speaker
                // of its own, unnamed: it does not go on with the last one.
                let introduced = [after.clone(), before.clone()]
                    .into_iter()
                    .flatten()
                    .any(|w| finder.unnamed_speaker(w));
                if introduced {
                    return None;
                }
                // A quote right after another, with no one else named between
                // them, goes on with the same speaker: `"…," said Roe. "…"`.
                let (prev_close, speaker) = last_speaker.as_ref()?;
                let others = finder.mentions.iter().any(|m| {
                    m.first > *prev_close && m.end <= open && m.entity.canonical != *speaker
                });
                (open - prev_close <= CONTINUATION_GAP && !others).then(|| speaker.clone())
            });
        if let Some(s) = &speaker {
            last_speaker = Some((close, s.clone()));
        }
        out.push(Quote {
            start: view.tokens[open + 1].cstart,
            end: view.tokens[close - 1].cend,
            text: view.text[view.tokens[open + 1].start..view.tokens[close - 1].end].to_string(),
            speaker,
            kind: QuoteKind::Direct,
        });
    }

    for s in sentences {
        if s.len() < 5 || quoted[s.clone()].iter().any(|q| *q) {
            continue;
        }
        if let Some(q) = finder.reported(s.clone()) {
            out.push(q);
        }
    }
    out.sort_by_key(|q| q.start);
    out
}

/// Pairs of (opening, closing) quotation-mark token indexes. Curly quotes pair by
/// direction; straight ones alternate. A paragraph break closes nothing: a quote left
/// open at one is dropped.
fn quote_pairs(view: &DocView) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut open: Option<usize> = None;
    for i in 0..view.len() {
        if view.tokens[i].newline_before {
            open = None;
        }
        match (view.word(i), open) {
            ("\u{201c}", _) => open = Some(i),
            ("\u{201d}" | "\"", Some(o)) => {
                pairs.push((o, i));
                open = None;
            }
            ("\"", None) => open = Some(i),
            _ => {}
        }
    }
    pairs
}

struct SpeakerFinder<'v, 'e> {
    view: &'v DocView<'v>,
    mentions: &'v [Mention<'e>],
    /// Tokens inside a direct quote (quotation marks included).
    quoted: &'v [bool],
}

impl SpeakerFinder<'_, '_> {
    fn is_verb(&self, i: usize) -> bool {
        let word = self.view.lower[i].as_str();
        static VERBS: WordSet = WordSet::of(&[SPEECH_VERBS, PARTICIPLES]);
        VERBS.contains(word)
    }

    /// Whether a finite speech verb in `window` has a subject of words that
    /// name no one ("an official from TfL stated", "the ministry said", "said
    /// a spokesman"); a verb after "and" or a participle ("…, adding, …") goes
    /// on with the sentence's subject and is not such a verb.
    fn unnamed_speaker(&self, window: Range<usize>) -> bool {
        let view = self.view;
        window.clone().any(|i| {
            if !SPEECH_VERBS.contains(&view.lower[i].as_str()) {
                return false;
            }
            let before = i.checked_sub(1).map(|j| view.lower[j].as_str());
            let after = view.lower.get(i + 1).map(|w| w.as_str());
            let worded = before.is_some_and(|w| {
                w.chars().all(char::is_alphabetic) && !matches!(w, "and" | "or" | "but" | "then")
            });
            worded && i > window.start || matches!(after, Some("a" | "an" | "the" | "one"))
        })
    }

    /// The mention covering token `i`.
    fn mention_at(&self, i: usize) -> Option<&Mention<'_>> {
        self.mentions.iter().find(|m| m.first <= i && i < m.end)
    }

    /// The person mention covering token `i`.
    fn person_at(&self, i: usize) -> Option<&Mention<'_>> {
        self.mention_at(i)
            .filter(|m| m.entity.kind == EntityType::Person)
    }

    /// The first person named within `range` outside quotes, else the first
    /// organisation: who a sentence's subject or an attribution names.
    fn first_named(&self, range: Range<usize>) -> Option<String> {
        let named = |kind: EntityType| {
            self.mentions.iter().find(|m| {
                m.first >= range.start
                    && m.end <= range.end
                    && m.entity.kind == kind
                    && !self.quoted[m.first]
            })
        };
        named(EntityType::Person)
            .or_else(|| named(EntityType::Org))
            .map(|m| m.entity.canonical.clone())
    }

    /// The most recent PERSON before token `i`: who "he" or "she" most likely is.
    /// Names inside a quote are left out: the speaker is seldom someone they
    /// quote, and a quoted exclamation ("'Bloody hell', …") may pass for a name.
    fn last_person_before(&self, i: usize) -> Option<String> {
        self.mentions
            .iter()
            .rfind(|m| m.end <= i && m.entity.kind == EntityType::Person && !self.quoted[m.first])
            .map(|m| m.entity.canonical.clone())
    }

    /// The subject of the speech verb at `verb`: a mention ending right before it (maybe
    /// across an appositive between commas), or a pronoun.
    fn subject(&self, from: usize, verb: usize) -> Option<String> {
        let view = self.view;
        let mut j = verb;
        let participle = PARTICIPLES.contains(&view.lower[verb].as_str());
        if j > from && view.word(j - 1) == "," && !participle {
            // "…, professor Julia Marsh, said": the name itself before the
            // comma, after a role ("Sid Rosenberg, who worked for Imus, said"
            // is no such role).
            if j - 1 > from
                && let Some(m) = self.person_at(j - 2)
                && (from..m.first)
                    .rev()
                    .take_while(|&k| view.word(k) != ",")
                    .all(|k| !ROLE_BREAKERS.contains(&view.lower[k].as_str()))
            {
                return Some(m.entity.canonical.clone());
            }
            // Skip an appositive: "Jane Roe, the foreign minister, said"; a
            // long one ("Mark Smith, Chair of Global Politics in the Faculty
            // of Arts at Monash University, said") only after a person's name.
            if let Some(k) = (from..j - 1).rev().take(24).find(|&k| view.word(k) == ",")
                && (j - 1 - k <= 10 || k > from && self.person_at(k - 1).is_some())
            {
                j = k;
            }
        }
        while j > from && BETWEEN_SUBJECT_AND_VERB.contains(&view.lower[j - 1].as_str()) {
            j -= 1;
        }
        if j == from {
            return None;
        }
        if participle {
            // The subject of the sentence: its first person, else its first
            // organisation, outside quotes ("Politico quoted Tim Manning …
            // as saying"), or a pronoun opening it.
            // "The FAA and the NTSB, with the latter confirming …": the last
            // of the two named before; the former, the one before it.
            if let Some(k) = (from + 1..verb).find(|&k| {
                view.lower[k - 1] == "the" && matches!(view.lower[k].as_str(), "latter" | "former")
            }) {
                let mut before = self
                    .mentions
                    .iter()
                    .rev()
                    .filter(|m| m.end < k && !self.quoted[m.first]);
                let last = before.next()?;
                let named = if view.lower[k] == "latter" {
                    Some(last)
                } else {
                    before.find(|m| m.entity.canonical != last.entity.canonical)
                };
                return named.map(|m| m.entity.canonical.clone());
            }
            if let Some(name) = self.first_named(from..verb) {
                return Some(name);
            }
            return (PRONOUNS.contains(&view.lower[from].as_str())
                && !matches!(view.lower[from].as_str(), "we" | "i"))
            .then(|| self.last_person_before(from))
            .flatten();
        }
        if let Some(m) = self.person_of(from, j) {
            return Some(m);
        }
        if let Some(m) = self.mention_at(j - 1) {
            return Some(m.entity.canonical.clone());
        }
        if PRONOUNS.contains(&view.lower[j - 1].as_str())
            && !matches!(view.lower[j - 1].as_str(), "we" | "i")
        {
            return self.last_person_before(j - 1);
        }
        self.described(from, j)
    }

    /// "Paul Green of NOAA told", "Keith Richards of The Rolling Stones
    /// reacted": the person named before the body or the band that ends
    /// before token `end` (a name, or capitalised words the tagger left
    /// untagged) is who spoke, not the body.
    fn person_of(&self, from: usize, end: usize) -> Option<String> {
        let view = self.view;
        let mut k = match self.mention_at(end - 1) {
            Some(m) if m.entity.kind != EntityType::Person => m.first,
            Some(_) => return None,
            None => end,
        };
        while k > from && end - k < 6 && view.is_capitalized(k - 1) {
            k -= 1;
        }
        if k == end || k < from + 2 || !matches!(view.lower[k - 1].as_str(), "of" | "from" | "at") {
            return None;
        }
        self.person_at(k - 2).map(|m| m.entity.canonical.clone())
    }

    /// The person a definite description ending before token `end` stands for
    /// ("the president", "the foreign minister"), when exactly one person of the
    /// story was given a role with those words; with two presidents in the story
    /// "the president" is nobody in particular.
    fn described(&self, from: usize, end: usize) -> Option<String> {
        let view = self.view;
        if !is_title_word(view.lower[end - 1].as_str()) {
            return None;
        }
        let mut k = end - 1;
        while k > from && k + 3 >= end && view.lower[k - 1] != "the" {
            if !view.word(k - 1).chars().all(char::is_lowercase) {
                return None;
            }
            k -= 1;
        }
        if k == from || view.lower[k - 1] != "the" {
            return None;
        }
        let description = view.lower[k..end].join(" ");
        let mut people = self.mentions.iter().filter(|m| {
            m.entity.kind == EntityType::Person
                && m.entity
                    .role
                    .as_ref()
                    .is_some_and(|r| r.to_lowercase().contains(&description))
        });
        let first = people.next()?.entity.canonical.as_str();
        people
            .all(|m| m.entity.canonical == first)
            .then(|| first.to_string())
    }

    /// Speaker named after a closing quote: `," said Roe` / `," Roe said` / `," he said`.
    fn after(&self, from: usize, to: usize) -> Option<String> {
        let view = self.view;
        let to = to.min(view.len());
        let verb = (from..to).find(|&i| self.is_verb(i))?;
        if let Some(s) = self.subject(from, verb) {
            return Some(s);
        }
        // Inverted: "said Jane Roe", "said union leader Jane Roe".
        self.named_after(verb)
    }

    /// The mention right after speech verb `verb`, maybe behind a lower-case
    /// role that ends in a title word ("said union leader Jane Roe").
    fn named_after(&self, verb: usize) -> Option<String> {
        let view = self.view;
        let end = (verb + 5).min(view.len());
        let first = (verb + 1..end).find(|&i| {
            self.mention_at(i).is_some() || !view.word(i).chars().all(char::is_lowercase)
        })?;
        let m = self.mention_at(first)?;
        let behind_title = first == verb + 1 || is_title_word(view.lower[first - 1].as_str());
        behind_title.then(|| m.entity.canonical.clone())
    }

    /// Speaker named before an opening quote: `Roe said: "…"`, `Roe told
    /// reporters "…"`, the verb in `from..to`; its subject may stand further
    /// back, from `sentence` on ("Anna Berg, the foreign minister of Sweden,
    /// responded to the new rules via Twitter: …").
    fn before(&self, sentence: usize, from: usize, to: usize) -> Option<String> {
        let verb = (from..to).rev().find(|&i| self.is_verb(i))?;
        self.subject(sentence, verb).or_else(|| {
            let next = verb + 1;
            (next < to && !ADDRESSEE_VERBS.contains(&self.view.lower[verb].as_str()))
                .then(|| self.mention_at(next))
                .flatten()
                .map(|m| m.entity.canonical.clone())
        })
    }

    /// "According to U.S. Attorney Bash, the manifesto …: "…"": a quote in
    /// a sentence opened by "according to" and a name (maybe behind a
    /// title) is that name's.
    fn according_to(&self, sentence: usize, open: usize) -> Option<String> {
        let view = self.view;
        if open < sentence + 3
            || view.lower[sentence] != "according"
            || view.lower[sentence + 1] != "to"
        {
            return None;
        }
        let source = sentence + 2..open.min(sentence + 8);
        let comma = source.clone().find(|&i| view.word(i) == ",")?;
        // "According to the BBC, a spokesman … expressed …": someone of
        // their own speaks.
        if (comma..open).any(|i| self.is_verb(i)) {
            return None;
        }
        // "According to Samoa Observer editor Keni Lesa": the person.
        self.first_named(source.start..comma)
    }

    /// Attributed reported speech in one sentence.
    fn reported(&self, s: Range<usize>) -> Option<Quote> {
        let view = self.view;
        let text_of = |a: usize, b: usize| -> Option<(usize, usize, String)> {
            // Trim punctuation at both ends.
            let mut a = a;
            let mut b = b;
            while a < b && !view.word(a).chars().any(char::is_alphanumeric) {
                a += 1;
            }
            while b > a && !view.word(b - 1).chars().any(char::is_alphanumeric) {
                b -= 1;
            }
            (b - a >= 3).then(|| {
                (
                    view.tokens[a].cstart,
                    view.tokens[b - 1].cend,
                    view.text[view.tokens[a].start..view.tokens[b - 1].end].to_string(),
                )
            })
        };
        let quote = |(start, end, text): (usize, usize, String), speaker: String| Quote {
            start,
            end,
            text,
            speaker: Some(speaker),
            kind: QuoteKind::Reported,
        };
        // "according to X, …" / "…, according to X."
        if let Some(a) = (s.start..s.end.saturating_sub(1))
            .find(|&i| view.lower[i] == "according" && view.lower[i + 1] == "to")
        {
            let m = self.mention_at(a + 2)?;
            let speaker = m.entity.canonical.clone();
            return if a == s.start {
                let comma = (m.end..s.end).find(|&i| view.word(i) == ",")?;
                text_of(comma + 1, s.end).map(|t| quote(t, speaker))
            } else {
                text_of(s.start, a).map(|t| quote(t, speaker))
            };
        }
        let verb = (s.clone()).find(|&i| self.is_verb(i))?;
        if let Some(speaker) = self.subject(s.start, verb) {
            // "X said (that) …": the rest of the sentence, after any "reporters" object.
            // When place, time or audience stand before "that" ("said in Geneva on
            // Monday that …"), the speech starts after the "that".
            let mut from = self
                .that_after_circumstances(verb, s.end)
                .unwrap_or(verb + 1);
            /// Words that name how something was said ("in a statement").
            const SETTINGS: &[&str] = &["news", "conference", "statement", "interview"];
            let setting = |i: usize| i < s.end && SETTINGS.contains(&view.lower[i].as_str());
            while from < s.end
                && (matches!(
                    view.lower[from].as_str(),
                    "reporters" | "journalists" | "that" | "on" | "in" | "," | ":"
                ) || setting(from)
                    // An article belongs to the setting, not to the speech: "said
                    // in a statement …" but "said the plan …".
                    || (matches!(view.lower[from].as_str(), "a" | "the") && setting(from + 1)))
            {
                from += 1;
            }
            if verb + 2 < s.end && view.word(verb + 1) != "," {
                return text_of(from, s.end).map(|t| quote(t, speaker));
            }
            // "…, X said." at the end of the sentence.
            let subject_start = (s.start..verb).rev().find(|&i| view.word(i) == ",")?;
            return text_of(s.start, subject_start).map(|t| quote(t, speaker));
        }
        // "…, said X."
        let m = self.mention_at(verb + 1)?;
        if verb > s.start && view.word(verb - 1) == "," {
            return text_of(s.start, verb - 1).map(|t| quote(t, m.entity.canonical.clone()));
        }
        None
    }

    /// The word after the "that" which ends the circumstances of a speech verb
    /// ("said in Geneva on Monday that …", "told reporters on Monday that …"),
    /// when the verb is followed by a preposition, a time word or an audience
    /// and a "that" comes within a few words; `None` otherwise, so a relative
    /// "that" ("said the plan that …") is never taken for the start of speech.
    fn that_after_circumstances(&self, verb: usize, end: usize) -> Option<usize> {
        /// Words after which a clause's "that" still belongs to the speech verb.
        const CIRCUMSTANCE_STARTS: &[&str] = &[
            "in",
            "on",
            "at",
            "during",
            "after",
            "before",
            "late",
            "earlier",
            "yesterday",
            "today",
            "tonight",
            "reporters",
            "journalists",
            "parliament",
            "lawmakers",
        ];
        /// How far after the verb its "that" may stand.
        const WINDOW: usize = 10;
        let view = self.view;
        let first = view.lower.get(verb + 1).filter(|_| verb + 1 < end)?;
        if !CIRCUMSTANCE_STARTS.contains(&first.as_str()) {
            return None;
        }
        (verb + 2..(verb + 1 + WINDOW).min(end))
            .take_while(|&i| !matches!(view.word(i), "." | "\"" | "“"))
            .find(|&i| view.lower[i] == "that")
            .map(|i| i + 1)
    }
}
