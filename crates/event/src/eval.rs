//! Scoring the grouper against a labelled set, and the set newsterm
//! ships: built from the bundled Wikinews articles.
//!
//! # The evaluation set
//!
//! [`build_set`] turns the articles into a wire of labelled stories:
//!
//! - **Originals.** Every article (test pages aside) is one story from
//!   "Wikinews", on a compressed timeline: in date order, one every 40
//!   minutes, so unrelated stories sit as close together as on a real
//!   wire (a 10-day wire of ~36 stories a day) and time alone cannot
//!   separate them. Stories of different real events that read alike
//!   ("X ends US presidential bid", one marathon record and another,
//!   several stock-market slides) are hours apart.
//! - **Same real event.** Articles a person judged to report the same
//!   event (`JUDGED_EVENTS`: the Puerto Rico governorship crisis,
//!   Hurricane Dorian, the killing of Qasem Soleimani and its aftermath,
//!   Navalny's poisoning, …) share one gold event and keep their real
//!   distance in time from the first of them (hours to three weeks).
//! - **Other outlets' copies** (near-duplicates). Every second article is
//!   carried by one to three other outlets, 5 minutes to 6 hours later:
//!   the headline rewritten (synonyms, a "UPDATE 1-" tag, or a new one
//!   made from the lede), the lede reworded, 5–35 % of the other
//!   sentences dropped, paragraphs swapped, a sign-off line added.
//!   Gold: a copy of its article, in its event.
//! - **Follow-ups.** Every fifth article gets another outlet's own report
//!   the next day (18–30 hours later): a new headline from a later
//!   sentence, a new opening, and the article's second half reworded
//!   phrase by phrase. Gold: same event, not a copy.
//! - **Repeats.** Twelve stories are sent a second time by the same
//!   source, byte for byte (a publisher retrying). Gold: not stored.
//!
//! Everything is drawn from a fixed seed, so the set is the same on
//! every run; `newsterm eval-events --write-set FILE` writes it out.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use newsterm_story::tags::EntityType;
use newsterm_story::{Block, StoryContent, StoryDraft, StoryId, Tags};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::grouper::{Config, Grouper, Placement};

/// One article of the bundled Wikinews file.
#[derive(Debug, Clone, Deserialize)]
pub struct Article {
    /// Its id in the file.
    pub id: String,
    /// Its headline.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub published: String,
    /// Paragraphs separated by blank lines.
    pub body: String,
}

/// One line of an evaluation set: a story, with its labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelled {
    /// The item's id within the set.
    pub item: String,
    /// Gold event: items with the same label report the same event.
    pub event: String,
    /// Gold near-duplicate: the item whose copy this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<String>,
    /// Gold exact repeat: the item this one sends again, unchanged, from
    /// the same source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<String>,
    /// The article it was made from.
    pub origin: String,
    /// The story's headline (changed from the article's for copies and follow-ups).
    pub headline: String,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// The feed it comes from.
    pub source: String,
    /// RFC 3339.
    pub published: String,
}

/// Articles a person read and judged to report one real-world event,
/// by article id, with what the event is.
pub const JUDGED_EVENTS: &[(&str, &[&str])] = &[
    (
        "Puerto Rico governorship crisis, July–August 2019",
        &[
            "wikinews:Puerto_Rico_governor_announces_resignation_following_protests",
            "wikinews:Puerto_Rico%27s_governor_Rossell%C3%B3_resigns,_new_governor_sworn_in",
            "wikinews:Puerto_Rico_Supreme_Court_removes_Governor_Pierluisi;_Wanda_V%C3%A1zquez_becomes_governor",
        ],
    ),
    (
        "Hurricane Dorian in the Bahamas, September 2019",
        &[
            "wikinews:Hurricane_Dorian_strengthens_to_Category_5,_makes_landfall_in_the_Bahamas",
            "wikinews:Hurricane_Dorian_leaves_trail_of_destruction_in_the_Bahamas",
        ],
    ),
    (
        "Hurricane Humberto, September 2019",
        &[
            "wikinews:Tropical_Storm_Humberto_upgraded_to_hurricane_status",
            "wikinews:Hurricane_Humberto_strengthens_to_Category_3_while_approaching_Bermuda",
        ],
    ),
    (
        "Suspension (prorogation) of the UK Parliament, 2019",
        &[
            "wikinews:Queen_Elizabeth_agrees_to_suspend_UK_Parliament_ahead_of_Brexit_deadline",
            "wikinews:UK_Prime_Minister_Johnson_suspends_parliament_for_five_weeks_as_Brexit_deadline_approaches",
            "wikinews:Scottish_court_finds_suspension_of_UK_parliament_unlawful",
            "wikinews:UK_Supreme_Court_rules_prorogation_of_parliament_unlawful",
        ],
    ),
    (
        "Killing of Qasem Soleimani and its aftermath, January 2020",
        &[
            "wikinews:United_States_military_kills_Qasem_Soleimani",
            "wikinews:Iraqi_Parliament_votes_for_expulsion_of_United_States_troops",
            "wikinews:Stampede_during_funeral_procession_of_Qasem_Soleimani_causes_deaths,_delays_burial",
        ],
    ),
    (
        "New Hampshire motorcycle crash, June 2019",
        &[
            "wikinews:New_Hampshire_crash_kills_seven,_including_former_US_Marines",
            "wikinews:Driver_in_New_Hampshire_multi-motorcycle_crash_pleads_not_guilty",
        ],
    ),
    (
        "Red Hat moves away from CentOS, December 2020",
        &[
            "wikinews:Red_Hat_to_move_focus_away_from_CentOS_in_favour_of_Stream;_CentOS_team_discuss_implications_with_Wikinews",
            "wikinews:Gregory_Kurtzer_discusses_plans_for_Rocky_Linux_with_Wikinews_as_Red_Hat_announces_moving_focus_away_from_CentOS",
        ],
    ),
    (
        "Poisoning of Alexei Navalny, August–September 2020",
        &[
            "wikinews:Russia%27s_Navalny_airlifted_to_Germany",
            "wikinews:Germany_says_Alexei_Navalny_poisoned_with_Novichok",
        ],
    ),
    (
        "youtube-dl taken down from GitHub, October–November 2020",
        &[
            "wikinews:GitHub_blocks_public_access_to_youtube-dl_after_RIAA_issues_DMCA_notice",
            "wikinews:Wikinews_discusses_DRM_and_DMCA_with_Richard_Stallman_after_GitHub_re-enables_public_access_to_youtube-dl",
        ],
    ),
    (
        "Samoa measles emergency, December 2019",
        &[
            "wikinews:Samoan_government_temporarily_shuts_down_for_nationwide_measles_vaccination_drive",
            "wikinews:Samoan_government_ends_state_of_emergency_over_measles_outbreak",
        ],
    ),
    (
        "House impeachment inquiry opens, September 2019",
        &[
            "wikinews:US_Speaker_Pelosi_announces_Trump_impeachment_investigation",
            "wikinews:U.S._House_issues_subpoena_to_secretary_of_state_as_special_envoy_to_Ukraine_resigns",
        ],
    ),
    (
        "Stock market crash, first half of October 2008",
        &["meantime:114613", "meantime:114719", "meantime:114904"],
    ),
    (
        "Stock market slide, end of October 2008",
        &["meantime:115587", "meantime:115711"],
    ),
    (
        "General Motors' bankruptcy restructuring, June 2009",
        &["meantime:127248", "meantime:127461"],
    ),
];

const OUTLETS: &[&str] = &[
    "Coastal Wire",
    "Northern Post",
    "Iberia Daily",
    "Harbour Times",
    "Metro Herald",
    "Pacific Dispatch",
    "Continental Press",
    "Evening Ledger",
];

/// Words an outlet's copy desk swaps for another.
const SYNONYMS: &[(&str, &str)] = &[
    ("kills", "leaves dead"),
    ("killed", "left dead"),
    ("dies", "has died"),
    ("dead", "killed"),
    ("says", "said"),
    ("said", "stated"),
    ("announces", "unveils"),
    ("announced", "revealed"),
    ("wins", "takes"),
    ("won", "took"),
    ("government", "administration"),
    ("people", "individuals"),
    ("police", "officers"),
    ("president", "leader"),
    ("attack", "assault"),
    ("injured", "hurt"),
    ("injures", "hurts"),
    ("following", "after"),
    ("about", "around"),
    ("more than", "over"),
    ("at least", "no fewer than"),
    ("however", "but"),
    ("also", "additionally"),
    ("began", "started"),
    ("begins", "starts"),
    ("plans", "intends"),
    ("major", "big"),
    ("large", "big"),
    ("shows", "indicates"),
    ("found", "discovered"),
    ("help", "assist"),
    ("because", "as"),
    ("before", "ahead of"),
    ("reported", "told reporters"),
];

const SIGN_OFFS: &[&str] = &[
    "(Reporting by staff; editing by the news desk)",
    "Additional reporting by agencies.",
    "This story has been updated with more details.",
    "Copyright the publisher. All rights reserved.",
];

/// A deterministic generator (splitmix64), so the set is the same on
/// every machine.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    for (i, &(pos, c)) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?')
            && chars.get(i + 1).is_some_and(|n| n.1 == ' ')
            && chars.get(i + 2).is_some_and(|n| n.1.is_uppercase())
        {
            out.push(paragraph[start..=pos].trim().to_string());
            start = pos + 1;
        }
    }
    let rest = paragraph[start..].trim();
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// Swaps some words for their synonyms (each with chance `p`).
fn reword(text: &str, p: f64, draw: &mut Draw) -> String {
    let mut out = text.to_string();
    for (from, to) in SYNONYMS {
        if out.contains(from) && draw.chance(p) {
            out = out.replacen(from, to, 1);
        }
    }
    out
}

/// Rewrites a sentence phrase by phrase, as another reporter would tell
/// the same fact: clauses swapped, synonyms, small words dropped. Enough
/// that few four-word runs survive.
fn paraphrase(sentence: &str, draw: &mut Draw) -> String {
    let s = reword(sentence.trim_end_matches('.'), 0.9, draw);
    let mut clauses: Vec<&str> = s.split(", ").collect();
    if clauses.len() > 1 && draw.chance(0.7) {
        clauses.rotate_left(1);
    }
    let joined = clauses.join(", ");
    let words: Vec<&str> = joined
        .split(' ')
        .enumerate()
        .filter(|(i, w)| {
            !(i % 3 == 1 && matches!(*w, "the" | "a" | "an" | "of" | "in" | "on" | "to" | "and"))
        })
        .map(|(_, w)| w)
        .collect();
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
        // Reporters add their own qualifiers.
        if i % 6 == 5 && draw.chance(0.5) {
            out.push_str(" reportedly");
        }
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(c) => format!("{}{}.", c.to_uppercase(), chars.as_str()),
        None => out,
    }
}

fn headline_from(sentence: &str) -> String {
    let words: Vec<&str> = sentence.split_whitespace().take(11).collect();
    words
        .join(" ")
        .trim_end_matches([',', '.', ';', ':'])
        .to_string()
}

fn format_time(t: OffsetDateTime) -> String {
    newsterm_story::format_time(t)
}

/// Builds the evaluation set from the articles (see the module docs).
pub fn build_set(articles: &[Article]) -> Vec<Labelled> {
    let mut draw = Draw(0x6e65_7773_7465_726d);
    let mut articles: Vec<&Article> = articles
        .iter()
        .filter(|a| !a.title.starts_with("TEST PAGE"))
        .collect();
    articles.sort_by(|a, b| a.published.cmp(&b.published).then(a.id.cmp(&b.id)));
    let judged: HashMap<&str, usize> = JUDGED_EVENTS
        .iter()
        .enumerate()
        .flat_map(|(g, (_, ids))| ids.iter().map(move |id| (*id, g)))
        .collect();
    let t0 = time::macros::datetime!(2024-03-01 06:00 UTC);
    let day = |a: &Article| newsterm_story::parse_time(&a.published).ok();
    // The compressed time of each article: its rank on the timeline, or
    // the first of its judged group plus the real distance.
    let mut times: Vec<OffsetDateTime> = Vec::with_capacity(articles.len());
    let mut group_start: HashMap<usize, (OffsetDateTime, Option<OffsetDateTime>)> = HashMap::new();
    for (rank, a) in articles.iter().enumerate() {
        let mut t = t0 + time::Duration::minutes(40 * rank as i64);
        if let Some(&g) = judged.get(a.id.as_str()) {
            match group_start.get(&g) {
                Some(&(start, Some(real_start))) => {
                    if let Some(real) = day(a) {
                        t = start + (real - real_start) + time::Duration::hours(1);
                    }
                }
                _ => {
                    group_start.insert(g, (t, day(a)));
                }
            }
        }
        times.push(t);
    }

    let mut out = Vec::new();
    for (n, (a, &t)) in articles.iter().zip(times.iter()).enumerate() {
        let item = format!("a{n:03}");
        let event = match judged.get(a.id.as_str()) {
            Some(g) => format!("judged{g:02}"),
            None => format!("e{n:03}"),
        };
        let paragraphs: Vec<&str> = a
            .body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        out.push(Labelled {
            item: item.clone(),
            event: event.clone(),
            copy_of: None,
            repeat_of: None,
            origin: a.id.clone(),
            headline: a.title.clone(),
            body: paragraphs.join("\n\n"),
            source: "Wikinews".into(),
            published: format_time(t),
        });
        if n % 2 == 0 {
            let copies = 1 + draw.below(3);
            for c in 0..copies {
                out.push(copy(&mut draw, a, &paragraphs, &item, &event, c, t));
            }
        }
        if n % 5 == 0
            && let Some(f) = follow_up(&mut draw, a, &paragraphs, &item, &event, t)
        {
            out.push(f);
        }
        if n % 31 == 7 {
            let mut again = out
                .iter()
                .find(|l| l.item == item)
                .cloned()
                .unwrap_or_else(|| out[out.len() - 1].clone());
            again.item = format!("{item}-again");
            again.repeat_of = Some(item.clone());
            out.push(again);
        }
    }
    out.sort_by(|a, b| a.published.cmp(&b.published).then(a.item.cmp(&b.item)));
    out
}

fn copy(
    draw: &mut Draw,
    a: &Article,
    paragraphs: &[&str],
    item: &str,
    event: &str,
    c: u64,
    t: OffsetDateTime,
) -> Labelled {
    let lede = paragraphs
        .iter()
        .find(|p| p.len() >= 60)
        .copied()
        .unwrap_or(a.title.as_str());
    let headline = match draw.below(3) {
        0 => reword(&a.title, 0.8, draw),
        1 => format!("UPDATE {}-{}", 1 + c, reword(&a.title, 0.3, draw)),
        _ => headline_from(sentences(lede).first().map_or(lede, String::as_str)),
    };
    let drop_share = 0.05 + 0.3 * (draw.below(100) as f64 / 100.0);
    let mut body: Vec<String> = Vec::new();
    let mut lede_done = false;
    for p in paragraphs {
        let mut kept: Vec<String> = Vec::new();
        for (i, s) in sentences(p).into_iter().enumerate() {
            if !lede_done && i == 0 && p.len() >= 60 {
                kept.push(if draw.chance(0.7) {
                    reword(&s, 0.6, draw)
                } else {
                    s
                });
                lede_done = true;
            } else if !draw.chance(drop_share) {
                kept.push(s);
            }
        }
        if !kept.is_empty() {
            body.push(kept.join(" "));
        }
    }
    if body.len() > 3 && draw.chance(0.4) {
        let i = 1 + draw.below(body.len() as u64 - 2) as usize;
        body.swap(i, i + 1);
    }
    if draw.chance(0.4) {
        body.push(draw.pick(SIGN_OFFS).to_string());
    }
    let source = draw.pick(OUTLETS).to_string();
    Labelled {
        item: format!("{item}-copy{c}"),
        event: event.to_string(),
        copy_of: Some(item.to_string()),
        repeat_of: None,
        origin: a.id.clone(),
        headline,
        body: body.join("\n\n"),
        source,
        published: format_time(t + time::Duration::minutes(5 + draw.below(355) as i64)),
    }
}

fn follow_up(
    draw: &mut Draw,
    a: &Article,
    paragraphs: &[&str],
    item: &str,
    event: &str,
    t: OffsetDateTime,
) -> Option<Labelled> {
    let all: Vec<String> = paragraphs.iter().flat_map(|p| sentences(p)).collect();
    if all.len() < 6 {
        return None;
    }
    let second_half = &all[all.len() / 2..];
    let headline = headline_from(&paraphrase(&second_half[0], draw));
    let opening = format!(
        "A day after the first reports, more details emerged on {}.",
        a.title
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    );
    let mut body = vec![opening];
    body.extend(second_half.iter().take(8).map(|s| paraphrase(s, draw)));
    Some(Labelled {
        item: format!("{item}-followup"),
        event: event.to_string(),
        copy_of: None,
        repeat_of: None,
        origin: a.id.clone(),
        headline,
        body: body.join("\n\n"),
        source: draw.pick(OUTLETS).to_string(),
        published: format_time(t + time::Duration::hours(18 + draw.below(13) as i64)),
    })
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    /// Share of the predicted pairs or links that are right.
    pub precision: f64,
    /// Share of the gold pairs or links that were found.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Scores {
    fn of(precision: f64, recall: f64) -> Scores {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Scores {
            precision,
            recall,
            f1,
        }
    }
}

/// Sizes of the gold clusters, of the predicted ones, and of each gold ×
/// predicted cell.
type Contingency = (
    HashMap<usize, f64>,
    HashMap<usize, f64>,
    HashMap<(usize, usize), f64>,
);

/// Sizes of the clusters of a labelling, and of each gold × predicted
/// cell.
fn contingency(gold: &[usize], predicted: &[usize]) -> Contingency {
    let mut g: HashMap<usize, f64> = HashMap::new();
    let mut p: HashMap<usize, f64> = HashMap::new();
    let mut cells: HashMap<(usize, usize), f64> = HashMap::new();
    for (&a, &b) in gold.iter().zip(predicted) {
        *g.entry(a).or_default() += 1.0;
        *p.entry(b).or_default() += 1.0;
        *cells.entry((a, b)).or_default() += 1.0;
    }
    (g, p, cells)
}

/// Pairwise scores: of the pairs of items put together, how many belong
/// together (precision); of those that belong together, how many were put
/// together (recall). Items are labelled by cluster number.
pub fn pairwise(gold: &[usize], predicted: &[usize]) -> Scores {
    let (g, p, cells) = contingency(gold, predicted);
    let pairs = |n: f64| n * (n - 1.0) / 2.0;
    let together: f64 = cells.values().map(|&n| pairs(n)).sum();
    let predicted_pairs: f64 = p.values().map(|&n| pairs(n)).sum();
    let gold_pairs: f64 = g.values().map(|&n| pairs(n)).sum();
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 1.0 };
    Scores::of(
        ratio(together, predicted_pairs),
        ratio(together, gold_pairs),
    )
}

/// B³ scores (Bagga and Baldwin): per item, the share of its predicted
/// cluster that belongs with it (precision) and the share of its gold
/// cluster found with it (recall), averaged over items.
pub fn bcubed(gold: &[usize], predicted: &[usize]) -> Scores {
    let (g, p, cells) = contingency(gold, predicted);
    let n = gold.len().max(1) as f64;
    let precision: f64 = cells.iter().map(|(&(_, b), &c)| c * c / p[&b]).sum::<f64>() / n;
    let recall: f64 = cells.iter().map(|(&(a, _), &c)| c * c / g[&a]).sum::<f64>() / n;
    Scores::of(precision, recall)
}

/// Numbers each distinct label in order of first appearance.
pub fn cluster_numbers<T: Eq + std::hash::Hash + Clone>(labels: &[T]) -> Vec<usize> {
    let mut seen: HashMap<T, usize> = HashMap::new();
    labels
        .iter()
        .map(|l| {
            let next = seen.len();
            *seen.entry(l.clone()).or_insert(next)
        })
        .collect()
}

/// A labelled story ready to be placed: parsed and tagged.
#[derive(Debug, Clone)]
pub struct EvalStory {
    /// What the set says about it.
    pub label: Labelled,
    /// The parsed story.
    pub content: StoryContent,
    /// Its tags.
    pub tags: Tags,
}

/// What [`evaluate`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Stories placed.
    pub stories: usize,
    /// Distinct gold events.
    pub gold_events: usize,
    /// Distinct events the grouper made.
    pub predicted_events: usize,
    /// Pairs of stories that are copies of one original.
    pub near_duplicates: Scores,
    /// Event grouping scored per story (B-cubed).
    pub events_bcubed: Scores,
    /// Event grouping scored over pairs of stories.
    pub events_pairwise: Scores,
    /// Copies linked to their own original.
    pub copies_linked: (usize, usize),
    /// Next-day follow-ups placed in their article's event, and those
    /// taken for copies.
    pub follow_ups_joined: (usize, usize),
    /// Next-day follow-ups wrongly linked as copies.
    pub follow_ups_as_copies: usize,
    /// Same-source resends caught, of all; and stories wrongly taken for one.
    pub repeats_caught: (usize, usize),
    /// Stories wrongly taken for a resend.
    pub false_repeats: usize,
    /// Mean time to read a story's features and place it.
    pub cost_per_story: Duration,
}

/// Places every story, in the order given, with a fresh grouper, and
/// scores what it did against the labels.
pub fn evaluate(stories: &[EvalStory], config: &Config) -> Report {
    let mut grouper = Grouper::new(config.clone());
    let ids: Vec<StoryId> = stories.iter().map(|_| StoryId::new()).collect();
    let index_of: HashMap<StoryId, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut placements = Vec::with_capacity(stories.len());
    let started = Instant::now();
    for (s, id) in stories.iter().zip(&ids) {
        placements.push(grouper.place(*id, &s.content, &s.tags));
    }
    let elapsed = started.elapsed();
    let item_of: HashMap<&str, usize> = stories
        .iter()
        .enumerate()
        .map(|(i, s)| (s.label.item.as_str(), i))
        .collect();
    // Event and copy-root of each story as placed; a story taken for a
    // repeat goes with the story it was taken for.
    let mut event: Vec<Option<String>> = vec![None; stories.len()];
    let mut root: Vec<usize> = (0..stories.len()).collect();
    let mut repeat_of: Vec<Option<usize>> = vec![None; stories.len()];
    for (i, p) in placements.iter().enumerate() {
        match p {
            Placement::Grouped {
                event: e,
                duplicate_of,
                ..
            } => {
                event[i] = Some(e.to_string());
                if let Some(d) = duplicate_of.and_then(|d| index_of.get(&d)) {
                    root[i] = *d;
                }
            }
            Placement::Repeat(earlier) => {
                let j = index_of.get(earlier).copied().unwrap_or(i);
                repeat_of[i] = Some(j);
                event[i] = event[j].clone();
                root[i] = root[j];
            }
        }
    }
    let scored: Vec<usize> = (0..stories.len())
        .filter(|&i| stories[i].label.repeat_of.is_none())
        .collect();
    let gold_events = cluster_numbers(
        &scored
            .iter()
            .map(|&i| stories[i].label.event.clone())
            .collect::<Vec<_>>(),
    );
    let predicted_events =
        cluster_numbers(&scored.iter().map(|&i| event[i].clone()).collect::<Vec<_>>());
    let gold_root = |i: usize| {
        stories[i]
            .label
            .copy_of
            .as_deref()
            .and_then(|c| item_of.get(c).copied())
            .unwrap_or(i)
    };
    let gold_copies = cluster_numbers(&scored.iter().map(|&i| gold_root(i)).collect::<Vec<_>>());
    let predicted_copies = cluster_numbers(&scored.iter().map(|&i| root[i]).collect::<Vec<_>>());

    let copies: Vec<usize> = scored
        .iter()
        .copied()
        .filter(|&i| stories[i].label.copy_of.is_some())
        .collect();
    let follow_ups: Vec<usize> = scored
        .iter()
        .copied()
        .filter(|&i| stories[i].label.item.ends_with("-followup"))
        .collect();
    let original = |i: usize| {
        let item = stories[i].label.item.split('-').next().unwrap_or("");
        item_of.get(item).copied()
    };
    let repeats: Vec<usize> = (0..stories.len())
        .filter(|&i| stories[i].label.repeat_of.is_some())
        .collect();
    Report {
        stories: stories.len(),
        gold_events: gold_events.iter().max().map_or(0, |m| m + 1),
        predicted_events: predicted_events.iter().max().map_or(0, |m| m + 1),
        near_duplicates: pairwise(&gold_copies, &predicted_copies),
        events_bcubed: bcubed(&gold_events, &predicted_events),
        events_pairwise: pairwise(&gold_events, &predicted_events),
        copies_linked: (
            copies.iter().filter(|&&i| root[i] == gold_root(i)).count(),
            copies.len(),
        ),
        follow_ups_joined: (
            follow_ups
                .iter()
                .filter(|&&i| original(i).is_some_and(|o| event[o] == event[i]))
                .count(),
            follow_ups.len(),
        ),
        follow_ups_as_copies: follow_ups.iter().filter(|&&i| root[i] != i).count(),
        repeats_caught: (
            repeats.iter().filter(|&&i| repeat_of[i].is_some()).count(),
            repeats.len(),
        ),
        false_repeats: scored.iter().filter(|&&i| repeat_of[i].is_some()).count(),
        cost_per_story: elapsed / stories.len().max(1) as u32,
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let row = |f: &mut std::fmt::Formatter<'_>, name: &str, s: &Scores| {
            writeln!(
                f,
                "{name:<28} {:>9.3} {:>9.3} {:>9.3}",
                s.precision, s.recall, s.f1
            )
        };
        writeln!(
            f,
            "{} stories, {} gold events, {} found",
            self.stories, self.gold_events, self.predicted_events
        )?;
        writeln!(
            f,
            "{:<28} {:>9} {:>9} {:>9}",
            "", "precision", "recall", "F1"
        )?;
        row(f, "near-duplicates (pairwise)", &self.near_duplicates)?;
        row(f, "events (B-cubed)", &self.events_bcubed)?;
        row(f, "events (pairwise)", &self.events_pairwise)?;
        writeln!(
            f,
            "copies linked to their original: {} of {}",
            self.copies_linked.0, self.copies_linked.1
        )?;
        writeln!(
            f,
            "next-day follow-ups in their event: {} of {} ({} taken for copies)",
            self.follow_ups_joined.0, self.follow_ups_joined.1, self.follow_ups_as_copies
        )?;
        writeln!(
            f,
            "same-source resends not stored: {} of {} ({} stories wrongly taken for one)",
            self.repeats_caught.0, self.repeats_caught.1, self.false_repeats
        )?;
        write!(
            f,
            "features + placement: {:.1} µs a story (mean)",
            self.cost_per_story.as_secs_f64() * 1e6
        )
    }
}

/// The cost of placing a story once the grouper has seen so many.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    /// Stories placed so far.
    pub stories: usize,
    /// Over the last [`COST_WINDOW`] stories before this point.
    pub mean: Duration,
    /// Median over the window.
    pub p50: Duration,
    /// 99th percentile over the window.
    pub p99: Duration,
    /// Slowest in the window.
    pub max: Duration,
    /// Stories and events held in memory.
    pub resident_stories: usize,
    /// Events held in memory.
    pub resident_events: usize,
}

/// Stories each [`Cost`] is measured over.
pub const COST_WINDOW: usize = 10_000;

/// Places `total` stories made from `base` (see [`synthetic`]) at
/// `per_day` stories a day, and measures the time per story (reading
/// features and placing; tagging is not included) at each checkpoint.
/// `progress` is called every 1,000 stories.
pub fn scale(
    base: &[EvalStory],
    total: usize,
    checkpoints: &[usize],
    per_day: usize,
    config: &Config,
    mut progress: impl FnMut(usize),
) -> Vec<Cost> {
    let mut grouper = Grouper::new(config.clone());
    let mut window: Vec<Duration> = Vec::with_capacity(COST_WINDOW);
    let mut out = Vec::new();
    let start = time::macros::datetime!(2024-01-01 00:00 UTC);
    let step_ms = 86_400_000 / per_day.max(1) as i64;
    for i in 0..total {
        let at = start + time::Duration::milliseconds(step_ms * i as i64);
        let (content, tags) = synthetic(base, i, at);
        let id = StoryId::new();
        let began = Instant::now();
        grouper.place(id, &content, &tags);
        let took = began.elapsed();
        if total - i <= COST_WINDOW || checkpoints.iter().any(|c| *c > i && c - i <= COST_WINDOW) {
            window.push(took);
        }
        if checkpoints.contains(&(i + 1)) {
            window.sort_unstable();
            let n = window.len().max(1);
            out.push(Cost {
                stories: i + 1,
                mean: window.iter().sum::<Duration>() / n as u32,
                p50: window.get(n / 2).copied().unwrap_or_default(),
                p99: window.get(n * 99 / 100).copied().unwrap_or_default(),
                max: window.last().copied().unwrap_or_default(),
                resident_stories: grouper.len(),
                resident_events: grouper.event_count(),
            });
            window.clear();
        }
        if (i + 1) % 1000 == 0 {
            progress(i + 1);
        }
    }
    out
}

/// Story `i` of a synthetic wire made from `base`: the base stories in
/// turn, each pass a new set of events — a third of the words and every
/// person and organisation carry the pass number, while common words,
/// places and sources are shared, so lists of events per word grow as
/// they would on a real wire.
pub fn synthetic(base: &[EvalStory], i: usize, at: OffsetDateTime) -> (StoryContent, Tags) {
    let b = &base[i % base.len()];
    let pass = i / base.len();
    let mark = |text: &str| -> String {
        if pass == 0 {
            return text.to_string();
        }
        text.split(' ')
            .enumerate()
            .map(|(n, w)| {
                if n % 3 == 0 && w.chars().all(char::is_alphanumeric) && !w.is_empty() {
                    format!("{w}{pass}")
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut draft = StoryDraft::from(b.content.clone());
    draft.headline = draft.headline.as_deref().map(mark);
    draft.body = draft
        .body
        .iter()
        .map(|block| match block {
            Block::Paragraph(t) => Block::Paragraph(mark(t)),
            Block::Subhead(t) => Block::Subhead(mark(t)),
        })
        .collect();
    draft.published = Some(newsterm_story::format_time(at));
    let content = draft.validate(at).unwrap_or_else(|_| b.content.clone());
    let mut tags = b.tags.clone();
    if pass > 0 {
        for e in &mut tags.entities {
            if matches!(e.kind, EntityType::Person | EntityType::Org) {
                e.canonical = format!("{} {pass}", e.canonical);
            }
        }
    }
    (content, tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_lumped_clusterings_score_as_expected() {
        let gold = [0, 0, 1, 1, 2];
        assert_eq!(pairwise(&gold, &gold).f1, 1.0);
        assert_eq!(bcubed(&gold, &gold).f1, 1.0);
        let lumped = [0, 0, 0, 0, 0];
        let p = pairwise(&gold, &lumped);
        assert_eq!((p.precision, p.recall), (0.2, 1.0));
        let b = bcubed(&gold, &lumped);
        // Each of four items has 2 of 5 right, the singleton 1 of 5.
        assert!((b.precision - (4.0 * 0.4 + 0.2) / 5.0).abs() < 1e-9);
        assert_eq!(b.recall, 1.0);
        let split = [0, 1, 2, 3, 4];
        let p = pairwise(&gold, &split);
        assert_eq!((p.precision, p.recall), (1.0, 0.0));
        assert_eq!(cluster_numbers(&["x", "y", "x"]), [0, 1, 0]);
    }

    #[test]
    fn sentences_split_at_full_stops_before_capitals() {
        assert_eq!(
            sentences("Smith left. He was 78. Tributes came in from U.S. leaders."),
            [
                "Smith left.",
                "He was 78.",
                "Tributes came in from U.S. leaders."
            ]
        );
    }
}
