//! From typed spans to entities: each span's canonical name and id, a
//! place resolved in the gazetteer from the story's context.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::naming::{
    CountryMentions, link_short_company_names, name_bare_institutions, name_generic_bodies,
    name_national_bodies, names_with_its_article, one_of_bodies_sharing_a_head,
    small_words_in_lower_case, without_legal_suffix,
};
use super::org_cues::ORG_CUES_BEFORE;
use super::organisations::{has_org_word, is_org_word};
use super::person_names::{
    CAPITALISED_PARTICLES, is_surname_particle, name_standalone_words, standalone_words,
    without_sentence_stop,
};
use super::spans::{Span, after_possessive, span_text};
use super::{EntityTagger, LOC, Learned, MISC, ORG, PERSON};
use crate::annotations::{Entity, EntityType};
use crate::features::DocView;
use crate::gazetteer::{Gazetteer, Place, PlaceKind, entity_id, in_capitals, kind};
use crate::places::{
    AMONG_TOWNS_OF_ANOTHER_COUNTRY, Dateline, FACILITY, NATURAL_FEATURE, PART_OF_ELSEWHERE,
    PlaceContext, is_small_town, leave_unresolved, names_natural_feature_after, strip_article,
};

impl EntityTagger<'_> {
    pub(super) fn resolve(
        &self,
        view: &DocView,
        spans: &[Span],
        learned: &Learned,
        datelines: &[(Span, Dateline)],
        dateline: Option<&Entity>,
    ) -> Vec<Entity> {
        let Learned {
            roles,
            short_names,
            bodies_by_context,
            completed,
        } = learned;
        let gaz = self.gazetteer;
        // Full names of the story's people, for surname and first-name mentions.
        let mut full_names: HashMap<&str, &str> = HashMap::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
        {
            let full = span_text(view, s);
            for part in standalone_words(view, s) {
                full_names.entry(part).or_insert(full);
            }
            // "Rocky De La Fuente" is "De La Fuente" further on, and "Leon
            // van Biljon" "van Biljon" ("Van Biljon" opening a sentence).
            if let Some(i) = (s.first + 1..s.end - 1).find(|&i| {
                CAPITALISED_PARTICLES.contains(&view.word(i)) || is_surname_particle(view.word(i))
            }) {
                let tail = &view.text[view.tokens[i].start..view.tokens[s.end - 1].end];
                full_names.entry(tail).or_insert(full);
            }
        }
        // "[Phil] Gramm … Gramm": a name completed in brackets is full too.
        for full in completed.values() {
            let words: Vec<&str> = full.split(' ').collect();
            for part in name_standalone_words(&words) {
                full_names.entry(part).or_insert(full);
            }
        }
        // "Ricardo Rosselló Nevares" is "Rosselló" further on: a name of
        // two surnames is shortened to the first, where no one else of the
        // story bears that word first or last.
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 3)
        {
            let first_surname = s.end - 2;
            let word = view.word(first_surname);
            if view.is_capitalized(first_surname)
                && view.is_capitalized(s.end - 1)
                && word.chars().count() > 2
                && word.chars().any(char::is_lowercase)
                && !word.ends_with('.')
                && !view.gaz[first_surname].has(kind::FIRST_NAME)
            {
                full_names.entry(word).or_insert(span_text(view, s));
            }
        }
        // "Erdogan" is "Recep Tayyip Erdoğan" further on: a name written
        // without its accents is the same person's, unless it folds to the
        // names of two people.
        let mut folded_names: HashMap<String, Option<&str>> = HashMap::default();
        for (&part, &full) in &full_names {
            folded_names
                .entry(crate::gazetteer::fold_ascii(part).into_owned())
                .and_modify(|known| {
                    if *known != Some(full) {
                        *known = None;
                    }
                })
                .or_insert(Some(full));
        }
        let full_name_of = |text: &str| {
            full_names
                .get(text)
                .copied()
                .or_else(|| {
                    folded_names
                        .get(crate::gazetteer::fold_ascii(text).as_ref())
                        .copied()
                        .flatten()
                })
                .or_else(|| {
                    // "Van Biljon" of "Leon van Biljon".
                    let (particle, rest) = text.split_once(' ')?;
                    let lower = particle.to_lowercase();
                    is_surname_particle(&lower)
                        .then(|| full_names.get(format!("{lower} {rest}").as_str()).copied())
                        .flatten()
                })
        };
        // Acronyms spelled out in the story: "Organization for Security and
        // Co-operation in Europe (OSCE)".
        let mut acronyms: HashMap<&str, &str> = HashMap::default();
        for s in spans.iter().filter(|s| s.type_id == ORG) {
            if s.end + 2 < view.len() && view.word(s.end) == "(" && view.word(s.end + 2) == ")" {
                let acr = view.word(s.end + 1);
                if acr
                    .chars()
                    .all(|c| c.is_uppercase() || c == '.' || c == '&')
                {
                    acronyms.insert(acr, span_text(view, s));
                }
            }
        }

        // The story's context: the dateline, then places that are clear on their own.
        let mut ctx = PlaceContext {
            dateline_country: dateline.and_then(|e| e.country.clone()),
            ..PlaceContext::default()
        };
        for (span, d) in datelines {
            let q = d
                .qualifier
                .as_ref()
                .and_then(|q| gaz.qualifier_of(span_text(view, span), &q.2));
            if let Some(f) = gaz.find_place(span_text(view, span))
                && let Some((p, _)) = gaz.pick_place(&f, &ctx, q, true)
            {
                ctx.dateline_country
                    .get_or_insert_with(|| p.country.clone());
            }
        }
        let Qualifiers {
            of: qualifiers,
            itself: qualifying,
        } = self.qualifiers(view, spans);
        // Each place name the story qualifies, with its qualifier; none
        // where two mentions qualify it differently.
        let mut qualified_names: HashMap<&str, Option<&crate::gazetteer::Place>> =
            HashMap::default();
        for s in spans.iter().filter(|s| s.type_id == LOC) {
            if let Some(&q) = qualifiers.get(&s.first) {
                qualified_names
                    .entry(span_text(view, s))
                    .and_modify(|known| {
                        if known.is_some_and(|k| !std::ptr::eq(k, q)) {
                            *known = None;
                        }
                    })
                    .or_insert(Some(q));
            }
        }
        // Names each country's places alone bear, for the corroboration below.
        let mut only_in: HashMap<&str, HashSet<&str>> = HashMap::default();
        for s in spans
            .iter()
            .filter(|s| matches!(s.type_id, LOC | MISC | ORG))
        {
            let text = span_text(view, s);
            let Some(f) = gaz.find_place(text) else {
                continue;
            };
            // The one country all the name's readings lie in, if so.
            let mut readings = gaz.readings(f.entry);
            let sole_country = readings
                .next()
                .map(|first| first.country.as_str())
                .filter(|c| readings.all(|r| r.country == *c));
            if let Some(country) = sole_country.filter(|c| !c.is_empty()) {
                only_in.entry(country).or_default().insert(text);
            }
            if let Some(d) = f.entry.demonym_of {
                ctx.add(&gaz.places[d as usize]);
            }
            let q = qualifiers.get(&s.first).copied();
            // A name all of whose readings lie in one country ("Hong Kong",
            // the territory and its city) places the story there, however
            // close its readings.
            if let Some((p, lead)) = gaz.pick_place(&f, &PlaceContext::default(), q, false)
                && (lead >= 2.5 || sole_country.is_some())
                && !gaz.rivalled_abroad(&f, p)
                && (q.is_some() || !is_small_town(p))
            {
                ctx.add(p);
            }
        }
        // Two different names that only one country's places bear put the
        // story there though neither is clear alone: "Bangalore" and
        // "Mysore", each a city's other name or a small district, are
        // India; a lone "Parkinson" is no evidence of Australia.
        for (country, names) in only_in {
            if names.len() >= 2 {
                ctx.countries.insert(country.to_string());
            }
        }

        let dateline_starts: HashSet<usize> = datelines.iter().map(|(s, _)| s.first).collect();
        // "Defunding the Police", "Time magazine", "the Liberal party": an
        // ordinary word capitalised is no small town of its name (Police in
        // Poland, Time in Norway, Liberal in Kansas) unless the story
        // qualifies it ("Mobile, Alabama"); a big city keeps it ("Reading").
        // Nor is a word in capitals outside a dateline ("the DAX", "the
        // agency ISNA"): news writes a small town's name so only there.
        // "At IG Index": an acronym that only places spelled with the same
        // letters in small ones bear (Ig, a Slovenian municipality, which
        // GeoNames counts a first-level division) is no place either.
        let names_no_small_town = |s: &Span, text: &str| {
            let capitals = in_capitals(text) && !dateline_starts.contains(&s.first);
            if s.end - s.first != 1 || !(capitals || self.is_ordinary_word_of_the_texts(text)) {
                return false;
            }
            gaz.find_place(text).is_some_and(|f| {
                !gaz.has_big_reading(&f)
                    || capitals
                        && gaz.readings(f.entry).all(|p| {
                            p.kind != PlaceKind::Country
                                && p.population < 100_000
                                && p.name != text
                                && p.name.eq_ignore_ascii_case(text)
                        })
            })
        };
        let mut out = Vec::with_capacity(spans.len());
        for s in spans {
            let text = span_text(view, s);
            let t0 = &view.tokens[s.first];
            let t1 = &view.tokens[s.end - 1];
            let mut e = Entity::mention(EntityType::Person, t0.cstart, t1.cend, text);
            match s.type_id {
                PERSON => {
                    if (s.end - s.first == 1 || CAPITALISED_PARTICLES.contains(&view.word(s.first)))
                        && let Some(full) = full_name_of(text)
                    {
                        e.canonical = full.to_string();
                    }
                    if let Some(name) = without_sentence_stop(&e.canonical) {
                        e.canonical = name.to_string();
                    }
                    if let Some(full) = completed.get(&s.first) {
                        e.canonical.clone_from(full);
                    }
                    e.role = roles.get(&s.first).cloned();
                    e.id = entity_id("person", &e.canonical);
                }
                ORG => {
                    e.kind = EntityType::Org;
                    // "Mahan" alone is "Mahan Air", named in full.
                    let full = short_names.get(&s.first).copied();
                    let written = full.unwrap_or(text);
                    // "… the Khoja Shi'a Ithna Asheri Jamaat." before a line
                    // in lower case: the tokenizer left the stop on the word.
                    let written = without_sentence_stop(written).unwrap_or(written);
                    let name = without_legal_suffix(strip_article(written));
                    // "The Guardian" is known with its article.
                    let entry = gaz
                        .lookup(without_legal_suffix(written))
                        .filter(|en| en.org.is_some())
                        .or_else(|| gaz.lookup(name));
                    if let Some(expansion) = acronyms.get(text) {
                        e.canonical = expansion.to_string();
                    } else if let Some(org) = entry.and_then(|en| en.org) {
                        e.canonical = org.to_string();
                    } else if let Some(f) = gaz.find_place(name)
                        && f.entry.org.is_none()
                        // "Mahan" of "Mahan Air" is no town in Iran.
                        && full.is_none()
                        // "Maroochydore defeated Caboolture": the clubs;
                        // "Lewis Hamilton of Mercedes": his team.
                        && !bodies_by_context.contains(&s.first)
                        // "The news agency Fars" is no province.
                        && !s.first.checked_sub(1).is_some_and(|j| {
                            ORG_CUES_BEFORE.contains(&view.lower[j].as_str())
                                && !view.is_capitalized(j)
                        })
                        // "Northwestern University" is no part of a town
                        // called University ("College Station" is a city).
                        && !is_org_word(&name.to_lowercase())
                        && (f.name == name || !has_org_word(view, s.first, s.end))
                        // "The Liberal party" is no town called Liberal.
                        && !names_no_small_town(s, name)
                        && let Some((p, _)) =
                            gaz.pick_place(&f, &ctx, qualifiers.get(&s.first).copied(), false)
                        && !matches!(p.kind, PlaceKind::Town | PlaceKind::County)
                        // "told The Atlantic": a region named with its
                        // article capitalised is a title
                        // (`titles_named_for_a_region`).
                        && !(written.starts_with("The ") && p.kind == PlaceKind::Region)
                    {
                        // A country or city acting as an agent ("Sweden said", "Moscow
                        // denied") is still a place to a reader.
                        e.kind = EntityType::Loc;
                        gaz.fill_place(&mut e, p);
                        out.push(e);
                        continue;
                    } else {
                        e.canonical = small_words_in_lower_case(&gaz.org_name(name));
                    }
                    if let Some(one) = one_of_bodies_sharing_a_head(view, s, &e.canonical) {
                        e.canonical = one;
                    } else if names_with_its_article(view, s)
                        && !e.canonical.contains(' ')
                        && !acronyms.contains_key(text)
                    {
                        e.canonical = format!("The {}", e.canonical);
                    }
                    e.id = entity_id("org", &e.canonical);
                }
                LOC => {
                    e.kind = EntityType::Loc;
                    // "The Rio Grande river", "the Ottawa river": the river, not
                    // the town of its name, which may lie a continent away;
                    // "the Kīlauea volcano" is a natural feature though the
                    // gazetteer lacks it.
                    // "Preston, Victoria, Australia … the Melbourne suburb
                    // of Preston": a name the story qualifies once is that
                    // place wherever it stands alone.
                    let q = qualifiers
                        .get(&s.first)
                        .copied()
                        .or_else(|| qualified_names.get(text).copied().flatten());
                    let next = view.lower_at(s.end);
                    let town = || gaz.pick_town(text, &ctx, q);
                    // "Victoria station" in a London story: the station, not
                    // Victoria in Hong Kong; "Paris airport" in a French story is
                    // at Paris.
                    let reason = if names_natural_feature_after(next)
                        && (town().is_some() || gaz.find_place(text).is_none())
                    {
                        Some(NATURAL_FEATURE)
                    } else if matches!(next, "station" | "airport" | "stadium")
                        && town().is_some_and(|p| !ctx.admits(p))
                    {
                        Some(FACILITY)
                    } else {
                        None
                    };
                    if q.is_none() && names_no_small_town(s, text) {
                        continue;
                    }
                    // "The Hang Seng index": a word cut from a longer name
                    // the model did not take whole (the capitalised word
                    // after it is in no name of a person, organisation or
                    // place), which only some town's other name is, is no
                    // place.
                    if s.end < view.len()
                        && view.is_capitalized(s.end)
                        && !spans
                            .iter()
                            .any(|o| o.type_id != MISC && o.first <= s.end && s.end < o.end)
                        && gaz.only_other_names(text)
                    {
                        continue;
                    }
                    if let Some(reason) = reason {
                        leave_unresolved(&mut e, reason);
                    } else {
                        if let Some(&itself) = qualifying.get(&s.first) {
                            gaz.fill_place(&mut e, itself);
                        } else {
                            gaz.resolve_place(&mut e, &ctx, q, dateline_starts.contains(&s.first));
                        }
                        // "The Northern District of Texas", "the Southern
                        // District of New York": a part of a US state is not
                        // Israel's district of that name, and has no point
                        // of its own.
                        if e.unresolved.is_none()
                            && let Some(whole) = self.place_it_is_part_of(view, spans, s.end, &ctx)
                            && e.country.as_deref() != Some(whole.country.as_str())
                        {
                            leave_unresolved(&mut e, PART_OF_ELSEWHERE);
                            e.country = Some(whole.country.clone());
                        }
                    }
                }
                _ => {
                    // MISC is not reported, except demonyms, which name their place,
                    // and the names of countries, states and continents.
                    let g = view.gaz[s.first];
                    let whole = g.position() == 1 || s.end - s.first >= 2;
                    let strong =
                        g.has(kind::COUNTRY) || g.has(kind::STATE) || g.has(kind::CONTINENT);
                    if let Some(d) = gaz.lookup(text).and_then(|en| en.demonym_of) {
                        e.kind = EntityType::Norp;
                        gaz.fill_place(&mut e, &gaz.places[d as usize]);
                    } else if strong && whole && gaz.lookup(text).is_some() {
                        e.kind = EntityType::Loc;
                        gaz.resolve_place(&mut e, &ctx, None, false);
                    } else {
                        continue;
                    }
                }
            }
            out.push(e);
        }
        towns_listed_with_towns_of_one_country(gaz, view, spans, &mut out);
        countries_listed_with_countries(gaz, view, spans, &qualifying, &mut out);
        link_short_company_names(&mut out);
        let mentions = CountryMentions::new(&out, ctx.dateline_country.as_deref());
        name_bare_institutions(&mut out, &mentions);
        name_national_bodies(gaz, &mut out, &mentions);
        name_generic_bodies(gaz, &mut out, &mentions);
        out
    }

    /// The country, state or province a place is said to be part of by "of"
    /// after it ("the Northern District of Texas").
    fn place_it_is_part_of<'g>(
        &'g self,
        view: &DocView,
        spans: &[Span],
        end: usize,
        ctx: &PlaceContext,
    ) -> Option<&'g crate::gazetteer::Place> {
        if view.lower.get(end).is_none_or(|w| w.as_str() != "of") {
            return None;
        }
        let next = spans
            .iter()
            .find(|s| s.first == end + 1 && s.type_id == LOC)?;
        let found = self.gazetteer.find_place(span_text(view, next))?;
        // A country, state or province of the name, in a country of the
        // story's if it has one there: "Georgia" after US places is the
        // state, "New York" the state, not the city.
        self.gazetteer
            .readings(found.entry)
            .filter(|p| {
                matches!(
                    p.kind,
                    PlaceKind::Country | PlaceKind::State | PlaceKind::Province
                )
            })
            .max_by_key(|p| (ctx.countries.contains(&p.country), p.population))
    }

    /// Places qualified by the place after them ("Paris, Texas", "Perth,
    /// Scotland"), unless both are items of a list, or by a place's
    /// possessive before them ("London's Hyde Park", which lies in London's
    /// country).
    fn qualifiers<'g>(&'g self, view: &DocView, spans: &[Span]) -> Qualifiers<'g> {
        let gaz = &self.gazetteer;
        let mut out = Qualifiers::default();
        // "Boston, Chicago, Los Angeles, Dubai, and": a place between two
        // commas of a list, and the one after it, are two of the list.
        let in_a_list = |a: &Span, b: &Span| {
            a.first > 0
                && view.word(a.first - 1) == ","
                && b.end < view.len()
                && matches!(view.lower[b.end].as_str(), "," | "and" | "or" | "&")
        };
        for w in spans.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if matches!(a.type_id, LOC | ORG)
                && b.type_id == LOC
                && b.first == a.end + 1
                && view.word(a.end) == ","
                && !in_a_list(a, b)
                && let Some(q) = gaz.qualifier_of(span_text(view, a), span_text(view, b))
            {
                out.of.insert(a.first, q);
                // Not after a state or country, where the two are more
                // likely items of a list ("stops in Pennsylvania, Georgia,
                // Florida").
                if gaz.qualifier_place(span_text(view, a)).is_none() {
                    out.itself.insert(b.first, q);
                }
            } else if a.type_id == LOC
                && b.type_id == LOC
                && b.first == a.end + 1
                && after_possessive(view, a.end) == b.first
            {
                let owner = span_text(view, a);
                let q = gaz.qualifier_place(owner).or_else(|| {
                    let found = gaz.find_place(owner)?;
                    let (p, _) = gaz.pick_place(&found, &PlaceContext::default(), None, false)?;
                    gaz.country(&p.country)
                });
                if let Some(q) = q {
                    out.of.insert(b.first, q);
                }
            }
        }
        out
    }
}

/// The places a story qualifies, by the first token of each mention.
#[derive(Default)]
struct Qualifiers<'g> {
    /// A place and the state, province or country that qualifies it
    /// ("Paris" of "Paris, Texas": Texas).
    of: HashMap<usize, &'g Place>,
    /// A qualifier after a comma and the reading it qualifies with:
    /// "Westchester County, New York" is the state, not the city of its
    /// name that the population prior would pick.
    itself: HashMap<usize, &'g Place>,
}

/// The story's place mentions by the character each starts at, as indices
/// into `out`.
fn places_by_start(out: &[Entity]) -> HashMap<usize, usize> {
    out.iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntityType::Loc)
        .map(|(k, e)| (e.start, k))
        .collect()
}

/// The gazetteer reading a place mention was resolved to.
fn reading_of<'g>(gaz: &'g Gazetteer, e: &Entity) -> Option<&'g Place> {
    let found = gaz.find_place(&e.text)?;
    gaz.readings(found.entry).find(|p| p.id() == e.id)
}

/// One list of names in running text, joined by commas and "and" or "or":
/// the token it starts at, the place mentions in it (indices into the
/// story's entities) and how many names it has, tagged or not.
struct PlaceList {
    first: usize,
    places: Vec<usize>,
    items: usize,
}

/// The lists of capitalised names in a story ("Georgia, Armenia and
/// Azerbaijan"), with the place mentions of each.
fn lists_of_places(
    view: &DocView,
    spans: &[Span],
    place_at: &HashMap<usize, usize>,
) -> Vec<PlaceList> {
    let n = view.len();
    let span_end: HashMap<usize, usize> = spans.iter().rev().map(|s| (s.first, s.end)).collect();
    let mut lists = Vec::new();
    let mut i = 0;
    while i < n {
        let mut places: Vec<usize> = Vec::new();
        let mut items = 0;
        let mut j = i;
        while j < n && view.is_capitalized(j) && (j == i || !view.sent_start[j]) {
            let end = span_end.get(&j).map_or(j + 1, |&end| end.max(j + 1));
            if let Some(&k) = place_at.get(&view.tokens[j].cstart) {
                places.push(k);
            }
            items += 1;
            let mut next = end;
            if view.lower_at(next) == "," {
                next += 1;
            }
            if matches!(view.lower_at(next), "and" | "or") {
                next += 1;
            }
            if next == end {
                j = end;
                break;
            }
            j = next;
        }
        let first = i;
        i = j.max(i + 1);
        if items >= 2 {
            lists.push(PlaceList {
                first,
                places,
                items,
            });
        }
    }
    lists
}

/// "Leaders from Georgia, Armenia and Azerbaijan" at a summit in
/// Washington: a name listed only with countries is the country it can be,
/// in every mention, not the US state that the story's other places would
/// pick.
fn countries_listed_with_countries(
    gaz: &Gazetteer,
    view: &DocView,
    spans: &[Span],
    qualifying: &HashMap<usize, &Place>,
    out: &mut [Entity],
) {
    // Most stories name no place that could be a country and was read as
    // something else: they are left before any list is read.
    let could_be_a_country = |e: &Entity| {
        e.kind == EntityType::Loc
            && gaz
                .find_place(&e.text)
                .is_some_and(|f| gaz.country_reading(f.entry).is_some_and(|c| c.id() != e.id))
    };
    if !out.iter().any(could_be_a_country) {
        return;
    }
    let place_at = places_by_start(out);
    let is_country = |e: &Entity| reading_of(gaz, e).is_some_and(|p| p.kind == PlaceKind::Country);
    // "Atlanta, Georgia" further on is qualified by its town and keeps the
    // reading the town gave it (the qualifiers `qualifiers` found, by the
    // character each starts at).
    let qualifying: HashSet<usize> = qualifying
        .keys()
        .map(|&first| view.tokens[first].cstart)
        .collect();
    for list in lists_of_places(view, spans, &place_at) {
        if list.places.len() < 2 || list.places.len() != list.items {
            continue;
        }
        for &k in &list.places {
            let others_countries = list
                .places
                .iter()
                .filter(|&&o| o != k)
                .all(|&o| is_country(&out[o]));
            if !others_countries || is_country(&out[k]) {
                continue;
            }
            let Some(country) = gaz
                .find_place(&out[k].text)
                .and_then(|f| gaz.country_reading(f.entry))
            else {
                continue;
            };
            // Every mention of the name as it was read: "Georgia" further on.
            let (text, id) = (out[k].text.clone(), out[k].id.clone());
            for e in out.iter_mut().filter(|e| {
                e.kind == EntityType::Loc
                    && e.text == text
                    && e.id == id
                    && !qualifying.contains(&e.start)
            }) {
                gaz.fill_place(e, country);
            }
        }
    }
}

/// "Carrascal, Cantilan, Madrid, Carmen, Lanuza, and Cortes" in a story of
/// an earthquake in the Philippines: a name listed among small towns of one
/// country is a town of that country too, not the capital or province
/// abroad that the population prior picks (Madrid in Spain, Cortés in
/// Honduras). It takes its reading in that country where the gazetteer has
/// one, and is left off the map in that country otherwise. Only a list the
/// sentence calls towns or villages: routes and rankings list places of
/// several countries ("buses leave Galway for Ennis, Tralee and London").
fn towns_listed_with_towns_of_one_country(
    gaz: &Gazetteer,
    view: &DocView,
    spans: &[Span],
    out: &mut [Entity],
) {
    let calls_them_towns = |k: usize| {
        matches!(
            view.lower[k].as_str(),
            "towns" | "villages" | "municipalities" | "townships" | "barangays"
        )
    };
    // Most stories call nothing towns: they are left before any list is read.
    let n = view.len();
    if !(0..n).any(&calls_them_towns) {
        return;
    }
    let place_at = places_by_start(out);
    if place_at.len() < 3 {
        return;
    }
    let reading = |e: &Entity| reading_of(gaz, e);
    for PlaceList {
        first,
        places,
        items,
    } in lists_of_places(view, spans, &place_at)
    {
        if items < 3 || places.len() < 3 {
            continue;
        }
        // The sentence calls them towns ("the towns damaged were primarily
        // Carrascal, Cantilan, Madrid…"); a list of destinations ("buses
        // leave Galway for Ennis, Tralee, Killarney and London") may cross
        // borders.
        let sentence_start = (0..=first).rev().find(|&k| view.sent_start[k]).unwrap_or(0);
        if !(sentence_start..first).any(calls_them_towns) {
            continue;
        }
        let mut small_towns: HashMap<&str, usize> = HashMap::default();
        for &k in &places {
            if let Some(p) = reading(&out[k]).filter(|p| is_small_town(p)) {
                *small_towns.entry(p.country.as_str()).or_default() += 1;
            }
        }
        let mut counts: Vec<(&str, usize)> = small_towns.into_iter().collect();
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        let country = match counts.as_slice() {
            [(c, n), rest @ ..] if *n >= 2 && rest.first().is_none_or(|r| r.1 < *n) => {
                c.to_string()
            }
            _ => continue,
        };
        // The countries the story names outside the list: a place abroad
        // there is where the story says it is ("Sligo, Ennis and London" in
        // a story that names Britain).
        let listed: HashSet<String> = places.iter().map(|&k| out[k].text.clone()).collect();
        let named_elsewhere: HashSet<String> = out
            .iter()
            .filter(|e| e.kind == EntityType::Loc && !listed.contains(&e.text))
            .filter_map(|e| e.country.clone())
            .collect();
        for &k in &places {
            let Some(p) = reading(&out[k]) else { continue };
            if p.country == country
                || named_elsewhere.contains(&p.country)
                || matches!(p.kind, PlaceKind::Country | PlaceKind::Continent)
            {
                continue;
            }
            let here = gaz.find_place(&out[k].text).and_then(|f| {
                gaz.readings(f.entry)
                    .find(|r| r.country == country && !matches!(r.kind, PlaceKind::Country))
            });
            // Every mention of the name: "the town of Madrid" further on.
            let (text, id) = (out[k].text.clone(), out[k].id.clone());
            for e in out
                .iter_mut()
                .filter(|e| e.kind == EntityType::Loc && e.text == text && e.id == id)
            {
                match here {
                    Some(r) => gaz.fill_place(e, r),
                    None => {
                        leave_unresolved(e, AMONG_TOWNS_OF_ANOTHER_COUNTRY);
                        e.country = Some(country.clone());
                    }
                }
            }
        }
    }
}
