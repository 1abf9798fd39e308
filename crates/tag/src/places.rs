//! Place resolution: from a place name as written to one gazetteer entry, chosen by
//! the story's context (its other places, the dateline, a qualifier such as
//! "Paris, Texas") and a population prior; and datelines ("VALPARAÍSO, Chile",
//! "GENEVA —", "WASHINGTON (Reuters) -") parsed into places.

use std::collections::HashSet;

use crate::annotations::{Entity, EntityType};
use crate::entities::NATIONAL_BODIES;
use crate::gazetteer::{
    Gazetteer, NameEntry, Place, PlaceKind, entity_id, fold_ascii, in_capitals, kind, title_case,
};

/// Why a place mention has no point on the map.
pub(crate) const NOT_IN_GAZETTEER: &str = "not in the gazetteer";
pub(crate) const VAGUE_REGION: &str = "a region spanning several countries, not one point";
pub(crate) const CONTINENT: &str = "a continent, not one point on the map";
pub(crate) const NO_POINT: &str = "the gazetteer has no point for it";
pub(crate) const OTHER_NAME: &str =
    "a town's foreign or former name, and the story names nothing of its country";
pub(crate) const SMALL_TOWN_ABROAD: &str =
    "a small town's name, abroad from every place the story names, which it does not say it means";
pub(crate) const FACILITY: &str =
    "a building, airport, street or other facility the gazetteer does not hold";
pub(crate) const NATURAL_FEATURE: &str =
    "an island, river, lake or other natural feature the gazetteer does not hold";
pub(crate) const PART_OF_ELSEWHERE: &str =
    "a part of the place named after it that the gazetteer does not hold";
pub(crate) const AMONG_TOWNS_OF_ANOTHER_COUNTRY: &str =
    "a name listed among towns of one country, where the gazetteer has no town of it";
pub(crate) const NOT_IN_ITS_QUALIFIER: &str =
    "a town the gazetteer does not hold in the state or country named after it";

/// The last words of a facility's name: "Heathrow Airport", "Taksim Square".
const FACILITY_WORDS: &[&str] = &[
    "airport",
    "facility",
    "station",
    "hall",
    "stadium",
    "arena",
    "bridge",
    "park",
    "square",
    "street",
    "road",
    "avenue",
    "hospital",
    "cathedral",
    "church",
    "palace",
    "castle",
    "tower",
    "museum",
    "prison",
    "theatre",
    "theater",
    "temple",
    "mosque",
    "mall",
    "store",
    "centre",
    "center",
    "building",
    "hotel",
    "market",
    "plaza",
    "gardens",
    "zoo",
    "embassy",
    "harbour",
    "harbor",
];

/// The last words of a natural feature's name: "Christmas Island", "Rio
/// Grande river".
const NATURAL_WORDS: &[&str] = &[
    "range",
    "refuge",
    "island",
    "islands",
    "river",
    "lake",
    "mountain",
    "mountains",
    "valley",
    "desert",
    "sea",
    "ocean",
    "bay",
    "gulf",
    "strait",
    "canal",
    "peninsula",
    "glacier",
    "creek",
    "falls",
    "canyon",
    "delta",
    "volcano",
    "reef",
    "forest",
];

/// The official styles of places ("the City of Melbourne", "the Commonwealth of
/// Virginia") and the kinds of place each may name.
const OFFICIAL_STYLES: &[(&str, &[PlaceKind])] = &[
    ("City of ", &[PlaceKind::City, PlaceKind::Town]),
    ("Town of ", &[PlaceKind::City, PlaceKind::Town]),
    ("Municipality of ", &[PlaceKind::City, PlaceKind::Town]),
    ("State of ", &[PlaceKind::State, PlaceKind::Province]),
    ("Commonwealth of ", &[PlaceKind::State]),
    ("Province of ", &[PlaceKind::Province]),
];

/// Endings that make a place's name an adjective: "a United States-led war",
/// "Ohio-based", "the Bangalore-side platform", "Mumbai-bound".
pub(crate) const ADJECTIVE_SUFFIXES: &[&str] = &[
    "-led",
    "-based",
    "-backed",
    "-born",
    "-owned",
    "-run",
    "-funded",
    "-brokered",
    "-made",
    "-bound",
    "-side",
];

/// The first words of a natural feature's name: "Mount Kenya", "Lake Chad".
const NATURAL_FIRST_WORDS: &[&str] = &["mount", "lake", "cape", "isle", "gulf", "bay"];

/// Whether a name's first and last words (in lower case) say it names a
/// facility or a natural feature: "Freedom Plaza", "Mount Kenya".
pub(crate) fn names_a_site(first: &str, last: &str) -> bool {
    FACILITY_WORDS.contains(&last) || names_a_natural_feature(first, last)
}

/// Whether a name's first and last words (in lower case) say it names a
/// natural feature: "Mount Kenya", "Red Sea".
fn names_a_natural_feature(first: &str, last: &str) -> bool {
    NATURAL_WORDS.contains(&last) || NATURAL_FIRST_WORDS.contains(&first)
}

/// Whether a place abroad from every place of a story, which the story
/// does not say it means, stays off the map, and why: a small town, or a
/// province named for a natural feature, in the singular or plural ("Red
/// Sea", "Bay", "Lakes").
fn off_the_map_abroad(p: &Place) -> Option<&'static str> {
    if is_small_town(p) {
        return Some(SMALL_TOWN_ABROAD);
    }
    let lower = p.name.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or_default();
    let last = lower.split_whitespace().last().unwrap_or_default();
    let feature = names_a_natural_feature(first, last)
        || last
            .strip_suffix('s')
            .is_some_and(|one| NATURAL_WORDS.contains(&one));
    (p.kind == PlaceKind::Province && feature).then_some(NATURAL_FEATURE)
}

/// Keeps a place mention off the map, saying why: it goes by its own name
/// (without a leading article) and an id made of it.
pub(crate) fn leave_unresolved(e: &mut Entity, reason: &str) {
    // A mention read as some place first ("the Northern District" of Israel)
    // keeps none of its point.
    e.lat = None;
    e.lon = None;
    e.geonames_id = None;
    e.canonical = strip_article(&e.text).to_string();
    e.id = entity_id("place", &e.canonical);
    e.unresolved = Some(reason.to_string());
}

/// Whether a word after a town's name makes the two a natural feature
/// named for the town or beside it ("the Ottawa river"), not the town.
pub(crate) fn names_natural_feature_after(word: &str) -> bool {
    matches!(
        word,
        "river"
            | "lake"
            | "mountains"
            | "desert"
            | "canyon"
            | "delta"
            | "glacier"
            | "creek"
            | "volcano"
            | "rainforest"
            | "jungle"
            | "basin"
            | "wetland"
            | "wetlands"
    )
}

/// Words before a place name that name a part of it: "Southern Poland" is in Poland.
const DIRECTIONS: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Northeast",
    "Northwest",
    "Southeast",
    "Southwest",
    "Northeastern",
    "Northwestern",
    "Southeastern",
    "Southwestern",
    "Upper",
    "Lower",
    "Greater",
    "Inner",
    "Outer",
    "Downtown",
    "Metro",
    "Metropolitan",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "downtown",
];

/// Short forms of the words that end a street's name: "Anderson Ave".
const STREET_ABBREVIATIONS: &[&str] = &[
    "ave", "ave.", "blvd", "blvd.", "rd", "rd.", "st.", "ln", "dr.",
];

/// Whether a word, in lower case, names a kind of place or feature ("Carmel
/// Valley", "Times Square", "Anderson Ave", "Sichuan Province").
pub(crate) fn names_a_kind_of_place(lower: &str) -> bool {
    [FACILITY_WORDS, NATURAL_WORDS, STREET_ABBREVIATIONS]
        .iter()
        .any(|words| words.contains(&lower))
        || TYPE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(lower))
        || matches!(lower, "hollow" | "heights" | "lane" | "drive" | "boulevard")
}

/// Whether the last word of a name, in lower case, ends place names: a
/// kind of place ([`names_a_kind_of_place`]) or another word that closes
/// the names of sites and parts of the land ("Acland Mine", "Sandy Point",
/// "Wind River Reservation", "the US West Coast").
pub(crate) fn ends_a_place_name(lower: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "abbey",
        "aerodrome",
        "airbase",
        "airfield",
        "amphitheater",
        "amphitheatre",
        "aqueduct",
        "archipelago",
        "area",
        "atoll",
        "auditorium",
        "ballpark",
        "bank",
        "banks",
        "barracks",
        "base",
        "basilica",
        "basin",
        "beach",
        "bluff",
        "bowl",
        "brook",
        "bypass",
        "camp",
        "campus",
        "cape",
        "causeway",
        "cave",
        "caves",
        "cemetery",
        "channel",
        "chapel",
        "circuit",
        "circus",
        "cliff",
        "cliffs",
        "close",
        "coast",
        "coastline",
        "colosseum",
        "common",
        "complex",
        "county",
        "course",
        "courthouse",
        "cove",
        "crater",
        "crescent",
        "crossing",
        "crossroads",
        "dam",
        "depot",
        "dock",
        "docks",
        "dome",
        "dunes",
        "east",
        "estate",
        "estuary",
        "expressway",
        "farm",
        "fault",
        "field",
        "fjord",
        "ford",
        "fort",
        "freeway",
        "gap",
        "garden",
        "gate",
        "gorge",
        "green",
        "grounds",
        "grove",
        "gulch",
        "gym",
        "halt",
        "head",
        "headland",
        "heath",
        "heliport",
        "hemisphere",
        "highway",
        "hill",
        "hills",
        "interchange",
        "isle",
        "islet",
        "junction",
        "lagoon",
        "lawn",
        "library",
        "lighthouse",
        "line",
        "loch",
        "lock",
        "lough",
        "mansion",
        "marina",
        "marsh",
        "mausoleum",
        "memorial",
        "metro",
        "mine",
        "monument",
        "moor",
        "motorway",
        "mount",
        "north",
        "oasis",
        "observatory",
        "oval",
        "parish",
        "parkway",
        "pass",
        "pavilion",
        "peak",
        "pier",
        "pike",
        "place",
        "plain",
        "plains",
        "plantation",
        "plateau",
        "point",
        "pond",
        "port",
        "preserve",
        "pyramid",
        "quarter",
        "racecourse",
        "railroad",
        "railway",
        "ranch",
        "rapids",
        "ravine",
        "reservation",
        "reserve",
        "reservoir",
        "resort",
        "ridge",
        "roundabout",
        "row",
        "ruins",
        "sanctuary",
        "seaport",
        "shore",
        "shores",
        "shrine",
        "site",
        "sound",
        "south",
        "spa",
        "speedway",
        "spring",
        "springs",
        "subway",
        "summit",
        "swamp",
        "terminal",
        "tomb",
        "town",
        "township",
        "track",
        "trail",
        "trench",
        "tube",
        "tunnel",
        "turnpike",
        "underground",
        "velodrome",
        "viaduct",
        "village",
        "vineyard",
        "way",
        "weir",
        "well",
        "west",
        "wetlands",
        "wharf",
        "wood",
        "woods",
        "yard",
    ];
    names_a_kind_of_place(lower) || ENDINGS.contains(&lower)
}

/// Words after a place name that name its type: "Sichuan Province", "Kent County".
const TYPE_WORDS: &[&str] = &[
    "City",
    "city",
    "Province",
    "province",
    "Region",
    "region",
    "State",
    "state",
    "Oblast",
    "Prefecture",
    "Governorate",
    "District",
    "district",
];

/// Whether a word names a part of the place after it ("Northern", "Downtown").
pub(crate) fn is_direction(word: &str) -> bool {
    DIRECTIONS.contains(&word)
}

/// What the story says about where it is, which settles ambiguous names.
#[derive(Debug, Default, Clone)]
pub(crate) struct PlaceContext {
    /// ISO codes of countries the story's unambiguous places lie in.
    pub countries: HashSet<String>,
    /// Postal codes of US states the story names, or names a city of.
    pub us_states: HashSet<String>,
    /// The country of the dateline.
    pub dateline_country: Option<String>,
}

impl PlaceContext {
    /// Whether `p` lies in a country the story names, or the story names
    /// none: a town of a name also borne abroad is not taken abroad against
    /// the story's own countries.
    pub fn admits(&self, p: &Place) -> bool {
        self.countries.is_empty() || self.countries.contains(&p.country)
    }

    /// Whether the story puts `p` where it is: `p` is its dateline's
    /// place, lies in a country of the story's places or of its dateline,
    /// or in the state or country written after it ("Calicut, India").
    pub fn puts_there(&self, p: &Place, qualifier: Option<&Place>, dateline: bool) -> bool {
        dateline
            || self.countries.contains(&p.country)
            || self.dateline_country.as_deref() == Some(p.country.as_str())
            || qualifier.is_some_and(|q| lies_in(p, q))
    }

    /// Adds a place as evidence for the others.
    pub fn add(&mut self, p: &Place) {
        if !p.country.is_empty() {
            self.countries.insert(p.country.clone());
        }
        if p.country == "US" && !p.admin1.is_empty() {
            self.us_states.insert(p.admin1.clone());
        }
    }
}

/// Whether `p` is a city, town or county, a place a name may be borne by
/// in many countries.
fn is_town(p: &Place) -> bool {
    matches!(
        p.kind,
        PlaceKind::City | PlaceKind::Town | PlaceKind::County
    )
}

/// Whether `p` is a town of under 100,000 people, which a story must
/// place for a reader to know it: it is no evidence of where the story is
/// on its own.
pub(crate) fn is_small_town(p: &Place) -> bool {
    is_town(p) && p.population < 100_000
}

/// A name found in the gazetteer, and how it had to be read to be found there.
pub(crate) struct Found<'g> {
    pub entry: &'g NameEntry,
    /// The name as found ("Poland" for "Southern Poland").
    pub name: String,
}

impl Gazetteer {
    /// Looks a written place name up, as written and then in the variants news use:
    /// without a leading article, in title case (datelines), without a direction
    /// ("Southern Poland") or a type word ("Sichuan Province", "Quito City").
    pub fn find_place(&self, written: &str) -> Option<Found<'_>> {
        let name = strip_article(written.trim());
        let hit = |n: &str| {
            self.lookup(n)
                .filter(|e| !e.places.is_empty() || e.demonym_of.is_some())
                .map(|entry| Found {
                    entry,
                    name: n.to_string(),
                })
        };
        // "Saint Louis" is mostly St. Louis, Missouri, which GeoNames names
        // so, before the Michigan town named "Saint Louis": a saint's name
        // written out is looked up shortened first, as places so named are
        // mostly written.
        let shortened =
            [("Saint ", "St. "), ("Sainte ", "Ste. ")]
                .iter()
                .find_map(|(saint, short)| {
                    name.strip_prefix(saint)
                        .map(|rest| format!("{short}{rest}"))
                });
        if let Some(f) = shortened.as_deref().and_then(hit) {
            return Some(f);
        }
        if let Some(f) = hit(name) {
            return Some(f);
        }
        // "GENEVA" in a dateline is written "Geneva" in the gazetteer.
        let titled = in_capitals(name).then(|| title_case(name));
        if let Some(titled) = &titled
            && let Some(f) = hit(titled)
        {
            return Some(f);
        }
        let base = titled.as_deref().unwrap_or(name);
        if let Some((first, rest)) = base.split_once(' ')
            && DIRECTIONS.contains(&first)
            && let Some(f) = hit(rest)
        {
            return Some(f);
        }
        if let Some((rest, last)) = base.rsplit_once(' ')
            && TYPE_WORDS.contains(&last)
            && let Some(f) = hit(rest)
        {
            return Some(f);
        }
        None
    }

    /// The canonical name of an organisation the lexicon does not know: a leading
    /// abbreviation of a known organisation or country is written out, so "U.N.
    /// Security Council", "UN Security Council" and "United Nations Security
    /// Council" are one name, "U.S. Congress" is "United States Congress", and
    /// "U.S. Federal Reserve" the Federal Reserve.
    pub fn org_name(&self, name: &str) -> String {
        let Some((first, rest)) = name.split_once(' ') else {
            return name.to_string();
        };
        let letters = first.chars().filter(|c| c.is_alphabetic()).count();
        // "USA Today", "USA Gymnastics": news writes a body of the United
        // States "U.S." or "US"; "USA" before a name is the name's own.
        if letters < 2 || first.chars().any(char::is_lowercase) || first == "USA" {
            return name.to_string();
        }
        let Some(entry) = self.lookup(first) else {
            return name.to_string();
        };
        let expansion = entry
            .org
            .map(str::to_string)
            .or_else(|| self.country_reading(entry).map(|p| p.name.clone()));
        let Some(expansion) = expansion else {
            return name.to_string();
        };
        let full = format!("{expansion} {rest}");
        // "U.S. Federal Reserve": a country before a name that is one
        // organisation's the world over adds nothing to it. A body every
        // country has one of ("U.S. Congress") is the country's.
        let worldwide = || {
            self.lookup(rest)
                .and_then(|e| e.org)
                .filter(|known| !NATIONAL_BODIES.contains(known))
        };
        match self.lookup(&full).and_then(|e| e.org).or_else(worldwide) {
            Some(known) => known.to_string(),
            None => full,
        }
    }

    /// Chooses among the places of one name: a population prior by kind, the
    /// story's context, a qualifier ("Paris, Texas") and, for a dateline, the
    /// convention that datelines name cities. Returns the winner and its lead over
    /// the runner-up.
    pub fn pick_place(
        &self,
        found: &Found,
        ctx: &PlaceContext,
        qualifier: Option<&Place>,
        dateline: bool,
    ) -> Option<(&Place, f64)> {
        let folded = fold_ascii(&found.name);
        let own_name = |p: &Place| p.name == found.name || fold_ascii(&p.name) == folded;
        // A country or division of the name is meant before a city abroad
        // called so for short or in other tongues ("Benin, Nigeria" lists
        // two countries; "Victoria" is no old name of Hong Kong).
        let division_countries: Vec<&str> = self
            .readings(found.entry)
            .filter(|p| {
                own_name(p)
                    && matches!(
                        p.kind,
                        PlaceKind::Country | PlaceKind::State | PlaceKind::Province
                    )
            })
            .map(|p| p.country.as_str())
            .collect();
        let division_elsewhere =
            |city: &Place| division_countries.iter().any(|c| *c != city.country);
        // A town's foreign or former name is that town only where the
        // story puts it there ([`PlaceContext::puts_there`]). Apple's "Lion"
        // is no Lyon, a crab genus "Emerita" no Mérida, the agency "ISNA" no
        // Esna.
        let places: Vec<&Place> = found
            .entry
            .places
            .iter()
            .filter(|i| {
                let p = &self.places[**i as usize];
                let other_name = found.entry.other_name_of.contains(i);
                !is_town(p)
                    || own_name(p)
                    || !division_elsewhere(p)
                        && (!other_name || ctx.puts_there(p, qualifier, dateline))
            })
            .map(|&i| &self.places[i as usize])
            .collect();
        let mut scored: Vec<(&Place, f64)> = places
            .iter()
            .map(|&p| {
                // Another spelling of a place counts for less than its own name:
                // "Victoria" is a state of Australia before an old name of Hong Kong.
                let own_name = own_name(p);
                let mut s = ((p.population + 1) as f64).ln();
                if !own_name {
                    s -= 3.0;
                }
                s += match p.kind {
                    // Antarctica is a continent and a country (AQ): the
                    // country has a point on the map.
                    PlaceKind::Continent
                        if places.iter().any(|c| {
                            c.kind == PlaceKind::Country
                                && fold_ascii(&c.name) == fold_ascii(&p.name)
                        }) =>
                    {
                        -20.0
                    }
                    PlaceKind::Country | PlaceKind::Continent => 3.0,
                    PlaceKind::State => 0.5,
                    PlaceKind::Province => -1.0,
                    PlaceKind::City if p.capital && own_name => 2.5,
                    PlaceKind::City => 0.0,
                    PlaceKind::Town | PlaceKind::County => -2.0,
                    PlaceKind::Region | PlaceKind::Feature => 12.0,
                };
                let city = matches!(p.kind, PlaceKind::City | PlaceKind::Town);
                if dateline && city {
                    s += 3.0;
                }
                if !p.country.is_empty() && ctx.countries.contains(&p.country) {
                    s += 3.0;
                }
                // "Georgia" after "Atlanta": the state of a city the story names.
                if (city || matches!(p.kind, PlaceKind::State | PlaceKind::County))
                    && p.country == "US"
                    && ctx.us_states.contains(&p.admin1)
                {
                    s += 4.0;
                }
                if ctx.dateline_country.as_deref() == Some(p.country.as_str()) {
                    s += 2.0;
                }
                if let Some(q) = qualifier
                    && lies_in(p, q)
                {
                    s += 20.0;
                }
                // A division yields to a big city of its name in its country: "New
                // York", "São Paulo" name the city unless "state" is said. A
                // county or district yields to any city of its name there
                // ("Mysore" is the city more often than its district).
                let yields_to = |c: &&Place| match p.kind {
                    PlaceKind::State | PlaceKind::Province => c.population >= 100_000,
                    PlaceKind::County => true,
                    _ => false,
                };
                if places
                    .iter()
                    .filter(|c| c.kind == PlaceKind::City && c.country == p.country)
                    .any(yields_to)
                {
                    s -= 6.0;
                }
                (p, s)
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        let lead = match scored.as_slice() {
            [first, second, ..] => first.1 - second.1,
            _ => f64::INFINITY,
        };
        scored.first().map(|(p, _)| (*p, lead))
    }

    /// Whether every place `name` can be read as is a town it is only a
    /// foreign or former name of ("Hang" for Hangzhou).
    pub fn only_other_names(&self, name: &str) -> bool {
        self.find_place(name).is_some_and(|f| {
            f.entry.demonym_of.is_none()
                && !f.entry.places.is_empty()
                && f.entry
                    .places
                    .iter()
                    .all(|i| f.entry.other_name_of.contains(i))
        })
    }

    /// The places a name can be read as.
    pub fn readings<'g, 'e>(
        &'g self,
        entry: &'e NameEntry,
    ) -> impl Iterator<Item = &'g Place> + use<'g, 'e> {
        entry.places.iter().map(|&i| &self.places[i as usize])
    }

    /// Whether a name's reading `winner` has a rival in another country that
    /// a story could as well mean: a country, state or province of at least
    /// a tenth of its population ("Georgia" the country and the US state).
    /// Such a name is no evidence of where a story is until the story's
    /// other places have chosen between them.
    pub fn rivalled_abroad(&self, found: &Found, winner: &Place) -> bool {
        self.readings(found.entry).any(|rival| {
            rival.country != winner.country
                && matches!(
                    rival.kind,
                    PlaceKind::Country | PlaceKind::State | PlaceKind::Province
                )
                && rival.population.saturating_mul(10) >= winner.population
        })
    }

    /// Whether one of a name's readings is a country, state or province,
    /// or a place of 100,000 people or more.
    pub fn has_big_reading(&self, found: &Found) -> bool {
        self.readings(found.entry).any(|p| {
            p.population >= 100_000
                || matches!(
                    p.kind,
                    PlaceKind::Country | PlaceKind::State | PlaceKind::Province
                )
        })
    }

    /// The country among a name's readings ("Georgia": the country, not the
    /// US state).
    pub fn country_reading(&self, entry: &NameEntry) -> Option<&Place> {
        self.readings(entry).find(|p| p.kind == PlaceKind::Country)
    }

    /// Fills a mention with what the gazetteer knows of a place.
    pub fn fill_place(&self, e: &mut Entity, p: &Place) {
        // "Vatican City" and "the Vatican", Singapore the city and the
        // country: a capital holding half its country's people or more is
        // the country to a reader, one row on GEO and one id.
        let p = if p.kind == PlaceKind::City && p.capital {
            self.country(&p.country)
                .filter(|country| country.population <= p.population.saturating_mul(2))
                .unwrap_or(p)
        } else {
            p
        };
        e.canonical = p.name.clone();
        // A dot at a continent's middle would file a story about Africa in
        // Chad: the mention keeps its name and id (GEO, facets, `place:`)
        // but no point.
        let point = p.kind != PlaceKind::Continent;
        e.lat = p.lat.filter(|_| point);
        e.lon = p.lon.filter(|_| point);
        e.country = (!p.country.is_empty()).then(|| p.country.clone());
        e.geonames_id = p.geonames_id;
        e.id = p.id();
        e.unresolved = match (e.lat.zip(e.lon), p.kind) {
            (Some(_), _) => None,
            (None, PlaceKind::Continent) => Some(CONTINENT.to_string()),
            (None, _) if p.country.is_empty() => Some(VAGUE_REGION.to_string()),
            (None, _) => Some(NO_POINT.to_string()),
        };
    }

    /// Resolves a place mention (LOC) in context, or a demonym (NORP). A name the
    /// gazetteer lacks stays a LOC with the reason.
    pub fn resolve_place(
        &self,
        e: &mut Entity,
        ctx: &PlaceContext,
        qualifier: Option<&Place>,
        dateline: bool,
    ) {
        let Some(found) = self.find_place(&e.text) else {
            // "Ill.", "Calif.", "B.C.": a state or province as datelines abbreviate it.
            if division_abbreviation(&e.text).is_some()
                && let Some(state) = self.qualifier_place(&e.text)
            {
                self.fill_place(e, state);
                return;
            }
            if self.resolve_other_form(e, ctx, qualifier) {
                return;
            }
            let name = strip_article(&e.text);
            let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
            let last = words.last().map_or("", String::as_str);
            let first = words.first().map_or("", String::as_str);
            let facility = words.len() >= 2 && FACILITY_WORDS.contains(&last);
            // "Melbourne Airport", "Volgograd Arena": on the map at its city. Streets
            // and squares are named after other towns as often as not
            // ("Lexington Avenue"), and so are the airports of small ones.
            if facility
                && matches!(last, "airport" | "station" | "stadium" | "arena")
                && let Some((town, _)) = name.rsplit_once(' ')
                && let Some(found) = self.find_place(town)
                && let Some((p, _)) = self.pick_place(&found, ctx, qualifier, false)
                && found.entry.demonym_of.is_none()
                && p.lat.is_some()
                // "Heathrow Airport" in a London story is no Heathrow of Florida:
                // the city must lie in a country the story names, if it names any.
                && p.population >= 100_000
                && ctx.admits(p)
            {
                self.fill_place(e, p);
                return;
            }
            let natural = words.len() >= 2
                && (NATURAL_WORDS.contains(&last) || NATURAL_FIRST_WORDS.contains(&first));
            leave_unresolved(
                e,
                match (facility, natural) {
                    (true, _) => FACILITY,
                    (_, true) => NATURAL_FEATURE,
                    _ => NOT_IN_GAZETTEER,
                },
            );
            return;
        };
        let picked = self.pick_place(&found, ctx, qualifier, dateline);
        // "Route 2 in Randolph, New Hampshire": a town too small for the
        // gazetteer is no bigger one of its name in another state. It
        // stays unresolved, in the qualifier's country.
        if let (Some((p, _)), Some(q)) = (picked, qualifier)
            && matches!(
                p.kind,
                PlaceKind::City | PlaceKind::Town | PlaceKind::County
            )
            && !lies_in(p, q)
        {
            leave_unresolved(e, NOT_IN_ITS_QUALIFIER);
            e.country = Some(q.country.clone());
            return;
        }
        // A demonym is a place only by that place's own name: the
        // country-name file lists "Thai" among Thailand's other names, but
        // "Thai officials" are Thailand's, not Thailand.
        let own_name = |p: &Place| fold_ascii(&p.name) == fold_ascii(&found.name);
        match (picked, found.entry.demonym_of) {
            // A small town abroad, in a story whose places all lie
            // elsewhere and that does not say which town it means, is not
            // the story's: "Notre Dame" in Paris is no Notre Dame of
            // Indiana, "Whitehall" in London no town in Ohio, "Parkinson's
            // disease" no Parkinson of Queensland. Nor is a province abroad
            // named for a natural feature: "the Red Sea port of Mokha" is no
            // state of Sudan, "the Bay Area" no region of Somalia.
            (Some((p, _)), None)
                if !ctx.countries.is_empty() && !ctx.puts_there(p, qualifier, dateline) =>
            {
                match off_the_map_abroad(p) {
                    Some(reason) => leave_unresolved(e, reason),
                    None => self.fill_place(e, p),
                }
            }
            (Some((p, _)), None) => self.fill_place(e, p),
            (Some((p, _)), Some(_)) if own_name(p) => self.fill_place(e, p),
            (_, Some(d)) => {
                e.kind = EntityType::Norp;
                self.fill_place(e, &self.places[d as usize]);
            }
            // Only a town's other name, and the story does not put it there.
            (None, None) => leave_unresolved(e, OTHER_NAME),
        }
    }

    /// Resolves a name the gazetteer lacks that is another form of a place's:
    /// its official style ("the City of Melbourne", "the State of
    /// Virginia"), an adjective made of it ("a United States-led war",
    /// "Philippine officials", the country's name without its plural
    /// ending). The adjectives are the place's as a demonym is.
    fn resolve_other_form(
        &self,
        e: &mut Entity,
        ctx: &PlaceContext,
        qualifier: Option<&Place>,
    ) -> bool {
        let name = strip_article(&e.text);
        let styled = OFFICIAL_STYLES.iter().find_map(|(style, kinds)| {
            let rest = name.strip_prefix(style)?;
            let found = self.find_place(rest)?;
            let (p, _) = self.pick_place(&found, ctx, qualifier, false)?;
            (found.entry.demonym_of.is_none() && kinds.contains(&p.kind)).then_some(p)
        });
        if let Some(p) = styled {
            self.fill_place(e, p);
            return true;
        }
        let adjective = ADJECTIVE_SUFFIXES
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .and_then(|place| self.find_place(place))
            .and_then(|found| {
                let (p, _) = self.pick_place(&found, ctx, qualifier, false)?;
                (found.entry.demonym_of.is_none()).then_some(p)
            })
            .or_else(|| self.country_by_adjective(name));
        if let Some(p) = adjective {
            e.kind = EntityType::Norp;
            self.fill_place(e, p);
            return true;
        }
        false
    }

    /// The country whose name is `word` and an "s" ("Philippine", "Maldive"):
    /// the adjective of a country named in the plural.
    pub(crate) fn country_by_adjective(&self, word: &str) -> Option<&Place> {
        if !word.chars().all(char::is_alphabetic) {
            return None;
        }
        let found = self.find_place(&format!("{word}s"))?;
        self.country_reading(found.entry)
    }

    /// The place of a dateline written as a field ("VALPARAÍSO, Chile", "GENEVA",
    /// "WASHINGTON (Reuters)"), with char offsets into it.
    pub fn dateline_place(&self, dateline: &str) -> Option<Entity> {
        let parsed = parse_dateline(dateline)?;
        let qualifier = parsed
            .qualifier
            .as_ref()
            .and_then(|(_, _, q)| self.qualifier_of(&parsed.place.2, q));
        let (start, end, city) = parsed.place;
        let mut e = Entity::mention(EntityType::Loc, start, end, &city);
        self.resolve_place(&mut e, &PlaceContext::default(), qualifier, true);
        if e.unresolved.is_some()
            && let (Some(q), Some((qs, qe, qtext))) = (qualifier, parsed.qualifier)
        {
            // An unknown town in a known state or country: the map shows that.
            e = Entity::mention(EntityType::Loc, qs, qe, &qtext);
            self.fill_place(&mut e, q);
        }
        Some(e)
    }

    /// The state or country named by a qualifier ("Texas", "Chile", "Calif.").
    pub fn qualifier_place(&self, written: &str) -> Option<&Place> {
        self.qualifier_readings(written)
            .max_by_key(|p| (p.kind == PlaceKind::Country, p.population))
    }

    /// The reading of a qualifier after a town's name: the country, state or
    /// province the gazetteer holds a town of that name in ("Atlanta,
    /// Georgia" is the US state, "Tbilisi, Georgia" the country), else the
    /// qualifier's own reading ([`Gazetteer::qualifier_place`]).
    pub fn qualifier_of(&self, town: &str, written: &str) -> Option<&Place> {
        let towns: Vec<&Place> = self
            .find_place(town)
            .map(|f| self.readings(f.entry).collect())
            .unwrap_or_default();
        self.qualifier_readings(written).max_by_key(|q| {
            (
                towns.iter().any(|t| lies_in(t, q)),
                q.kind == PlaceKind::Country,
                q.population,
            )
        })
    }

    /// The readings a qualifier can have: a country, state or province, or
    /// the state or province an abbreviation stands for ("Calif.", "B.C.").
    fn qualifier_readings(&self, written: &str) -> impl Iterator<Item = &Place> {
        let abbreviated = division_abbreviation(written);
        self.find_place(abbreviated.map_or(written, |(_, name)| name))
            .into_iter()
            .flat_map(move |found| {
                self.readings(found.entry)
                    .filter(move |p| match abbreviated {
                        Some((country, _)) => {
                            matches!(p.kind, PlaceKind::State | PlaceKind::Province)
                                && p.country == country
                        }
                        None => matches!(
                            p.kind,
                            PlaceKind::Country | PlaceKind::State | PlaceKind::Province
                        ),
                    })
            })
    }

    /// The city or town a name is taken for in `ctx`, if it is taken for one.
    pub fn pick_town(
        &self,
        name: &str,
        ctx: &PlaceContext,
        qualifier: Option<&Place>,
    ) -> Option<&Place> {
        let found = self.find_place(name)?;
        let (p, _) = self.pick_place(&found, ctx, qualifier, false)?;
        matches!(p.kind, PlaceKind::City | PlaceKind::Town).then_some(p)
    }

    /// Whether the gazetteer names a celestial body so ("Mars", "the
    /// Moon"), not a place; stars and planets known by designation are
    /// [`is_designated_body`]'s.
    pub fn names_celestial_body(&self, name: &str) -> bool {
        self.lookup(strip_article(name))
            .is_some_and(|e| e.has(kind::CELESTIAL))
    }

    /// Whether the gazetteer knows a city or town written `name` in the state,
    /// province or country named by `qualifier` ("Allen" in "Texas").
    pub fn is_town_in(&self, name: &str, qualifier: &str) -> bool {
        let (Some(found), Some(q)) = (self.find_place(name), self.qualifier_of(name, qualifier))
        else {
            return false;
        };
        self.readings(found.entry)
            .any(|p| matches!(p.kind, PlaceKind::City | PlaceKind::Town) && lies_in(p, q))
    }
}

/// Whether place `p` lies in `q` (a country, or a US state).
fn lies_in(p: &Place, q: &Place) -> bool {
    match q.kind {
        PlaceKind::Country => p.country == q.country && p.kind != PlaceKind::Country,
        PlaceKind::State => p.country == "US" && p.admin1 == q.admin1 && p.kind != q.kind,
        PlaceKind::Province => p.country == q.country && p.kind != q.kind,
        _ => false,
    }
}

pub(crate) fn strip_article(s: &str) -> &str {
    s.strip_prefix("the ")
        .or_else(|| s.strip_prefix("The "))
        .unwrap_or(s)
}

/// AP-style and postal abbreviations of US states, Canadian provinces and
/// territories, and the Australian states that have one of their own, as
/// datelines and "Kamloops, B.C." write them: (country, state or province).
pub(crate) fn division_abbreviation(s: &str) -> Option<(&'static str, &'static str)> {
    const OTHERS: &[(&str, &str, &str, &str)] = &[
        ("B.C.", "BC", "CA", "British Columbia"),
        ("Alta.", "AB", "CA", "Alberta"),
        ("Sask.", "SK", "CA", "Saskatchewan"),
        ("Man.", "MB", "CA", "Manitoba"),
        ("Ont.", "ON", "CA", "Ontario"),
        ("Que.", "QC", "CA", "Quebec"),
        ("N.B.", "NB", "CA", "New Brunswick"),
        ("N.S.", "NS", "CA", "Nova Scotia"),
        ("P.E.I.", "PE", "CA", "Prince Edward Island"),
        ("Nfld.", "NL", "CA", "Newfoundland and Labrador"),
        ("Y.T.", "YT", "CA", "Yukon"),
        ("N.W.T.", "NT", "CA", "Northwest Territories"),
        ("", "NSW", "AU", "New South Wales"),
        ("Qld.", "QLD", "AU", "Queensland"),
        ("Tas.", "TAS", "AU", "Tasmania"),
    ];
    if let Some(state) = us_state_abbreviation(s) {
        return Some(("US", state));
    }
    // Only as written, with the full stop: "Man", "Que" and "Alta" are words.
    OTHERS
        .iter()
        .find(|(ap, postal, _, _)| {
            *ap == s || *postal == s || postal.len() > 2 && postal.eq_ignore_ascii_case(s)
        })
        .map(|(_, _, country, name)| (*country, *name))
}

/// AP-style and postal abbreviations of US states, as datelines write them.
fn us_state_abbreviation(s: &str) -> Option<&'static str> {
    const STATES: &[(&str, &str, &str)] = &[
        ("Ala.", "AL", "Alabama"),
        ("Ariz.", "AZ", "Arizona"),
        ("Ark.", "AR", "Arkansas"),
        ("Calif.", "CA", "California"),
        ("Colo.", "CO", "Colorado"),
        ("Conn.", "CT", "Connecticut"),
        ("Del.", "DE", "Delaware"),
        ("Fla.", "FL", "Florida"),
        ("Ga.", "GA", "Georgia"),
        ("Ill.", "IL", "Illinois"),
        ("Ind.", "IN", "Indiana"),
        ("Kan.", "KS", "Kansas"),
        ("Ky.", "KY", "Kentucky"),
        ("La.", "LA", "Louisiana"),
        ("Md.", "MD", "Maryland"),
        ("Mass.", "MA", "Massachusetts"),
        ("Mich.", "MI", "Michigan"),
        ("Minn.", "MN", "Minnesota"),
        ("Miss.", "MS", "Mississippi"),
        ("Mo.", "MO", "Missouri"),
        ("Mont.", "MT", "Montana"),
        ("Neb.", "NE", "Nebraska"),
        ("Nev.", "NV", "Nevada"),
        ("N.H.", "NH", "New Hampshire"),
        ("N.J.", "NJ", "New Jersey"),
        ("N.M.", "NM", "New Mexico"),
        ("N.Y.", "NY", "New York"),
        ("N.C.", "NC", "North Carolina"),
        ("N.D.", "ND", "North Dakota"),
        ("Okla.", "OK", "Oklahoma"),
        ("Ore.", "OR", "Oregon"),
        ("Pa.", "PA", "Pennsylvania"),
        ("R.I.", "RI", "Rhode Island"),
        ("S.C.", "SC", "South Carolina"),
        ("S.D.", "SD", "South Dakota"),
        ("Tenn.", "TN", "Tennessee"),
        ("Vt.", "VT", "Vermont"),
        ("Va.", "VA", "Virginia"),
        ("Wash.", "WA", "Washington"),
        ("W.Va.", "WV", "West Virginia"),
        ("Wis.", "WI", "Wisconsin"),
        ("Wyo.", "WY", "Wyoming"),
        ("Tex.", "TX", "Texas"),
        ("", "AK", "Alaska"),
        ("", "HI", "Hawaii"),
        ("", "ID", "Idaho"),
        ("", "IA", "Iowa"),
        ("", "ME", "Maine"),
        ("", "OH", "Ohio"),
        ("", "UT", "Utah"),
    ];
    let bare = s.trim_end_matches('.');
    STATES
        .iter()
        .find(|(ap, postal, _)| {
            *postal == s || !ap.is_empty() && (*ap == s || ap.trim_end_matches('.') == bare)
        })
        .map(|(_, _, name)| *name)
}

/// A dateline taken apart: the place (char start, char end, text as written, title
/// cased when it was in capitals) and an optional qualifier after a comma.
#[derive(Debug, PartialEq)]
pub(crate) struct Dateline {
    pub place: (usize, usize, String),
    pub qualifier: Option<(usize, usize, String)>,
}

/// Parses a dateline field: "VALPARAÍSO, Chile", "GENEVA", "WASHINGTON (Reuters)",
/// "Kyiv, Ukraine, March 3". Offsets are chars into `s`.
pub(crate) fn parse_dateline(s: &str) -> Option<Dateline> {
    let head = s.split(['(', '—', '–']).next().unwrap_or(s);
    let mut parts = head.split(',');
    let place = parts.next()?;
    let qualifier = parts.next();
    let span = |part: &str| -> Option<(usize, usize, String)> {
        let trimmed = part.trim();
        if !trimmed.chars().next()?.is_alphabetic() || trimmed.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let byte =
            part.as_ptr() as usize - s.as_ptr() as usize + (part.len() - part.trim_start().len());
        let start = s[..byte].chars().count();
        let end = start + trimmed.chars().count();
        Some((start, end, trimmed.to_string()))
    };
    Some(Dateline {
        place: span(place)?,
        qualifier: qualifier.and_then(span),
    })
}

/// The Latin genitives of the constellations (the last word of those of two
/// words), with which stars are named: "Alpha Centauri", "61 Cygni".
const CONSTELLATION_GENITIVES: &[&str] = &[
    "Andromedae",
    "Antliae",
    "Apodis",
    "Aquarii",
    "Aquilae",
    "Arae",
    "Arietis",
    "Aurigae",
    "Bootis",
    "Caeli",
    "Camelopardalis",
    "Cancri",
    "Venaticorum",
    "Majoris",
    "Minoris",
    "Capricorni",
    "Carinae",
    "Cassiopeiae",
    "Centauri",
    "Cephei",
    "Ceti",
    "Chamaeleontis",
    "Circini",
    "Columbae",
    "Berenices",
    "Australis",
    "Borealis",
    "Corvi",
    "Crateris",
    "Crucis",
    "Cygni",
    "Delphini",
    "Doradus",
    "Draconis",
    "Equulei",
    "Eridani",
    "Fornacis",
    "Geminorum",
    "Gruis",
    "Herculis",
    "Horologii",
    "Hydrae",
    "Hydri",
    "Indi",
    "Lacertae",
    "Leonis",
    "Leporis",
    "Librae",
    "Lupi",
    "Lyncis",
    "Lyrae",
    "Mensae",
    "Microscopii",
    "Monocerotis",
    "Muscae",
    "Normae",
    "Octantis",
    "Ophiuchi",
    "Orionis",
    "Pavonis",
    "Pegasi",
    "Persei",
    "Phoenicis",
    "Pictoris",
    "Piscium",
    "Austrini",
    "Puppis",
    "Pyxidis",
    "Reticuli",
    "Sagittae",
    "Sagittarii",
    "Scorpii",
    "Sculptoris",
    "Scuti",
    "Serpentis",
    "Sextantis",
    "Tauri",
    "Telescopii",
    "Trianguli",
    "Tucanae",
    "Velorum",
    "Virginis",
    "Volantis",
    "Vulpeculae",
];

/// A star named in its constellation ("AB Aurigae", "Alpha Centauri") or a
/// planet by its catalogue name ("K2-18b"): no place, person or
/// organisation, whatever the look of the name.
pub(crate) fn is_designated_body(name: &str) -> bool {
    // The star's own part is a Greek letter, a catalogue mark (one to three
    // capitals, or letters and digits: "AB", "V838", "61") or "Proxima":
    // "Carlos Lupi" and "Massimo Corvi" end in a genitive too.
    let star = |first: &str| {
        GREEK_LETTERS.contains(&first)
            || first == "Proxima"
            || (1..=3).contains(&first.len()) && first.chars().all(|c| c.is_ascii_uppercase())
            || first.chars().any(|c| c.is_ascii_digit())
                && first.chars().all(|c| c.is_ascii_alphanumeric())
    };
    let in_constellation = name.split_once(' ').is_some_and(|(first, _)| star(first))
        && name
            .rsplit_once(' ')
            .is_some_and(|(_, last)| CONSTELLATION_GENITIVES.contains(&last));
    in_constellation || is_catalogued_planet(name)
}

/// The Greek letters that name a constellation's stars, brightest first.
const GREEK_LETTERS: &[&str] = &[
    "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa",
    "Lambda", "Mu", "Nu", "Xi", "Omicron", "Pi", "Rho", "Sigma", "Tau", "Upsilon", "Phi", "Chi",
    "Psi", "Omega",
];

/// A planet by its catalogue name: a survey or star's designation, a
/// hyphen, a number and the planet's letter ("K2-18b", "Kepler-452b",
/// "TRAPPIST-1e").
fn is_catalogued_planet(name: &str) -> bool {
    let Some((survey, rest)) = name.split_once('-') else {
        return false;
    };
    let Some(number) = rest.strip_suffix(|c: char| ('b'..='h').contains(&c)) else {
        return false;
    };
    survey
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && survey.chars().all(|c| c.is_ascii_alphanumeric())
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines_split_into_place_and_qualifier() {
        let d = parse_dateline("VALPARAÍSO, Chile").expect("parsed");
        assert_eq!(d.place, (0, 10, "VALPARAÍSO".to_string()));
        assert_eq!(d.qualifier, Some((12, 17, "Chile".to_string())));
        let d = parse_dateline("WASHINGTON (Reuters)").expect("parsed");
        assert_eq!(d.place.2, "WASHINGTON");
        assert_eq!(d.qualifier, None);
        let d = parse_dateline("Kyiv, Ukraine, March 3").expect("parsed");
        assert_eq!(d.qualifier.map(|q| q.2).as_deref(), Some("Ukraine"));
        assert!(parse_dateline("12 March").is_none());
    }

    #[test]
    fn state_abbreviations_name_their_state() {
        assert_eq!(us_state_abbreviation("Calif."), Some("California"));
        assert_eq!(us_state_abbreviation("TX"), Some("Texas"));
        assert_eq!(us_state_abbreviation("Chile"), None);
        assert_eq!(division_abbreviation("Ill."), Some(("US", "Illinois")));
        assert_eq!(
            division_abbreviation("B.C."),
            Some(("CA", "British Columbia"))
        );
        assert_eq!(
            division_abbreviation("NSW"),
            Some(("AU", "New South Wales"))
        );
        assert_eq!(division_abbreviation("Qld"), Some(("AU", "Queensland")));
        assert_eq!(division_abbreviation("Man"), None);
    }
}
