//! TOP: events ranked by what a reader must see first — priority,
//! recency (halving every six hours), how many distinct sources carry
//! them and how fast stories are arriving — and an event's summary.

use std::collections::{HashMap, HashSet};

use newsterm_api::{EventInfo, Headline, NameCount, TopEntry, Velocity};
use newsterm_story::tags::EntityType;
use newsterm_story::{EventId, Priority, Story, StoryHead, StoryId};
use time::OffsetDateTime;

use crate::grouper::{EventMember, Grouper, MemberRef, MemberView, RecentEvent};

/// Stories per hour now (`now` and the event's `first` in Unix seconds)
/// against the event's own first hour.
fn velocity(times: impl Iterator<Item = i64> + Clone, first: i64, now: i64) -> Velocity {
    let count = |n: usize| n as u64;
    Velocity {
        last_hour: count(
            times
                .clone()
                .filter(|t| *t > now - 3600 && *t <= now)
                .count(),
        ),
        first_hour: count(times.filter(|t| *t < first + 3600).count()),
    }
}

/// One row of TOP: an event, with its latest story.
#[derive(Debug, Clone, PartialEq)]
pub struct TopEvent {
    /// The event.
    pub event: EventId,
    /// Its rank: priority × recency × sources × pace.
    pub score: f64,
    /// The event's best headline: the one most sources carried.
    pub label: String,
    /// The event's latest story.
    pub latest: MemberView,
    /// The highest priority among its stories of the last twelve hours.
    pub priority: Priority,
    /// Live stories in the event.
    pub stories: usize,
    /// Distinct sources, in the order they first carried the event.
    pub sources: Vec<String>,
    /// When its first story was published.
    pub first: OffsetDateTime,
    /// When its latest story was published.
    pub last: OffsetDateTime,
    /// Stories per hour now against its first hour.
    pub velocity: Velocity,
}

impl TopEvent {
    /// The row as the API shows it (`GET /api/top`, the TOP stream), with
    /// `latest`, the head of the event's latest story as the store holds it.
    pub fn entry(&self, latest: StoryHead) -> TopEntry {
        TopEntry {
            event: self.event,
            label: self.label.clone(),
            latest: Headline::of_head(latest),
            priority: self.priority,
            stories: self.stories as u64,
            sources: self.sources.clone(),
            first: self.first,
            last: self.last,
            velocity: self.velocity,
            score: self.score,
        }
    }
}

/// Events last carried within this long before now are ranked.
const TOP_WINDOW_SECS: i64 = 72 * 3600;
const HALF_LIFE_HOURS: f64 = 6.0;

fn weight(p: Priority) -> f64 {
    match p {
        Priority::Flash => 4.0,
        Priority::Urgent => 2.5,
        Priority::Normal => 1.0,
    }
}

fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// Of `stories`, each with its source's key (the source as search
/// compares it: case and punctuation aside; `None` for a story without
/// a source), the first of each distinct source, in order.
fn first_of_each_source<T>(
    stories: impl Iterator<Item = (Option<u64>, T)>,
) -> impl Iterator<Item = T> {
    let mut keys: HashSet<u64> = HashSet::new();
    stories
        .filter_map(|(key, story)| Some((key?, story)))
        .filter(move |(key, _)| keys.insert(*key))
        .map(|(_, story)| story)
}

/// The story whose headline labels an event: the one most other sources
/// repeated (the wire copy everyone carried); among equals a full story
/// before a flash, then the first. `None` only for no stories.
fn label(
    members: impl Iterator<Item = (StoryId, Priority, Option<StoryId>)> + Clone,
) -> Option<StoryId> {
    // Copies are counted in one pass: counting each story's copies by
    // scanning the event again made TOP quadratic in an event's size.
    let mut copies: HashMap<StoryId, usize> = HashMap::new();
    for (_, _, dup) in members.clone() {
        if let Some(original) = dup {
            *copies.entry(original).or_default() += 1;
        }
    }
    let mut best: Option<(usize, bool, StoryId)> = None;
    for (id, priority, dup) in members.clone() {
        if dup.is_some() {
            continue;
        }
        let copies = copies.get(&id).copied().unwrap_or(0);
        let full = priority != Priority::Flash;
        if best.is_none_or(|(c, f, _)| (copies, full) > (c, f)) {
            best = Some((copies, full, id));
        }
    }
    best.map(|b| b.2)
        .or_else(|| members.clone().next().map(|m| m.0))
}

impl Grouper {
    /// TOP now: the best `limit` events, best first, one row each. "Now"
    /// is the newest publication time held, or `now` if that is earlier:
    /// an archive replayed from the past ranks as it would have then.
    ///
    /// Every recent event is scored from its own list of what TOP reads
    /// of its stories, and only the rows returned are built, reading
    /// whole just the stories they show. Looking each recent story up
    /// among all those held, and building a row for every recent event,
    /// was most of TOP's time with tens of thousands of recent stories,
    /// spent holding the lock the writer needs to place the next story.
    pub fn top(&self, now: OffsetDateTime, limit: usize) -> Vec<TopEvent> {
        if limit == 0 {
            return Vec::new();
        }
        let reference = unix(self.reference_time(now));
        let mut scored: Vec<(Standing, RecentEvent<'_>)> = self
            .recent_events(reference - TOP_WINDOW_SECS)
            .filter_map(|event| Some((Standing::of(event.live_facts(), reference)?, event)))
            .collect();
        let best_first = |a: &(Standing, RecentEvent<'_>), b: &(Standing, RecentEvent<'_>)| {
            a.0.before(&b.0).then(a.1.id().cmp(&b.1.id()))
        };
        if scored.len() > limit {
            scored.select_nth_unstable_by(limit - 1, best_first);
            scored.truncate(limit);
        }
        scored.sort_by(best_first);
        scored
            .into_iter()
            .filter_map(|(standing, event)| {
                rank(event.id(), event.live_facts(), standing, |id| {
                    event.member(id)
                })
            })
            .collect()
    }
}

/// Where an event stands in TOP, from its live stories alone.
#[derive(Debug, Clone, Copy)]
struct Standing {
    /// Priority × recency × sources × pace.
    score: f64,
    /// Unix seconds of its first and latest story.
    first: i64,
    last: i64,
    /// The highest priority of the twelve hours before its latest story.
    priority: Priority,
    velocity: Velocity,
}

impl Standing {
    /// The standing of an event whose live stories are `stories`; `None`
    /// when there is none.
    fn of<'a>(
        stories: impl Iterator<Item = &'a EventMember> + Clone,
        reference: i64,
    ) -> Option<Standing> {
        let times = stories.clone().map(|m| m.published);
        let first = times.clone().min()?;
        let last = times.clone().max()?;
        let priority = stories
            .clone()
            .filter(|m| m.published >= last - 12 * 3600)
            .map(|m| m.priority)
            .min()
            .unwrap_or(Priority::Normal);
        let sources = first_of_each_source(stories.map(|m| (m.source_key, ()))).count();
        let velocity = velocity(times, first, reference);
        let age_hours = ((reference - last).max(0) as f64) / 3600.0;
        let freshness = 0.5f64.powf(age_hours / HALF_LIFE_HOURS);
        let carried = 1.0 + (sources.max(1) as f64).ln();
        let pace = 1.0 + 0.1 * (velocity.last_hour.min(10) as f64);
        Some(Standing {
            score: weight(priority) * freshness * carried * pace,
            first,
            last,
            priority,
            velocity,
        })
    }

    /// TOP's order: the higher score first, then the later latest story.
    fn before(&self, other: &Standing) -> std::cmp::Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(other.last.cmp(&self.last))
    }
}

/// The row of an event whose live stories are `stories`, reading the
/// few it shows whole (the latest, the label's, one of each source)
/// through `member`; `None` if one of those is not there.
fn rank<'a, 's>(
    event: EventId,
    stories: impl Iterator<Item = &'s EventMember> + Clone,
    standing: Standing,
    member: impl Fn(StoryId) -> Option<MemberRef<'a>>,
) -> Option<TopEvent> {
    // The latest story; of stories published at the same time, the one
    // placed last.
    let latest = stories
        .clone()
        .enumerate()
        .max_by_key(|(i, m)| (m.published, *i))
        .map(|(_, m)| m.id)?;
    let label = label(stories.clone().map(|m| (m.id, m.priority, m.duplicate_of)))?;
    let sources = first_of_each_source(stories.clone().map(|m| (m.source_key, m.id)))
        .map(|id| Some(member(id)?.source?.to_string()))
        .collect::<Option<Vec<String>>>()?;
    let at = |t: i64| OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    Some(TopEvent {
        event,
        score: standing.score,
        label: member(label)?.headline.to_string(),
        latest: member(latest)?.to_view(),
        priority: standing.priority,
        stories: stories.count(),
        sources,
        first: at(standing.first),
        last: at(standing.last),
        velocity: standing.velocity,
    })
}

/// Names kept in each list of a summary.
const SUMMARY_NAMES: usize = 10;

/// An event as the API shows it (`GET /api/events/{id}`), summarized from
/// the latest revisions of its stories, oldest first (withdrawn ones are
/// left out); `None` when none is left. Velocity counts the hour up to
/// `reference` (see [`Grouper::reference_time`]).
pub fn summarize(
    event: EventId,
    stories: &[Story],
    reference: OffsetDateTime,
) -> Option<EventInfo> {
    let live: Vec<&Story> = stories.iter().filter(|s| !s.is_withdrawn()).collect();
    if live.is_empty() {
        return None;
    }
    let members: Vec<MemberView> = live
        .iter()
        .map(|s| MemberView {
            id: s.id,
            headline: s.content.headline.clone(),
            source: s.content.source.clone(),
            priority: s.content.priority,
            published: s.content.published,
            duplicate_of: s.mark.duplicate_of,
        })
        .collect();
    let times = members.iter().map(|m| unix(m.published));
    let first = times.clone().min().unwrap_or(0);
    let last = times.clone().max().unwrap_or(0);
    let reference = unix(reference);
    let count =
        |names: &mut Vec<NameCount>, name: &str| match names.iter_mut().find(|n| n.name == name) {
            Some(n) => n.count += 1,
            None => names.push(NameCount {
                name: name.to_string(),
                count: 1,
            }),
        };
    let (mut people, mut organisations, mut places, mut topics) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in &live {
        for n in s.tags.names(EntityType::Person) {
            count(&mut people, n);
        }
        for n in s.tags.names(EntityType::Org) {
            count(&mut organisations, n);
        }
        let mut story_places = s.tags.names(EntityType::Loc);
        for n in s.tags.names(EntityType::Norp) {
            if !story_places.contains(&n) {
                story_places.push(n);
            }
        }
        for n in story_places {
            count(&mut places, n);
        }
        let mut codes: Vec<&str> = s.tags.topics.iter().map(|t| t.code.as_str()).collect();
        codes.dedup();
        for c in codes {
            count(&mut topics, c);
        }
    }
    for list in [&mut people, &mut organisations, &mut places, &mut topics] {
        list.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
        list.truncate(SUMMARY_NAMES);
    }
    Some(EventInfo {
        event,
        label: label(members.iter().map(|m| (m.id, m.priority, m.duplicate_of)))
            .and_then(|id| members.iter().find(|m| m.id == id))
            .map(|m| m.headline.clone())
            .unwrap_or_default(),
        first: OffsetDateTime::from_unix_timestamp(first).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        last: OffsetDateTime::from_unix_timestamp(last).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        sources: first_of_each_source(members.iter().filter_map(|m| {
            let m = m.borrowed();
            Some((Some(m.source_key), m.source?))
        }))
        .map(str::to_string)
        .collect(),
        velocity: velocity(times, first, reference),
        stories: live.iter().map(|s| Headline::of(s)).collect(),
        people,
        organisations,
        places,
        topics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn member(source: &str, priority: Priority, secs_before_now: i64) -> MemberView {
        MemberView {
            id: StoryId::new(),
            headline: format!("{source} reports"),
            source: Some(source.into()),
            priority,
            published: OffsetDateTime::from_unix_timestamp(NOW - secs_before_now).unwrap(),
            duplicate_of: None,
        }
    }

    fn ranked(members: &[MemberView]) -> TopEvent {
        let event = EventId::new_at(members[0].published);
        let members: Vec<MemberRef<'_>> = members.iter().map(MemberView::borrowed).collect();
        row_of(event, &members, NOW).expect("a live story")
    }

    /// The row of an event of `members` (read from the stories themselves),
    /// ranked at `reference`.
    fn row_of(event: EventId, members: &[MemberRef<'_>], reference: i64) -> Option<TopEvent> {
        let facts: Vec<EventMember> = members
            .iter()
            .map(|m| EventMember {
                id: m.id,
                published: m.published,
                priority: m.priority,
                source_key: m.source.map(|_| m.source_key),
                duplicate_of: m.duplicate_of,
                live: true,
            })
            .collect();
        let standing = Standing::of(facts.iter(), reference)?;
        rank(event, facts.iter(), standing, |id| {
            members.iter().find(|m| m.id == id).copied()
        })
    }

    fn score(members: &[MemberView]) -> f64 {
        ranked(members).score
    }

    // Stories an hour or more old leave the pace out of the comparison.
    const HOURS: i64 = 3600;

    /// TOP as it was ranked before only the shown rows were built: every
    /// recent event's row, all sorted.
    fn every_row_sorted(g: &Grouper, now: OffsetDateTime) -> Vec<TopEvent> {
        let reference = unix(g.reference_time(now));
        let mut rows: Vec<TopEvent> = g
            .recent_events(reference - TOP_WINDOW_SECS)
            .filter_map(|event| row_of(event.id(), &event.live_members(), reference))
            .collect();
        rows.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.last.cmp(&a.last))
                .then(a.event.cmp(&b.event))
        });
        rows
    }

    #[test]
    fn the_rows_shown_are_the_best_of_every_event_ranked_whatever_the_limit() {
        use newsterm_story::{Block, StoryContent, StoryDraft, Tags};
        let now = OffsetDateTime::from_unix_timestamp(NOW).unwrap();
        let mut g = Grouper::new(crate::grouper::Config::default());
        let subjects = [
            "harbour",
            "volcano",
            "election",
            "strike",
            "merger",
            "flood",
            "tariff",
            "eclipse",
            "vaccine",
            "drought",
            "summit",
            "wildfire",
            "pipeline",
            "glacier",
            "satellite",
        ];
        let priorities = [Priority::Normal, Priority::Urgent, Priority::Flash];
        let mut withdrawn = Vec::new();
        for i in 0..150usize {
            // 45 subjects, each a word no other subject has.
            let subject = format!(
                "{}{}",
                subjects[i % subjects.len()],
                "xyz".repeat(i % 45 / 15 + 1)
            );
            // Stories of one subject an hour or so apart join one event;
            // several are published at the same second by the same
            // source, so scores tie and the event id decides.
            let at = now - time::Duration::minutes((i / 45) as i64 * 50);
            let content = StoryDraft {
                headline: Some(format!("{subject} {subject} report number {}", i % 4)),
                body: vec![Block::Paragraph(format!(
                    "The {subject} story goes on: officials said the {subject} was the \
                     largest of the year, update {i}."
                ))],
                source: Some(["Coastal Wire", "Northern Post", "Iberia Daily"][i % 3].into()),
                priority: Some(priorities[i % 7 % 3]),
                published: Some(newsterm_story::format_time(at)),
                ..Default::default()
            }
            .validate(at)
            .unwrap();
            let id = StoryId::new();
            g.place(id, &content, &Tags::default());
            if i % 11 == 0 {
                withdrawn.push(id);
            }
            if i % 13 == 5 {
                // A revision raises the priority and moves the time.
                let revised = StoryContent {
                    priority: Priority::Flash,
                    published: at + time::Duration::minutes(7),
                    ..content
                };
                g.revise(id, &revised, &Tags::default());
            }
        }
        for id in withdrawn {
            g.withdraw(id);
        }
        let every = every_row_sorted(&g, now);
        assert!(every.len() > 20, "{} events", every.len());
        assert!(
            every.windows(2).any(|w| w[0].score == w[1].score),
            "some scores tie"
        );
        for limit in [
            0,
            1,
            2,
            7,
            20,
            every.len() - 1,
            every.len(),
            every.len() + 50,
        ] {
            assert_eq!(
                g.top(now, limit),
                every[..limit.min(every.len())],
                "limit {limit}"
            );
        }
    }

    #[test]
    fn a_flash_outranks_urgent_which_outranks_normal_at_equal_age_and_sources() {
        let flash = score(&[member("A", Priority::Flash, 2 * HOURS)]);
        let urgent = score(&[member("A", Priority::Urgent, 2 * HOURS)]);
        let normal = score(&[member("A", Priority::Normal, 2 * HOURS)]);
        assert!(
            flash > urgent && urgent > normal,
            "{flash} {urgent} {normal}"
        );
    }

    #[test]
    fn an_event_counts_half_six_hours_after_its_latest_story() {
        let fresh = score(&[member("A", Priority::Normal, 2 * HOURS)]);
        let older = score(&[member("A", Priority::Normal, 8 * HOURS)]);
        assert!((older / fresh - 0.5).abs() < 1e-9, "{fresh} {older}");
    }

    #[test]
    fn more_distinct_sources_rank_higher_and_one_source_spelt_twice_counts_once() {
        let one = ranked(&[
            member("Reuters", Priority::Normal, 2 * HOURS),
            member("REUTERS", Priority::Normal, 2 * HOURS),
        ]);
        let two = ranked(&[
            member("Reuters", Priority::Normal, 2 * HOURS),
            member("AP", Priority::Normal, 2 * HOURS),
        ]);
        assert_eq!(one.sources, ["Reuters"]);
        assert_eq!(two.sources, ["Reuters", "AP"]);
        assert!(two.score > one.score, "{} {}", two.score, one.score);
    }

    #[test]
    fn stories_arriving_in_the_last_hour_raise_an_event_up_to_ten_of_them() {
        // The same latest story time, priority and source: only the pace differs.
        let mut quiet = vec![member("A", Priority::Normal, HOURS / 2)];
        quiet.extend((0..11).map(|_| member("A", Priority::Normal, 3 * HOURS)));
        let mut busy = vec![member("A", Priority::Normal, HOURS / 2)];
        busy.extend((0..2).map(|_| member("A", Priority::Normal, HOURS / 4 * 3)));
        let mut busiest = vec![member("A", Priority::Normal, HOURS / 2)];
        busiest.extend((0..11).map(|_| member("A", Priority::Normal, HOURS / 4 * 3)));
        let mut ten = vec![member("A", Priority::Normal, HOURS / 2)];
        ten.extend((0..9).map(|_| member("A", Priority::Normal, HOURS / 4 * 3)));
        assert_eq!(ranked(&busy).velocity.last_hour, 3);
        assert!(score(&busy) > score(&quiet));
        assert!(score(&ten) > score(&busy));
        assert_eq!(
            score(&busiest),
            score(&ten),
            "the pace counts ten an hour at most"
        );
    }

    #[test]
    fn priority_counts_only_stories_of_the_twelve_hours_before_the_latest() {
        let stale = ranked(&[
            member("A", Priority::Flash, 14 * HOURS),
            member("A", Priority::Normal, HOURS),
        ]);
        let recent = ranked(&[
            member("A", Priority::Flash, 10 * HOURS),
            member("A", Priority::Normal, HOURS),
        ]);
        assert_eq!(stale.priority, Priority::Normal);
        assert_eq!(recent.priority, Priority::Flash);
        assert!(recent.score > stale.score);
    }

    #[test]
    fn the_label_is_the_headline_most_copied_and_latest_is_the_last_placed_of_a_tie() {
        let first = member("A", Priority::Normal, 3 * HOURS);
        let second = member("B", Priority::Normal, 2 * HOURS);
        let copy_of = |original: &MemberView, source: &str| MemberView {
            duplicate_of: Some(original.id),
            ..member(source, Priority::Normal, HOURS)
        };
        let members = [
            first.clone(),
            second.clone(),
            copy_of(&first, "C"),
            copy_of(&second, "D"),
            copy_of(&second, "E"),
        ];
        let row = ranked(&members);
        assert_eq!(
            row.label, "B reports",
            "two copies of B's story, one of A's"
        );
        assert_eq!(row.sources, ["A", "B", "C", "D", "E"]);
        assert_eq!(
            row.latest.source.as_deref(),
            Some("E"),
            "of the copies published at once, the one placed last"
        );
    }
}
