//! Topics: IPTC Media Topics and newsterm's own mnemonic codes, scored from cue
//! phrases in the text.
//!
//! Every active Media Topic contributes its English label as cue phrases (the label
//! split at commas and "and": "conflict, war and peace" → "conflict", "war",
//! "peace"); a match counts for the topic and all its ancestors. The mnemonic codes
//! of [`MNEMONICS`] add hand-picked cue words and the matches of the Media Topic they
//! map to. A score is `1 - exp(-hits / (2 + words / 300))`, the headline counting
//! twice, so it grows with how much of the story is about the topic.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;

use crate::annotations::Topic;
use crate::error::TagError;

/// A mnemonic topic code for `NI <code>`: (code, label, IPTC qcode it maps to, cue
/// words). Cue words are matched after light stemming ("voters" → "voter").
pub const MNEMONICS: &[(&str, &str, &str, &[&str])] = &[
    (
        "CONFLICT",
        "war and armed conflict",
        "medtop:16000000",
        &[
            "war",
            "troops",
            "military",
            "soldier",
            "army",
            "airstrike",
            "air strike",
            "missile",
            "shelling",
            "ceasefire",
            "rebel",
            "militant",
            "invasion",
            "bombing",
            "insurgent",
            "combat",
            "fighting",
            "offensive",
            "artillery",
            "drone strike",
            "armed forces",
        ],
    ),
    (
        "TERROR",
        "terrorism",
        "medtop:20000103",
        &[
            "terrorist",
            "terrorism",
            "suicide bomber",
            "extremist",
            "jihadist",
            "terror attack",
        ],
    ),
    (
        "DIPLOMACY",
        "diplomacy and international relations",
        "medtop:20000639",
        &[
            "diplomat",
            "diplomatic",
            "embassy",
            "ambassador",
            "summit",
            "treaty",
            "sanction",
            "foreign minister",
            "bilateral",
            "negotiation",
            "foreign ministry",
            "secretary of state",
            "peace talks",
            "envoy",
        ],
    ),
    (
        "ELECTION",
        "elections",
        "medtop:20000574",
        &[
            "election",
            "vote",
            "voter",
            "ballot",
            "poll",
            "campaign",
            "candidate",
            "referendum",
            "polling",
            "electoral",
            "constituency",
            "runoff",
            "re-election",
            "elected",
        ],
    ),
    (
        "POLITICS",
        "politics and government",
        "medtop:11000000",
        &[
            "government",
            "parliament",
            "minister",
            "president",
            "senate",
            "congress",
            "lawmaker",
            "legislation",
            "opposition",
            "cabinet",
            "governor",
            "mayor",
            "politician",
            "political",
        ],
    ),
    (
        "MARKETS",
        "financial markets",
        "medtop:20000385",
        &[
            "stock",
            "share",
            "index",
            "dow jones",
            "nasdaq",
            "investor",
            "trading",
            "bond",
            "stock market",
            "exchange rate",
            "trader",
            "market",
            "s&p",
            "ftse",
            "nikkei",
            "dax",
            "wall street",
            "stock exchange",
        ],
    ),
    (
        "ECONOMY",
        "economy",
        "medtop:20000344",
        &[
            "economy",
            "economic",
            "gdp",
            "inflation",
            "recession",
            "growth",
            "interest rate",
            "central bank",
            "tariff",
            "deficit",
            "budget",
            "unemployment rate",
            "fiscal",
        ],
    ),
    (
        "BUSINESS",
        "companies and business",
        "medtop:20000349",
        &[
            "company",
            "firm",
            "ceo",
            "profit",
            "revenue",
            "earnings",
            "merger",
            "acquisition",
            "shareholder",
            "sale",
            "quarterly",
            "chief executive",
            "corporation",
            "subsidiary",
            "bankruptcy",
            "takeover",
        ],
    ),
    (
        "TECH",
        "technology and computing",
        "medtop:20000225",
        &[
            "software",
            "internet",
            "computer",
            "smartphone",
            "app",
            "online",
            "cyber",
            "technology",
            "artificial intelligence",
            "hacker",
            "website",
            "iphone",
            "ipad",
            "chip",
            "digital",
        ],
    ),
    (
        "SCIENCE",
        "science and research",
        "medtop:13000000",
        &[
            "scientist",
            "research",
            "study",
            "researcher",
            "physics",
            "astronomer",
            "discovery",
            "laboratory",
            "experiment",
            "spacecraft",
            "telescope",
            "species",
            "biologist",
        ],
    ),
    (
        "HEALTH",
        "health",
        "medtop:07000000",
        &[
            "health",
            "hospital",
            "disease",
            "virus",
            "patient",
            "doctor",
            "vaccine",
            "outbreak",
            "pandemic",
            "covid",
            "infection",
            "medical",
            "cancer",
            "treatment",
            "coronavirus",
        ],
    ),
    (
        "CRIME",
        "crime",
        "medtop:20000082",
        &[
            "police",
            "arrested",
            "arrest",
            "murder",
            "crime",
            "suspect",
            "shooting",
            "robbery",
            "fraud",
            "prison",
            "criminal",
            "stabbing",
            "kidnapping",
            "gunman",
        ],
    ),
    (
        "JUSTICE",
        "courts and justice",
        "medtop:20000106",
        &[
            "court",
            "judge",
            "trial",
            "lawsuit",
            "ruling",
            "verdict",
            "appeal",
            "sentenced",
            "prosecutor",
            "supreme court",
            "jury",
            "convicted",
            "indictment",
            "attorney",
        ],
    ),
    (
        "DISASTER",
        "disasters and accidents",
        "medtop:03000000",
        &[
            "earthquake",
            "flood",
            "hurricane",
            "storm",
            "tsunami",
            "wildfire",
            "crash",
            "accident",
            "disaster",
            "evacuated",
            "evacuation",
            "landslide",
            "explosion",
            "rescue",
            "typhoon",
        ],
    ),
    (
        "CLIMATE",
        "climate change",
        "medtop:20000418",
        &[
            "climate",
            "emission",
            "carbon",
            "global warming",
            "greenhouse",
            "renewable",
            "climate change",
            "fossil fuel",
        ],
    ),
    (
        "ENERGY",
        "energy",
        "medtop:20000256",
        &[
            "oil",
            "gas",
            "energy",
            "electricity",
            "nuclear power",
            "coal",
            "pipeline",
            "opec",
            "fuel",
            "barrel",
            "crude",
            "solar",
            "wind power",
        ],
    ),
    (
        "TRANSPORT",
        "transport",
        "medtop:20000337",
        &[
            "airline",
            "aircraft",
            "airport",
            "flight",
            "railway",
            "train",
            "plane",
            "jet",
            "airbus",
            "boeing",
            "car",
            "vehicle",
            "automaker",
            "shipping",
        ],
    ),
    (
        "SPORT",
        "sport",
        "medtop:15000000",
        &[
            "match",
            "team",
            "championship",
            "league",
            "tournament",
            "cup",
            "coach",
            "player",
            "season",
            "olympic",
            "olympics",
            "medal",
            "football",
            "soccer",
            "tennis",
            "cricket",
        ],
    ),
    (
        "ARTS",
        "arts, culture and media",
        "medtop:01000000",
        &[
            "film",
            "music",
            "album",
            "festival",
            "museum",
            "artist",
            "novel",
            "theatre",
            "theater",
            "exhibition",
            "actor",
            "actress",
            "singer",
            "movie",
            "concert",
            "book",
        ],
    ),
    (
        "RELIGION",
        "religion",
        "medtop:12000000",
        &[
            "church",
            "religious",
            "muslim",
            "christian",
            "pope",
            "mosque",
            "faith",
            "bishop",
            "islam",
            "jewish",
            "temple",
            "clergy",
        ],
    ),
    (
        "LABOUR",
        "labour and employment",
        "medtop:09000000",
        &[
            "worker",
            "strike",
            "union",
            "job",
            "employment",
            "wage",
            "unemployment",
            "layoff",
            "employee",
            "labor",
            "labour",
        ],
    ),
    (
        "EDUCATION",
        "education",
        "medtop:05000000",
        &[
            "school",
            "university",
            "student",
            "teacher",
            "education",
            "college",
            "pupil",
        ],
    ),
    (
        "WEATHER",
        "weather",
        "medtop:17000000",
        &[
            "weather",
            "forecast",
            "temperature",
            "rain",
            "snow",
            "heatwave",
            "rainfall",
        ],
    ),
    (
        "MIGRATION",
        "immigration and refugees",
        "medtop:20000771",
        &[
            "immigration",
            "migrant",
            "refugee",
            "asylum",
            "immigrant",
            "deportation",
            "border",
        ],
    ),
];

/// Label words too general to count as evidence of their topic.
const GENERIC_PARTS: &[&str] = &[
    "other",
    "general",
    "people",
    "information",
    "service",
    "product",
    "issue",
    "process",
    "value",
    "community",
    "family",
    "nature",
    "act",
    "industry",
    "system",
    "development",
    "policy",
    "organisation",
    "organization",
    "group",
    "event",
    "activity",
    "facility",
    "statistic",
    "leisure",
    "lifestyle",
    "mankind",
    "record",
    "achievement",
];

/// Light stemming: enough to match "elections" with "election", "cities" with "city".
pub(crate) fn stem(word: &str) -> String {
    let w = word.to_lowercase();
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(&w);
    if let Some(s) = w.strip_suffix("ies").filter(|s| s.len() >= 2) {
        return format!("{s}y");
    }
    for suf in ["sses", "shes", "ches", "xes"] {
        if let Some(s) = w.strip_suffix(suf) {
            return format!("{s}{}", &suf[..suf.len() - 2]);
        }
    }
    if w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Concept(usize),
    Mnemonic(usize),
}

struct Concept {
    code: String,
    parent: Option<usize>,
    label: String,
    level: u8,
}

/// Topic cue phrases and the Media Topics tree.
pub(crate) struct TopicModel {
    concepts: Vec<Concept>,
    /// First stem of a phrase → (the remaining stems, what it is evidence for).
    phrases: HashMap<String, Vec<(Vec<String>, Target)>>,
    mnemonic_concept: Vec<Option<usize>>,
}

fn label_parts(label: &str) -> Vec<String> {
    let no_paren = match label.find('(') {
        Some(i) => &label[..i],
        None => label,
    };
    no_paren
        .split(',')
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

impl TopicModel {
    /// Loads `mediatopics.tsv.gz` as written by [`build_file`].
    pub fn from_gz(gz: &[u8]) -> Result<TopicModel, TagError> {
        let mut text = String::new();
        GzDecoder::new(gz)
            .read_to_string(&mut text)
            .map_err(|e| TagError::Corrupt {
                what: "media topics",
                reason: e.to_string(),
            })?;
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect())
            .collect();
        if rows.iter().any(|r| r.len() < 4) {
            return Err(TagError::Corrupt {
                what: "media topics",
                reason: "short row".into(),
            });
        }
        let index: HashMap<&str, usize> = rows.iter().enumerate().map(|(i, r)| (r[0], i)).collect();
        let concepts: Vec<Concept> = rows
            .iter()
            .map(|r| Concept {
                code: r[0].to_string(),
                parent: index.get(r[1]).copied(),
                label: r[3].to_string(),
                level: r[2].parse().unwrap_or(1),
            })
            .collect();
        let mut phrases: HashMap<String, Vec<(Vec<String>, Target)>> = HashMap::new();
        let mut add = |phrase: &str, target: Target| {
            let stems: Vec<String> = phrase.split_whitespace().map(stem).collect();
            if let Some((first, rest)) = stems.split_first() {
                phrases
                    .entry(first.clone())
                    .or_default()
                    .push((rest.to_vec(), target));
            }
        };
        for (i, c) in concepts.iter().enumerate() {
            for part in label_parts(&c.label) {
                // Acronyms ("AIDS") would match ordinary words ("aid") once lower-cased.
                let acronym = part
                    .split_whitespace()
                    .any(|w| w.len() > 1 && w.chars().all(|c| c.is_uppercase()));
                if !acronym && !GENERIC_PARTS.contains(&stem(&part).as_str()) {
                    add(&part, Target::Concept(i));
                }
            }
        }
        for (m, (_, _, _, cues)) in MNEMONICS.iter().enumerate() {
            for cue in *cues {
                add(cue, Target::Mnemonic(m));
            }
        }
        // Longer phrases first, so "interest rate" is tried before "interest".
        for list in phrases.values_mut() {
            list.sort_by_key(|(rest, _)| std::cmp::Reverse(rest.len()));
        }
        let mnemonic_concept = MNEMONICS
            .iter()
            .map(|(_, _, code, _)| index.get(code).copied())
            .collect();
        Ok(TopicModel {
            concepts,
            phrases,
            mnemonic_concept,
        })
    }

    /// Scores topics from the stemmed words of a story; `headline_words` of them (at the
    /// front) count twice.
    pub fn topics(&self, words: &[String], headline_words: usize) -> Vec<Topic> {
        let mut concept_hits = vec![0f32; self.concepts.len()];
        let mut mnemonic_hits = vec![0f32; MNEMONICS.len()];
        let mut i = 0;
        while i < words.len() {
            let weight = if i < headline_words { 2.0 } else { 1.0 };
            let mut advance = 1;
            if let Some(list) = self.phrases.get(&words[i]) {
                let mut matched_len = None;
                let mut bumped: Vec<usize> = Vec::new();
                for (rest, target) in list {
                    let fits = words.len() > i + rest.len()
                        && rest.iter().enumerate().all(|(k, s)| words[i + 1 + k] == *s);
                    if !fits || matched_len.is_some_and(|l| l != rest.len()) {
                        continue;
                    }
                    matched_len = Some(rest.len());
                    // A cue is evidence for its Media Topic and every ancestor; a
                    // mnemonic's cue counts for the Media Topic it maps to as well.
                    let concept = match *target {
                        Target::Concept(c) => Some(c),
                        Target::Mnemonic(m) => {
                            mnemonic_hits[m] += weight;
                            self.mnemonic_concept[m]
                        }
                    };
                    let mut cur = concept;
                    while let Some(k) = cur {
                        bumped.push(k);
                        cur = self.concepts[k].parent;
                    }
                }
                // Words that are both a label and a cue count once per topic.
                bumped.sort_unstable();
                bumped.dedup();
                for k in bumped {
                    concept_hits[k] += weight;
                }
                if let Some(l) = matched_len {
                    advance = l + 1;
                }
            }
            i += advance;
        }
        let scale = 2.0 + words.len() as f32 / 300.0;
        let score = |hits: f32| 1.0 - (-hits / scale).exp();
        const THRESHOLD: f32 = 0.3;
        let mut out: Vec<Topic> = Vec::new();
        let mut fine: Vec<(usize, f32)> = Vec::new();
        for (k, c) in self.concepts.iter().enumerate() {
            let s = score(concept_hits[k]);
            if s < THRESHOLD {
                continue;
            }
            if c.level == 1 {
                out.push(Topic {
                    code: c.code.clone(),
                    label: c.label.clone(),
                    score: s,
                });
            } else if concept_hits[k] >= 2.0 {
                fine.push((k, s));
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(3);
        fine.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (k, s) in fine.into_iter().take(3) {
            let c = &self.concepts[k];
            out.push(Topic {
                code: c.code.clone(),
                label: c.label.clone(),
                score: s,
            });
        }
        let mut mnem: Vec<Topic> = MNEMONICS
            .iter()
            .enumerate()
            .map(|(m, (code, label, _, _))| {
                let hits = self.mnemonic_concept[m].map_or(mnemonic_hits[m], |c| concept_hits[c]);
                Topic {
                    code: code.to_string(),
                    label: label.to_string(),
                    score: score(hits),
                }
            })
            .filter(|t| t.score >= THRESHOLD)
            .collect();
        mnem.sort_by(|a, b| b.score.total_cmp(&a.score));
        mnem.truncate(4);
        out.extend(mnem);
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }
}

/// Builds `mediatopics.tsv.gz` (`qcode parent level label`, active concepts only)
/// from IPTC's `mediatopics.tsv`.
pub(crate) fn build_file(src: &Path) -> Result<Vec<u8>, TagError> {
    let text = std::fs::read_to_string(src).map_err(|e| TagError::Io {
        what: src.display().to_string(),
        source: e,
    })?;
    let mut out = String::from("qcode\tparent\tlevel\tlabel\n");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 8 || !f[7].is_empty() {
            continue; // short or retired
        }
        out.push_str(&format!("{}\t{}\t{}\t{}\n", f[0], f[2], f[1], f[4]));
    }
    crate::gazetteer::gzip(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_fold_plurals() {
        assert_eq!(stem("Elections"), "election");
        assert_eq!(stem("cities"), "city");
        assert_eq!(stem("crashes"), "crash");
        assert_eq!(stem("virus"), "virus");
    }

    #[test]
    fn label_parts_split_at_commas_and_and() {
        assert_eq!(
            label_parts("conflict, war and peace"),
            vec!["conflict", "war", "peace"]
        );
        assert_eq!(
            label_parts("non-governmental organisation (NGO)"),
            vec!["non-governmental organisation"]
        );
    }
}
