//! Online event grouping: each story, as it arrives, joins the event it
//! reports or starts a new one, in one pass and never by clustering the
//! archive again.
//!
//! A story's words (weighted by rarity, headline first) and named things
//! are looked up in an inverted index from features to the events whose
//! stories carry them; only the newest entries of each list are read, so
//! the work per story is bounded whatever the archive's size. The few
//! events that share the most weight with the story are then compared
//! whole: near-duplicate text first (the story is another feed's copy of
//! one of their stories), then similarity of words (cosine against the
//! event's centroid), of named things, and closeness in time. Places
//! count for little and words that name places not at all, so two
//! stories that only happen in the same city stay apart.
//!
//! Memory is bounded: past [`Config::max_stories`] resident stories the
//! events touched least recently are dropped from memory (they stay in
//! the store with their event id; a late story can no longer join them).

use std::collections::VecDeque;
use std::sync::Arc;

use newsterm_story::{EventId, Priority, Story, StoryContent, StoryId, Tags};
use rustc_hash::FxHashMap;
use time::OffsetDateTime;

use crate::features::{FeatureKey, Features, MAX_TERMS, Signature, nearly_repeats};

/// Features with their weights, sorted by key.
type Weighted = Box<[(FeatureKey, f32)]>;

/// How the grouper decides. The defaults were chosen on the evaluation
/// set (see BENCHMARKS.md) and suit a news wire.
#[derive(Debug, Clone)]
pub struct Config {
    /// Least similarity (0–1) at which a story joins an event.
    pub join_threshold: f32,
    /// Longest time between a story and the nearest story of an event it
    /// can join, in seconds.
    pub max_gap_secs: i64,
    /// Stories kept in memory; the events touched least recently go
    /// first.
    pub max_stories: usize,
    /// Newest entries read of each feature's list of events.
    pub scan_per_feature: usize,
    /// Events compared whole with each new story.
    pub candidates: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            join_threshold: 0.3,
            max_gap_secs: 7 * 86_400,
            max_stories: 100_000,
            scan_per_feature: 48,
            candidates: 10,
        }
    }
}

/// Where a new story goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Store it in `event`; `duplicate_of` is the story whose text it
    /// nearly repeats (the first of them), if any.
    Grouped {
        /// The event: an existing one, or a new one made for it.
        event: EventId,
        /// True when the event is new.
        new_event: bool,
        /// The story whose text it nearly repeats, if any.
        duplicate_of: Option<StoryId>,
    },
    /// The same source already sent this exact text as that story: it
    /// is not stored again.
    Repeat(StoryId),
}

/// One story the grouper knows.
#[derive(Debug)]
struct Member {
    id: StoryId,
    slot: u32,
    source: Option<Arc<str>>,
    source_key: u64,
    headline: Arc<str>,
    priority: Priority,
    published: i64,
    duplicate_of: Option<StoryId>,
    withdrawn: bool,
    /// Weighted words, normalized to length 1.
    vector: Weighted,
    names: Weighted,
    features: Features,
}

#[derive(Debug)]
struct Event {
    id: EventId,
    generation: u32,
    /// In arrival order.
    members: Vec<EventMember>,
    /// Each member's MinHash signature and distinct shingles, in the
    /// members' order: the near-duplicate check reads them one after
    /// the other, where looking each story up among all the grouper
    /// holds was a fifth of placing a story.
    texts: Vec<(Signature, u32)>,
    /// Sum of the members' word vectors.
    centroid: FxHashMap<FeatureKey, f32>,
    /// How many members name each thing.
    names: FxHashMap<FeatureKey, f32>,
    /// How many members name each person.
    people: FxHashMap<FeatureKey, f32>,
    first: i64,
    last: i64,
    touched: u64,
}

/// A story of an event as TOP scores it, kept in the event itself: scoring
/// every recent event then reads one list each, where looking each story
/// up among the hundred thousand held (a cache miss apiece) made TOP cost
/// milliseconds per ten thousand recent stories.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventMember {
    pub id: StoryId,
    /// Unix seconds.
    pub published: i64,
    pub priority: Priority,
    /// The source as search compares it; `None` for a story without one.
    pub source_key: Option<u64>,
    /// The story whose text it nearly repeats, if any.
    pub duplicate_of: Option<StoryId>,
    /// False once withdrawn.
    pub live: bool,
}

/// Most words kept in an event's centroid; the lightest go first.
const MAX_CENTROID: usize = 300;
/// Entries in one feature's list of events before the oldest half goes.
const MAX_POSTINGS: usize = 1024;
/// Members of a candidate event checked for near-duplicate text.
const DUP_CHECK_MEMBERS: usize = 200;
/// Candidate events checked for near-duplicate text.
const DUP_CHECK_EVENTS: usize = 4;

/// The online grouper. Not thread-safe by itself: the engine owns it on
/// its writer thread and shares read access through a lock.
#[derive(Debug)]
pub struct Grouper {
    config: Config,
    slots: Vec<Option<Event>>,
    generations: Vec<u32>,
    free: Vec<u32>,
    by_id: FxHashMap<EventId, u32>,
    stories: FxHashMap<StoryId, Member>,
    exact: FxHashMap<u64, StoryId>,
    postings: FxHashMap<FeatureKey, Vec<u64>>,
    df: FxHashMap<FeatureKey, u32>,
    seen: u64,
    clock: u64,
    lru: VecDeque<(u64, u32)>,
    sources: FxHashMap<u64, Arc<str>>,
    newest: i64,
    /// Bumped on every change that can change TOP.
    version: u64,
    /// Each slot's score while [`Grouper::candidates`] sums them, `None`
    /// otherwise: a story's features reach a thousand or more entries, and
    /// summing them in a hash map was most of placing a story.
    scores: Vec<Option<f32>>,
}

fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

fn source_key(source: Option<&str>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    source
        .map(newsterm_query::normalize_keyword)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

fn entry(slot: u32, generation: u32) -> u64 {
    (u64::from(generation) << 32) | u64::from(slot)
}

impl Default for Grouper {
    fn default() -> Self {
        Grouper::new(Config::default())
    }
}

impl Grouper {
    /// A grouper with no stories, placing by `config`.
    pub fn new(config: Config) -> Grouper {
        Grouper {
            config,
            slots: Vec::new(),
            generations: Vec::new(),
            free: Vec::new(),
            by_id: FxHashMap::default(),
            stories: FxHashMap::default(),
            exact: FxHashMap::default(),
            postings: FxHashMap::default(),
            df: FxHashMap::default(),
            seen: 0,
            clock: 0,
            lru: VecDeque::new(),
            sources: FxHashMap::default(),
            newest: i64::MIN,
            version: 0,
            scores: Vec::new(),
        }
    }

    /// The thresholds it places by.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Stories held in memory.
    pub fn len(&self) -> usize {
        self.stories.len()
    }

    /// True when it holds no story.
    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    /// Events held in memory.
    pub fn event_count(&self) -> usize {
        self.by_id.len()
    }

    /// Changes whenever TOP could have changed.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The event of a story held in memory.
    pub fn event_of(&self, id: StoryId) -> Option<EventId> {
        let m = self.stories.get(&id)?;
        self.slots[m.slot as usize].as_ref().map(|e| e.id)
    }

    /// Decides where a new story goes, and records it there.
    pub fn place(&mut self, id: StoryId, content: &StoryContent, tags: &Tags) -> Placement {
        self.place_read(id, content, Features::of(content, tags))
    }

    /// [`Grouper::place`] with the story's features already read (reading
    /// them is most of the work, and needs no access to the grouper).
    pub fn place_read(
        &mut self,
        id: StoryId,
        content: &StoryContent,
        features: Features,
    ) -> Placement {
        if let Some(&earlier) = self.exact.get(&features.exact_key)
            && self.stories.get(&earlier).is_some_and(|m| !m.withdrawn)
        {
            return Placement::Repeat(earlier);
        }
        self.count_features(&features);
        let (vector, names) = self.weigh(&features);
        let published = unix(content.published);
        let candidates = self.candidates(&vector, &names);

        let mut duplicate: Option<(u32, StoryId)> = None;
        'dup: for &(slot, _) in candidates.iter().take(DUP_CHECK_EVENTS) {
            let Some(event) = &self.slots[slot as usize] else {
                continue;
            };
            let texts = event.members.iter().zip(&event.texts);
            for (member, (signature, shingles)) in texts.rev().take(DUP_CHECK_MEMBERS) {
                if member.live
                    && nearly_repeats(
                        (&features.signature, features.shingles),
                        (signature, *shingles),
                    )
                {
                    duplicate = Some((slot, member.duplicate_of.unwrap_or(member.id)));
                    break 'dup;
                }
            }
        }
        let (slot, duplicate_of) = match duplicate {
            Some((slot, root)) => (Some(slot), Some(root)),
            None => {
                let best = candidates
                    .iter()
                    .filter_map(|&(slot, _)| {
                        let event = self.slots[slot as usize].as_ref()?;
                        let sim =
                            self.similarity(&vector, &names, &features.people, published, event);
                        Some((slot, sim))
                    })
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                match best {
                    Some((slot, sim)) if sim >= self.config.join_threshold => (Some(slot), None),
                    _ => (None, None),
                }
            }
        };
        let new_event = slot.is_none();
        let slot = match slot {
            Some(s) => s,
            None => self.new_event(EventId::new_at(content.published)),
        };
        self.add_member(slot, id, content, features, vector, names, duplicate_of);
        let event = self.slots[slot as usize]
            .as_ref()
            .map(|e| e.id)
            .unwrap_or_else(|| EventId::new_at(content.published));
        self.evict();
        Placement::Grouped {
            event,
            new_event,
            duplicate_of,
        }
    }

    /// Takes a new revision of a story into account: its event's words
    /// and the headline TOP shows follow the latest text. Returns the
    /// story's event when the story is held in memory.
    pub fn revise(&mut self, id: StoryId, content: &StoryContent, tags: &Tags) -> Option<EventId> {
        self.revise_read(id, content, Features::of(content, tags))
    }

    /// [`Grouper::revise`] with the revision's features already read.
    pub fn revise_read(
        &mut self,
        id: StoryId,
        content: &StoryContent,
        features: Features,
    ) -> Option<EventId> {
        let member = self.stories.get(&id)?;
        if member.withdrawn {
            return self.slots[member.slot as usize].as_ref().map(|e| e.id);
        }
        let old = self.stories.remove(&id)?;
        let slot = old.slot;
        self.unlink_vectors(&old);
        if self.exact.get(&old.features.exact_key) == Some(&id) {
            self.exact.remove(&old.features.exact_key);
        }
        if let Some(e) = self.slots[slot as usize].as_mut() {
            e.remove_member(id);
        }
        let (vector, names) = self.weigh(&features);
        self.add_member(slot, id, content, features, vector, names, old.duplicate_of);
        self.slots[slot as usize].as_ref().map(|e| e.id)
    }

    /// A withdrawn story leaves its event's counts, TOP and near-duplicate
    /// matching.
    pub fn withdraw(&mut self, id: StoryId) {
        let Some(member) = self.stories.get_mut(&id) else {
            return;
        };
        if member.withdrawn {
            return;
        }
        member.withdrawn = true;
        let exact_key = member.features.exact_key;
        let vector = std::mem::take(&mut member.vector);
        let names = std::mem::take(&mut member.names);
        let slot = member.slot;
        let people = std::mem::take(&mut member.features.people);
        if self.exact.get(&exact_key) == Some(&id) {
            self.exact.remove(&exact_key);
        }
        if let Some(e) = self.slots[slot as usize].as_mut() {
            e.unlink(&vector, &names, &people);
            if let Some(m) = e.members.iter_mut().find(|m| m.id == id) {
                m.live = false;
            }
        }
        self.version += 1;
    }

    /// Forgets a story placed by [`Grouper::place`] whose write then
    /// failed, as if it had never arrived (its words stay counted).
    pub fn forget(&mut self, id: StoryId) {
        let Some(member) = self.stories.remove(&id) else {
            return;
        };
        self.unlink_vectors(&member);
        if self.exact.get(&member.features.exact_key) == Some(&id) {
            self.exact.remove(&member.features.exact_key);
        }
        let slot = member.slot as usize;
        let empty = match self.slots[slot].as_mut() {
            Some(e) => {
                e.remove_member(id);
                e.members.is_empty()
            }
            None => false,
        };
        if empty {
            self.drop_event(member.slot);
        }
        self.version += 1;
    }

    /// Puts a stored story back where the store says it belongs, without
    /// deciding anything: what the engine does at start with the recent
    /// wire. A story stored before grouping existed is left out.
    pub fn restore(&mut self, story: &Story) {
        let Some(event) = story.mark.event else {
            return;
        };
        if self.stories.contains_key(&story.id) {
            self.revise(story.id, &story.content, &story.tags);
        } else {
            let features = Features::of(&story.content, &story.tags);
            self.count_features(&features);
            let (vector, names) = self.weigh(&features);
            let slot = match self.by_id.get(&event) {
                Some(&s) => s,
                None => self.new_event(event),
            };
            self.add_member(
                slot,
                story.id,
                &story.content,
                features,
                vector,
                names,
                story.mark.duplicate_of,
            );
        }
        if story.is_withdrawn() {
            self.withdraw(story.id);
        }
        self.evict();
    }

    fn count_features(&mut self, features: &Features) {
        self.seen += 1;
        for (k, _) in features.words.iter().chain(features.names.iter()) {
            *self.df.entry(*k).or_insert(0) += 1;
        }
    }

    fn idf(&self, key: FeatureKey) -> f32 {
        let df = self.df.get(&key).copied().unwrap_or(0) as f32;
        ((self.seen as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// The story's words weighted by rarity, the heaviest
    /// [`MAX_TERMS`], normalized; and its names weighted by rarity.
    fn weigh(&self, f: &Features) -> (Weighted, Weighted) {
        let mut words: Vec<(FeatureKey, f32)> =
            f.words.iter().map(|&(k, w)| (k, w * self.idf(k))).collect();
        words.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        words.truncate(MAX_TERMS);
        let norm = words.iter().map(|w| w.1 * w.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            for w in &mut words {
                w.1 /= norm;
            }
        }
        words.sort_unstable_by_key(|w| w.0);
        let names: Vec<(FeatureKey, f32)> =
            f.names.iter().map(|&(k, w)| (k, w * self.idf(k))).collect();
        (words.into_boxed_slice(), names.into_boxed_slice())
    }

    /// Events sharing the most weight with the story, heaviest first.
    fn candidates(
        &mut self,
        vector: &[(FeatureKey, f32)],
        names: &[(FeatureKey, f32)],
    ) -> Vec<(u32, f32)> {
        let mut scores = std::mem::take(&mut self.scores);
        scores.resize(self.slots.len(), None);
        let mut touched: Vec<u32> = Vec::new();
        let name_scale = 1.0 / names.iter().map(|n| n.1).sum::<f32>().max(1.0);
        let features = vector
            .iter()
            .copied()
            .chain(names.iter().map(|&(k, w)| (k, 0.5 * w * name_scale)));
        for (key, weight) in features {
            let Some(list) = self.postings.get(&key) else {
                continue;
            };
            for &e in list.iter().rev().take(self.config.scan_per_feature) {
                let slot = e as u32;
                let generation = (e >> 32) as u32;
                if self.generations[slot as usize] == generation
                    && self.slots[slot as usize].is_some()
                {
                    let score = scores[slot as usize].get_or_insert_with(|| {
                        touched.push(slot);
                        0.0
                    });
                    *score += weight;
                }
            }
        }
        let mut out: Vec<(u32, f32)> = touched
            .into_iter()
            .filter_map(|slot| Some((slot, scores[slot as usize].take()?)))
            .collect();
        self.scores = scores;
        out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.truncate(self.config.candidates);
        out
    }

    /// How likely the story reports `event`, 0–1.
    fn similarity(
        &self,
        vector: &[(FeatureKey, f32)],
        names: &[(FeatureKey, f32)],
        people: &[FeatureKey],
        published: i64,
        event: &Event,
    ) -> f32 {
        let gap = (event.first - published).max(published - event.last).max(0);
        if gap > self.config.max_gap_secs {
            return 0.0;
        }
        let norm = event.centroid.values().map(|w| w * w).sum::<f32>().sqrt();
        let text = if norm > 0.0 {
            vector
                .iter()
                .filter_map(|(k, w)| event.centroid.get(k).map(|c| w * c))
                .sum::<f32>()
                / norm
        } else {
            0.0
        };
        // Sharing only names (a city, a country, a famous person) is
        // not enough: some words must be shared too, and more than one —
        // two short stories that both say "comet" are not one event.
        let shared = vector
            .iter()
            .filter(|(k, _)| event.centroid.contains_key(k))
            .count();
        if text < 0.1 || shared < 2 {
            return 0.0;
        }
        let members = event.members.len().max(1) as f32;
        let total: f32 = names.iter().map(|n| n.1).sum();
        let named = if total > 0.0 {
            names
                .iter()
                .filter_map(|(k, w)| {
                    event
                        .names
                        .get(k)
                        .map(|count| w * (2.0 * count / members).min(1.0))
                })
                .sum::<f32>()
                / total.max(3.0)
        } else {
            0.0
        };
        // A day apart is no distance on a wire; a week is a lot.
        let day = 86_400;
        let closeness = if gap <= day {
            1.0
        } else {
            (-((gap - day) as f32) / (4.0 * day as f32)).exp()
        };
        // Who the story is about: an event most of whose stories name
        // someone, and a story that names people but not that one, is
        // most likely a like story about someone else ("X ends
        // presidential bid", "Y dies at 78").
        let leads = |p: &FeatureKey| event.people.get(p).is_some_and(|c| 2.0 * c >= members);
        let about_someone_else =
            !people.is_empty() && event.people.keys().any(leads) && !people.iter().any(leads);
        let subject = if about_someone_else { 0.5 } else { 1.0 };
        (0.7 * text + 0.3 * named) * closeness * subject
    }

    fn new_event(&mut self, id: EventId) -> u32 {
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                self.generations.push(0);
                (self.slots.len() - 1) as u32
            }
        };
        self.generations[slot as usize] = self.generations[slot as usize].wrapping_add(1);
        self.slots[slot as usize] = Some(Event {
            id,
            generation: self.generations[slot as usize],
            members: Vec::new(),
            texts: Vec::new(),
            centroid: FxHashMap::default(),
            names: FxHashMap::default(),
            people: FxHashMap::default(),
            first: i64::MAX,
            last: i64::MIN,
            touched: 0,
        });
        self.by_id.insert(id, slot);
        slot
    }

    #[allow(clippy::too_many_arguments)]
    fn add_member(
        &mut self,
        slot: u32,
        id: StoryId,
        content: &StoryContent,
        features: Features,
        vector: Weighted,
        names: Weighted,
        duplicate_of: Option<StoryId>,
    ) {
        let published = unix(content.published);
        self.newest = self.newest.max(published);
        self.clock += 1;
        let touched = self.clock;
        let source_key = source_key(content.source.as_deref());
        let source = content.source.as_deref().map(|s| {
            self.sources
                .entry(source_key)
                .or_insert_with(|| Arc::from(s))
                .clone()
        });
        let Some(event) = self.slots[slot as usize].as_mut() else {
            return;
        };
        event.members.push(EventMember {
            id,
            published,
            priority: content.priority,
            source_key: content.source.is_some().then_some(source_key),
            duplicate_of,
            live: true,
        });
        event
            .texts
            .push((features.signature.clone(), features.shingles));
        event.first = event.first.min(published);
        event.last = event.last.max(published);
        event.touched = touched;
        for &(k, w) in vector.iter() {
            *event.centroid.entry(k).or_insert(0.0) += w;
        }
        if event.centroid.len() > MAX_CENTROID {
            let mut weights: Vec<f32> = event.centroid.values().copied().collect();
            weights.sort_unstable_by(|a, b| b.total_cmp(a));
            let floor = weights[MAX_CENTROID - 1];
            event.centroid.retain(|_, w| *w >= floor);
        }
        for &(k, _) in names.iter() {
            *event.names.entry(k).or_insert(0.0) += 1.0;
        }
        for &k in &features.people {
            *event.people.entry(k).or_insert(0.0) += 1.0;
        }
        let generation = event.generation;
        let e = entry(slot, generation);
        for &(k, _) in vector.iter().chain(names.iter()) {
            let list = self.postings.entry(k).or_default();
            if list.last() != Some(&e) {
                list.push(e);
                if list.len() > MAX_POSTINGS {
                    list.drain(..MAX_POSTINGS / 2);
                }
            }
        }
        self.lru.push_back((touched, slot));
        self.exact.entry(features.exact_key).or_insert(id);
        self.stories.insert(
            id,
            Member {
                id,
                slot,
                source,
                source_key,
                headline: Arc::from(content.headline.as_str()),
                priority: content.priority,
                published,
                duplicate_of,
                withdrawn: false,
                vector,
                names,
                features,
            },
        );
        self.version += 1;
    }

    fn unlink_vectors(&mut self, member: &Member) {
        if member.withdrawn {
            return;
        }
        if let Some(e) = self.slots[member.slot as usize].as_mut() {
            e.unlink(&member.vector, &member.names, &member.features.people);
        }
    }

    fn drop_event(&mut self, slot: u32) {
        if let Some(event) = self.slots[slot as usize].take() {
            self.by_id.remove(&event.id);
            for EventMember { id, .. } in &event.members {
                if let Some(m) = self.stories.remove(id)
                    && self.exact.get(&m.features.exact_key) == Some(id)
                {
                    self.exact.remove(&m.features.exact_key);
                }
            }
            self.free.push(slot);
            self.version += 1;
        }
    }

    /// Drops the events touched least recently while more stories than
    /// [`Config::max_stories`] are held, and keeps the bookkeeping of
    /// recency and postings from growing without bound.
    fn evict(&mut self) {
        while self.stories.len() > self.config.max_stories {
            let Some((touched, slot)) = self.lru.pop_front() else {
                break;
            };
            let current = self.slots[slot as usize]
                .as_ref()
                .is_some_and(|e| e.touched == touched);
            if current {
                self.drop_event(slot);
            }
        }
        if self.lru.len() > 2 * self.by_id.len() + 1024 {
            let mut live: Vec<(u64, u32)> = self
                .slots
                .iter()
                .enumerate()
                .filter_map(|(i, e)| e.as_ref().map(|e| (e.touched, i as u32)))
                .collect();
            live.sort_unstable();
            self.lru = live.into();
        }
        if self.seen.is_multiple_of(65_536) && !self.postings.is_empty() {
            let (generations, slots) = (&self.generations, &self.slots);
            self.postings.retain(|_, list| {
                list.retain(|&e| {
                    let slot = e as u32 as usize;
                    generations[slot] == (e >> 32) as u32 && slots[slot].is_some()
                });
                !list.is_empty()
            });
        }
    }
}

impl Event {
    /// Takes the story out of the event's members, and its text with it.
    fn remove_member(&mut self, id: StoryId) {
        while let Some(k) = self.members.iter().position(|m| m.id == id) {
            self.members.remove(k);
            if k < self.texts.len() {
                self.texts.remove(k);
            }
        }
    }

    /// Takes a member's words, names and people out of the event's sums.
    fn unlink(
        &mut self,
        vector: &[(FeatureKey, f32)],
        names: &[(FeatureKey, f32)],
        people: &[FeatureKey],
    ) {
        subtract(&mut self.centroid, vector);
        let ones =
            |keys: &mut dyn Iterator<Item = FeatureKey>| keys.map(|k| (k, 1.0)).collect::<Vec<_>>();
        subtract(&mut self.names, &ones(&mut names.iter().map(|n| n.0)));
        subtract(&mut self.people, &ones(&mut people.iter().copied()));
    }
}

fn subtract(map: &mut FxHashMap<FeatureKey, f32>, values: &[(FeatureKey, f32)]) {
    for (k, w) in values {
        if let Some(v) = map.get_mut(k) {
            *v -= w;
            if *v <= 1e-6 {
                map.remove(k);
            }
        }
    }
}

/// One story of an event as TOP and summaries see it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberView {
    /// The story.
    pub id: StoryId,
    /// Its latest headline.
    pub headline: String,
    /// Its source, if it named one.
    pub source: Option<String>,
    /// Its latest priority.
    pub priority: Priority,
    /// When it was published.
    pub published: OffsetDateTime,
    /// The story whose text it nearly repeats, if any.
    pub duplicate_of: Option<StoryId>,
}

/// One story of an event as TOP ranks it, borrowed from the grouper:
/// ranking copies no story's text, so TOP costs little even when the
/// events it ranks hold many thousands of stories between them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemberRef<'a> {
    pub id: StoryId,
    pub headline: &'a str,
    pub source: Option<&'a str>,
    /// The source as search compares it (case and punctuation aside).
    pub source_key: u64,
    pub priority: Priority,
    /// Unix seconds.
    pub published: i64,
    pub duplicate_of: Option<StoryId>,
}

impl MemberRef<'_> {
    pub(crate) fn to_view(self) -> MemberView {
        MemberView {
            id: self.id,
            headline: self.headline.to_string(),
            source: self.source.map(str::to_string),
            priority: self.priority,
            published: OffsetDateTime::from_unix_timestamp(self.published)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
            duplicate_of: self.duplicate_of,
        }
    }
}

/// An event TOP may rank, borrowed from the grouper.
#[derive(Clone, Copy)]
pub(crate) struct RecentEvent<'a> {
    grouper: &'a Grouper,
    event: &'a Event,
}

impl<'a> RecentEvent<'a> {
    pub(crate) fn id(&self) -> EventId {
        self.event.id
    }

    /// A live story of the grouper's, as TOP shows it.
    pub(crate) fn member(&self, id: StoryId) -> Option<MemberRef<'a>> {
        let m = self.grouper.stories.get(&id).filter(|m| !m.withdrawn)?;
        Some(MemberRef {
            id: m.id,
            headline: &m.headline,
            source: m.source.as_deref(),
            source_key: m.source_key,
            priority: m.priority,
            published: m.published,
            duplicate_of: m.duplicate_of,
        })
    }

    /// What TOP scores of the event's live stories, in arrival order.
    pub(crate) fn live_facts(&self) -> impl Iterator<Item = &'a EventMember> + Clone + 'a {
        self.event.members.iter().filter(|m| m.live)
    }

    /// The event's live stories, in arrival order, read from the stories
    /// themselves (not the event's own facts about them).
    #[cfg(test)]
    pub(crate) fn live_members(&self) -> Vec<MemberRef<'a>> {
        self.event
            .members
            .iter()
            .filter_map(|m| self.member(m.id))
            .collect()
    }
}

impl MemberView {
    pub(crate) fn borrowed(&self) -> MemberRef<'_> {
        MemberRef {
            id: self.id,
            headline: &self.headline,
            source: self.source.as_deref(),
            source_key: source_key(self.source.as_deref()),
            priority: self.priority,
            published: unix(self.published),
            duplicate_of: self.duplicate_of,
        }
    }
}

impl Grouper {
    /// Every event last touched at or after `since`, each with a way to
    /// read its live (not withdrawn) stories, oldest first, into a buffer
    /// the caller reuses: what TOP ranks, without a list made per event.
    pub(crate) fn recent_events(&self, since: i64) -> impl Iterator<Item = RecentEvent<'_>> + '_ {
        self.slots
            .iter()
            .flatten()
            .filter(move |e| e.last >= since)
            .map(|event| RecentEvent {
                grouper: self,
                event,
            })
    }

    /// What TOP calls now: the newest publication time of any story held,
    /// or `now` if that is earlier (a story dated in the future does not
    /// move it).
    pub fn reference_time(&self, now: OffsetDateTime) -> OffsetDateTime {
        if self.newest == i64::MIN {
            return now;
        }
        OffsetDateTime::from_unix_timestamp(self.newest.min(unix(now))).unwrap_or(now)
    }

    /// How many distinct sources the live stories of a story's event
    /// have, with the story's own first.
    pub fn sources_of_event(&self, event: EventId) -> usize {
        let Some(&slot) = self.by_id.get(&event) else {
            return 0;
        };
        let Some(e) = &self.slots[slot as usize] else {
            return 0;
        };
        let mut keys: Vec<u64> = e
            .members
            .iter()
            .filter_map(|m| self.stories.get(&m.id))
            .filter(|m| !m.withdrawn)
            .map(|m| m.source_key)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::tags::{Entity, EntityType};
    use newsterm_story::{Block, StoryDraft};
    use time::macros::datetime;

    fn content(headline: &str, body: &[&str], source: &str, at: OffsetDateTime) -> StoryContent {
        StoryDraft {
            headline: Some(headline.into()),
            body: body
                .iter()
                .map(|p| Block::Paragraph(p.to_string()))
                .collect(),
            source: Some(source.into()),
            published: Some(newsterm_story::format_time(at)),
            ..Default::default()
        }
        .validate(at)
        .unwrap()
    }

    fn tags(names: &[(EntityType, &str)]) -> Tags {
        Tags {
            language: "en".into(),
            tagged: true,
            entities: names
                .iter()
                .map(|(kind, name)| {
                    let mut e = Entity::mention(*kind, 0, 1, name);
                    if *kind == EntityType::Loc {
                        e.country = Some("PT".into());
                    }
                    e
                })
                .collect(),
            ..Tags::default()
        }
    }

    const T0: OffsetDateTime = datetime!(2024-05-01 21:30 UTC);

    const FIRE: [&str; 4] = [
        "Firefighters battled a blaze at the Grand Hotel in Porto on Tuesday night, forcing the evacuation of some 300 guests.",
        "The fire started in a kitchen on the ground floor shortly after 10 pm and spread to the upper floors, the civil protection agency said.",
        "Two guests were taken to hospital with smoke inhalation; no deaths were reported.",
        "The hotel, built in 1880, was renovated in 2015 and reopened to the public last spring.",
    ];

    fn fire_tags() -> Tags {
        tags(&[
            (EntityType::Org, "Grand Hotel"),
            (EntityType::Loc, "Porto"),
            (EntityType::Org, "civil protection agency"),
        ])
    }

    /// Some unrelated stories first, so word rarity means something.
    fn warmed_up() -> Grouper {
        let mut g = Grouper::default();
        let others = [
            (
                "Central bank holds interest rates steady",
                "The central bank kept its main interest rate unchanged on Wednesday, citing slowing inflation and weak growth in the euro area.",
            ),
            (
                "Election campaign opens in Lisbon",
                "Parties opened their campaigns in Lisbon ahead of the general election, with the economy and housing dominating debate.",
            ),
            (
                "Storm closes schools across the north",
                "Heavy rain and strong winds closed schools and cut power to thousands of homes across the north of the country.",
            ),
            (
                "Tech firm reports record profits",
                "The software company reported record quarterly profits as demand for its cloud services grew faster than expected.",
            ),
            (
                "Football: Porto sign Brazilian striker",
                "FC Porto have signed the Brazilian striker on a four-year contract, the club announced, for a fee of 20 million euros.",
            ),
        ];
        for (i, (h, b)) in others.iter().enumerate() {
            let at = T0 - time::Duration::hours(6 - i as i64);
            let t = if h.contains("Porto") {
                tags(&[(EntityType::Org, "FC Porto"), (EntityType::Loc, "Porto")])
            } else {
                Tags::default()
            };
            g.place(StoryId::new(), &content(h, &[b], "Other Wire", at), &t);
        }
        g
    }

    fn grouped(p: Placement) -> (EventId, bool, Option<StoryId>) {
        match p {
            Placement::Grouped {
                event,
                new_event,
                duplicate_of,
            } => (event, new_event, duplicate_of),
            Placement::Repeat(id) => panic!("unexpected repeat of {id}"),
        }
    }

    #[test]
    fn three_sources_carrying_one_story_make_one_event_with_three_sources() {
        let mut g = warmed_up();
        let first = StoryId::new();
        let (event, new, dup) = grouped(g.place(
            first,
            &content(
                "Fire forces evacuation of Porto hotel",
                &FIRE,
                "Coastal Wire",
                T0,
            ),
            &fire_tags(),
        ));
        assert!(new && dup.is_none());
        let rewrites = [
            (
                "Hundreds evacuated as blaze hits historic Porto hotel",
                vec![FIRE[1], FIRE[0], FIRE[2]],
                "Northern Post",
            ),
            (
                "Porto hotel fire: 300 guests evacuated",
                vec![
                    FIRE[0],
                    FIRE[1],
                    FIRE[2],
                    FIRE[3],
                    "(Reporting by Ana Lima)",
                ],
                "Iberia Daily",
            ),
        ];
        for (i, (h, body, source)) in rewrites.iter().enumerate() {
            let at = T0 + time::Duration::minutes(20 * (i as i64 + 1));
            let (e, new, dup) =
                grouped(g.place(StoryId::new(), &content(h, body, source, at), &fire_tags()));
            assert_eq!((e, new, dup), (event, false, Some(first)), "{h}");
        }
        let top = g.top(T0 + time::Duration::hours(1), 10);
        let row = top.iter().find(|r| r.event == event).unwrap();
        assert_eq!(
            row.sources,
            ["Coastal Wire", "Northern Post", "Iberia Daily"]
        );
        assert_eq!(row.stories, 3);
        assert_eq!(row.label, "Fire forces evacuation of Porto hotel");
        assert_eq!(
            top[0].event, event,
            "the story three sources carry leads TOP"
        );
        assert_eq!(top.iter().filter(|r| r.event == event).count(), 1);
    }

    #[test]
    fn a_next_day_follow_up_joins_and_an_unrelated_story_in_the_same_city_does_not() {
        let mut g = warmed_up();
        let (event, _, _) = grouped(g.place(
            StoryId::new(),
            &content(
                "Fire forces evacuation of Porto hotel",
                &FIRE,
                "Coastal Wire",
                T0,
            ),
            &fire_tags(),
        ));
        let follow_up = content(
            "Porto hotel fire: inquiry into kitchen blaze opens",
            &[
                "Investigators began examining the kitchen of the Grand Hotel in Porto on Wednesday, a day after a fire forced hundreds of guests into the street.",
                "The civil protection agency said the blaze appeared to have started near a gas cooker; the two guests treated for smoke inhalation have left hospital.",
                "The hotel will stay closed for at least a month while damage to the upper floors is assessed.",
            ],
            "Northern Post",
            T0 + time::Duration::hours(20),
        );
        let (e, new, dup) = grouped(g.place(StoryId::new(), &follow_up, &fire_tags()));
        assert_eq!(
            (e, new, dup),
            (event, false, None),
            "the follow-up is the same event, not a copy"
        );

        let unrelated = content(
            "Porto metro extends night service for festival",
            &[
                "The Porto metro will run trains all night during the city's June festival, the operator said on Wednesday.",
                "Extra services will link the centre with the riverside, where hundreds of thousands of visitors are expected.",
            ],
            "Coastal Wire",
            T0 + time::Duration::hours(14),
        );
        let (e, new, _) = grouped(g.place(
            StoryId::new(),
            &unrelated,
            &tags(&[(EntityType::Loc, "Porto")]),
        ));
        assert!(new && e != event, "sharing a city is not sharing an event");
    }

    #[test]
    fn the_same_text_twice_from_one_source_is_a_repeat() {
        let mut g = warmed_up();
        let first = StoryId::new();
        let story = content(
            "Fire forces evacuation of Porto hotel",
            &FIRE,
            "Coastal Wire",
            T0,
        );
        grouped(g.place(first, &story, &fire_tags()));
        assert_eq!(
            g.place(StoryId::new(), &story, &fire_tags()),
            Placement::Repeat(first)
        );
        // From another source the same text is a copy, stored and linked.
        let copy = content(
            "Fire forces evacuation of Porto hotel",
            &FIRE,
            "Northern Post",
            T0,
        );
        let (_, _, dup) = grouped(g.place(StoryId::new(), &copy, &fire_tags()));
        assert_eq!(dup, Some(first));
        // Once withdrawn, sending it again is a new story.
        g.withdraw(first);
        assert!(matches!(
            g.place(StoryId::new(), &story, &fire_tags()),
            Placement::Grouped { .. }
        ));
    }

    #[test]
    fn a_copy_is_matched_against_each_story_s_latest_text() {
        let mut g = warmed_up();
        let fire =
            |source: &str| content("Fire forces evacuation of Porto hotel", &FIRE, source, T0);
        let a = StoryId::new();
        grouped(g.place(a, &fire("Coastal Wire"), &fire_tags()));
        let b = StoryId::new();
        let (_, _, dup) = grouped(g.place(b, &fire("Northern Post"), &fire_tags()));
        assert_eq!(dup, Some(a));
        // Revised to other words, the first story no longer has the
        // text; the copy that had it is forgotten.
        let rewritten = content(
            "Porto hotel reopens after fire",
            &[
                "Guests returned to the Grand Hotel in Porto on Friday, three days after a kitchen fire forced its evacuation.",
                "Engineers said the upper floors were sound and only the kitchen needed rebuilding.",
            ],
            "Coastal Wire",
            T0,
        );
        g.revise(a, &rewritten, &fire_tags());
        g.forget(b);
        let c = StoryId::new();
        let (_, _, dup) = grouped(g.place(c, &fire("Harbour Times"), &fire_tags()));
        assert_eq!(dup, None, "no story holds the text any more");
        // Revised back, it holds the text again: a later copy is its.
        g.forget(c);
        g.revise(a, &fire("Coastal Wire"), &fire_tags());
        let (_, _, dup) = grouped(g.place(StoryId::new(), &fire("Valley Echo"), &fire_tags()));
        assert_eq!(dup, Some(a), "a copy of a story's latest text is linked");
    }

    #[test]
    fn withdrawn_and_forgotten_stories_leave_top() {
        let mut g = warmed_up();
        let a = StoryId::new();
        let (event, _, _) = grouped(g.place(
            a,
            &content(
                "Fire forces evacuation of Porto hotel",
                &FIRE,
                "Coastal Wire",
                T0,
            ),
            &fire_tags(),
        ));
        let b = StoryId::new();
        g.place(
            b,
            &content(
                "Blaze hits historic Porto hotel",
                &[FIRE[1], FIRE[0], FIRE[2]],
                "Northern Post",
                T0,
            ),
            &fire_tags(),
        );
        let before = g.version();
        g.withdraw(b);
        assert!(g.version() > before);
        let top = g.top(T0, 10);
        let row = top.iter().find(|r| r.event == event).unwrap();
        assert_eq!((row.stories, row.sources.len()), (1, 1));
        g.forget(a);
        assert!(g.top(T0, 10).iter().all(|r| r.event != event));
        assert_eq!(g.event_of(a), None);
    }

    #[test]
    fn restore_puts_stories_back_in_their_events() {
        let mut g = Grouper::default();
        let event = EventId::new_at(T0);
        let story = |headline: &str, body: &[&str], source: &str| Story {
            seq: 1,
            tags: fire_tags(),
            mark: newsterm_story::RevisionMark {
                event: Some(event),
                ..Default::default()
            },
            ..Story::new(content(headline, body, source, T0), T0)
        };
        let a = story(
            "Fire forces evacuation of Porto hotel",
            &FIRE,
            "Coastal Wire",
        );
        let b = story(
            "Guests describe night of smoke at Porto hotel",
            &[
                "Guests forced from the Grand Hotel in Porto by the fire spent the night in a sports hall.",
            ],
            "Northern Post",
        );
        g.restore(&a);
        g.restore(&b);
        assert_eq!(g.event_of(a.id), Some(event));
        assert_eq!(g.sources_of_event(event), 2);
        // A new copy joins the restored event.
        let (e, _, dup) = grouped(g.place(
            StoryId::new(),
            &content("Hotel fire in Porto", &FIRE, "Iberia Daily", T0),
            &fire_tags(),
        ));
        assert_eq!((e, dup), (event, Some(a.id)));
    }

    #[test]
    fn memory_stays_within_max_stories() {
        let mut g = Grouper::new(Config {
            max_stories: 50,
            ..Config::default()
        });
        for i in 0..500 {
            let at = T0 + time::Duration::minutes(i);
            let body = format!(
                "Story number {i} about topic{} and matter{}.",
                i % 37,
                i % 11
            );
            g.place(
                StoryId::new(),
                &content(&format!("Headline {i} topic{}", i % 37), &[&body], "W", at),
                &Tags::default(),
            );
            assert!(g.len() <= 50 + 1);
        }
        assert!(g.lru.len() <= 2 * g.event_count() + 1024);
    }
}
