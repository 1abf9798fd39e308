//! Place names, demonyms, well-known organisations and a few other name lists:
//! matching them on token boundaries, and resolving a place name to one gazetteer
//! entry.
//!
//! The shipped gazetteer is three gzipped TSV files built by the trainer
//! (`examples/train.rs`) from `shared/data`: `places.tsv.gz` (GeoNames: countries,
//! first-level divisions, continents, cities of 5,000+ people), `country_names.tsv.gz`
//! (mledoze/countries: country name variants, demonyms and a representative point;
//! ODbL, so it is kept in a file of its own) and `lexicon.tsv.gz` (organisation names
//! and first names seen in the training annotations).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::GzDecoder;
use rustc_hash::FxHashMap;

use crate::error::TagError;
use crate::token::{self, Token};

/// Kinds of gazetteer name, used both as features and to resolve places. The bit
/// positions are part of the trained model's features: add, never renumber.
pub(crate) mod kind {
    pub const COUNTRY: u8 = 0;
    /// A US state or another country's first-level division.
    pub const STATE: u8 = 1;
    pub const CONTINENT: u8 = 2;
    pub const REGION: u8 = 3;
    pub const CITY_LARGE: u8 = 4;
    pub const CITY_MEDIUM: u8 = 5;
    pub const CITY_SMALL: u8 = 6;
    pub const DEMONYM: u8 = 7;
    pub const ORG: u8 = 8;
    pub const CAPITAL: u8 = 9;
    /// Sun, moon, planets: named, but not places on a map.
    pub const CELESTIAL: u8 = 10;
    /// An organisation name seen in the training annotations.
    pub const ORG_SEEN: u8 = 11;
    /// A given name: seen in the training annotations or in the census's list.
    pub const FIRST_NAME: u8 = 12;
    /// An island, mountain, lake or river given by hand (`FEATURES`):
    /// read by the rules, never by the model.
    pub const FEATURE: u8 = 13;

    /// The kinds `kinds` as a set, one bit each, for [`super::GazMark::has_any`].
    pub const fn set(kinds: &[u8]) -> u16 {
        let mut bits = 0;
        let mut i = 0;
        while i < kinds.len() {
            bits |= 1 << kinds[i];
            i += 1;
        }
        bits
    }
}

/// What sort of place an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlaceKind {
    Country,
    /// A US state.
    State,
    /// Another country's first-level division (province, region, prefecture…).
    Province,
    Continent,
    /// A region without one point (Middle East) or a named area the GeoNames files
    /// here lack (Siberia), given by hand.
    Region,
    City,
    /// A town of 5,000–15,000 people: used to resolve a name the model tagged as a
    /// place, never to find one.
    Town,
    /// A second-level division (a county, a district, a province of Italy or
    /// the Philippines): like a town, it resolves a name the model tagged as
    /// a place and never finds one.
    County,
    /// An island, mountain, lake, river or desert given by hand
    /// ([`FEATURES`]).
    Feature,
}

/// One gazetteer entry.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub kind: PlaceKind,
    pub geonames_id: Option<u32>,
    pub name: String,
    /// ISO 3166-1 alpha-2; empty for continents and regions that span countries.
    pub country: String,
    /// GeoNames admin-1 code (for US places, the state's postal code).
    pub admin1: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub population: u64,
    /// A national capital.
    pub capital: bool,
}

impl Place {
    /// The id of this place, the same in every story (see `Entity::id`).
    pub fn id(&self) -> String {
        if let Some(g) = self.geonames_id {
            format!("geonames:{g}")
        } else if self.kind == PlaceKind::Province {
            format!("admin1:{}:{}", self.country, slug(&self.name))
        } else {
            entity_id("place", &self.name)
        }
    }
}

/// The id of an entity that no gazetteer number names, the same in every
/// story: its scheme and its name's slug ("org:acme-holdings").
pub(crate) fn entity_id(scheme: &str, name: &str) -> String {
    format!("{scheme}:{}", slug(name))
}

/// Lower-case ASCII words joined by hyphens: "Côte d'Ivoire" → "cote-d-ivoire".
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in fold_ascii(name).chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// What a matched name can stand for.
#[derive(Debug, Default, Clone)]
pub(crate) struct NameEntry {
    /// Candidate places, as indexes into [`Gazetteer::places`].
    pub places: Vec<u32>,
    /// The place (a country or continent, an index into places) this demonym names.
    pub demonym_of: Option<u32>,
    /// Canonical name of a well-known organisation.
    pub org: Option<&'static str>,
    kinds: u16,
    /// Only other spellings of places point here: resolve with it, never find.
    quiet: bool,
    /// Places (indexes into places) this name is only a foreign, former or
    /// local name of, as GeoNames lists them ("Lion" for Lyon, "Batavia"
    /// for Jakarta): such a name is the place only where the story puts it
    /// there (see `Gazetteer::pick_place`).
    pub other_name_of: Vec<u32>,
    /// Training documents a lexicon name was seen in (per lexicon kind), so that
    /// training can leave a document's own names out of its features.
    seen_in: Vec<(u8, u32)>,
}

impl NameEntry {
    pub fn has(&self, k: u8) -> bool {
        self.kinds & (1 << k) != 0
    }
}

/// How a token sits inside a gazetteer match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct GazMark {
    kinds: u16,
    /// 0 none, 1 a whole one-token match, 2 first token, 3 a later token.
    pos: u8,
    /// The name entry matched, when `pos != 0`.
    pub entry: u32,
}

impl GazMark {
    /// The kinds the model reads as features: all but [`kind::FEATURE`],
    /// which only the rules read, so that the hand-written table of
    /// features can grow without retraining.
    pub fn kinds(&self) -> impl Iterator<Item = u8> + '_ {
        (0..16u8).filter(|&k| k != kind::FEATURE && self.kinds & (1 << k) != 0)
    }
    pub fn position(&self) -> u8 {
        self.pos
    }
    pub fn is_begin(&self) -> bool {
        self.pos == 1 || self.pos == 2
    }
    pub fn has(&self, k: u8) -> bool {
        self.kinds & (1 << k) != 0
    }
    /// Whether the mark has any kind of `set` ([`kind::set`]).
    pub fn has_any(&self, set: u16) -> bool {
        self.kinds & set != 0
    }
}

/// Well-known organisations: (name as written, canonical name). Acronyms map to their
/// expansion so that "the UN" and "the United Nations" are one organisation.
pub(crate) const KNOWN_ORGS: &[(&str, &str)] = &[
    ("UN", "United Nations"),
    ("U.N.", "United Nations"),
    ("United Nations", "United Nations"),
    ("UN Security Council", "United Nations Security Council"),
    ("Security Council", "United Nations Security Council"),
    (
        "United Nations Security Council",
        "United Nations Security Council",
    ),
    ("UN General Assembly", "United Nations General Assembly"),
    ("NATO", "North Atlantic Treaty Organization"),
    ("Nato", "North Atlantic Treaty Organization"),
    (
        "North Atlantic Treaty Organization",
        "North Atlantic Treaty Organization",
    ),
    ("EU", "European Union"),
    ("E.U.", "European Union"),
    ("European Union", "European Union"),
    (
        "OSCE",
        "Organization for Security and Co-operation in Europe",
    ),
    ("WHO", "World Health Organization"),
    ("World Health Organization", "World Health Organization"),
    ("World Health Organisation", "World Health Organization"),
    ("IMF", "International Monetary Fund"),
    ("International Monetary Fund", "International Monetary Fund"),
    ("World Bank", "World Bank"),
    ("WTO", "World Trade Organization"),
    ("World Trade Organization", "World Trade Organization"),
    ("OPEC", "Organization of the Petroleum Exporting Countries"),
    ("ASEAN", "Association of Southeast Asian Nations"),
    ("African Union", "African Union"),
    ("Arab League", "Arab League"),
    ("UNESCO", "UNESCO"),
    ("UNICEF", "UNICEF"),
    ("UNHCR", "UNHCR"),
    ("IAEA", "International Atomic Energy Agency"),
    (
        "International Atomic Energy Agency",
        "International Atomic Energy Agency",
    ),
    ("ICC", "International Criminal Court"),
    (
        "International Criminal Court",
        "International Criminal Court",
    ),
    ("Interpol", "Interpol"),
    ("Europol", "Europol"),
    ("FBI", "Federal Bureau of Investigation"),
    (
        "Federal Bureau of Investigation",
        "Federal Bureau of Investigation",
    ),
    ("CIA", "Central Intelligence Agency"),
    ("Central Intelligence Agency", "Central Intelligence Agency"),
    ("NSA", "National Security Agency"),
    ("NASA", "NASA"),
    ("ESA", "European Space Agency"),
    ("European Space Agency", "European Space Agency"),
    ("FIFA", "FIFA"),
    ("UEFA", "UEFA"),
    ("IOC", "International Olympic Committee"),
    (
        "International Olympic Committee",
        "International Olympic Committee",
    ),
    ("BBC", "BBC"),
    ("CNN", "CNN"),
    ("NPR", "NPR"),
    ("Al Jazeera", "Al Jazeera"),
    ("AP", "Associated Press"),
    ("Associated Press", "Associated Press"),
    ("AFP", "Agence France-Presse"),
    ("Agence France-Presse", "Agence France-Presse"),
    ("Reuters", "Reuters"),
    ("Bloomberg", "Bloomberg"),
    ("New York Times", "The New York Times"),
    ("Washington Post", "The Washington Post"),
    ("Wall Street Journal", "The Wall Street Journal"),
    ("Financial Times", "Financial Times"),
    ("The Guardian", "The Guardian"),
    ("The Times", "The Times"),
    ("The Economist", "The Economist"),
    ("Der Spiegel", "Der Spiegel"),
    ("Le Monde", "Le Monde"),
    ("Xinhua", "Xinhua"),
    ("TASS", "TASS"),
    ("EPA", "Environmental Protection Agency"),
    ("FDA", "Food and Drug Administration"),
    ("CDC", "Centers for Disease Control and Prevention"),
    ("SEC", "Securities and Exchange Commission"),
    ("Federal Reserve", "Federal Reserve"),
    ("Fed", "Federal Reserve"),
    ("ECB", "European Central Bank"),
    ("European Central Bank", "European Central Bank"),
    ("Bank of England", "Bank of England"),
    ("Bank of Japan", "Bank of Japan"),
    ("European Commission", "European Commission"),
    ("European Parliament", "European Parliament"),
    ("Hamas", "Hamas"),
    ("Hezbollah", "Hezbollah"),
    ("Taliban", "Taliban"),
    ("al-Qaeda", "al-Qaeda"),
    ("Al-Qaeda", "al-Qaeda"),
    ("al Qaeda", "al-Qaeda"),
    ("Islamic State", "Islamic State"),
    ("Islamic State of Iraq and Syria", "Islamic State"),
    ("Islamic State of Iraq and the Levant", "Islamic State"),
    ("ISIS", "Islamic State"),
    ("ISIL", "Islamic State"),
    ("Boko Haram", "Boko Haram"),
    ("Red Cross", "Red Cross"),
    ("Médecins Sans Frontières", "Médecins Sans Frontières"),
    ("Doctors Without Borders", "Médecins Sans Frontières"),
    ("Amnesty International", "Amnesty International"),
    ("Human Rights Watch", "Human Rights Watch"),
    ("Greenpeace", "Greenpeace"),
    ("Pentagon", "Pentagon"),
    ("Kremlin", "Kremlin"),
    ("White House", "White House"),
    ("Downing Street", "Downing Street"),
    ("Wikinews", "Wikinews"),
    ("Wikipedia", "Wikipedia"),
    ("Google", "Google"),
    ("Alphabet", "Alphabet"),
    ("Apple", "Apple"),
    ("Microsoft", "Microsoft"),
    ("Amazon", "Amazon"),
    ("Facebook", "Facebook"),
    ("Meta", "Meta"),
    ("Twitter", "Twitter"),
    ("Instagram", "Instagram"),
    ("YouTube", "YouTube"),
    ("TikTok", "TikTok"),
    ("Netflix", "Netflix"),
    ("Tesla", "Tesla"),
    ("Samsung", "Samsung"),
    ("Sony", "Sony"),
    ("Huawei", "Huawei"),
    ("Intel", "Intel"),
    ("IBM", "IBM"),
    ("Oracle", "Oracle"),
    ("Nvidia", "Nvidia"),
    ("Airbus", "Airbus"),
    ("Boeing", "Boeing"),
    ("General Motors", "General Motors"),
    ("GM", "General Motors"),
    ("Ford", "Ford"),
    ("Ford Motor Company", "Ford"),
    ("Chrysler", "Chrysler"),
    ("Volkswagen", "Volkswagen"),
    ("Toyota", "Toyota"),
    ("Honda", "Honda"),
    ("Nissan", "Nissan"),
    ("BMW", "BMW"),
    ("Renault", "Renault"),
    ("Fiat", "Fiat"),
    ("ExxonMobil", "ExxonMobil"),
    ("Shell", "Shell"),
    ("BP", "BP"),
    ("Gazprom", "Gazprom"),
    ("Walmart", "Walmart"),
    ("Tesco", "Tesco"),
    ("Carrefour", "Carrefour"),
    ("Goldman Sachs", "Goldman Sachs"),
    ("JPMorgan", "JPMorgan Chase"),
    ("JPMorgan Chase", "JPMorgan Chase"),
    ("Morgan Stanley", "Morgan Stanley"),
    ("Citigroup", "Citigroup"),
    ("HSBC", "HSBC"),
    ("Barclays", "Barclays"),
    ("Deutsche Bank", "Deutsche Bank"),
    ("Lufthansa", "Lufthansa"),
    ("Ryanair", "Ryanair"),
    ("Air France", "Air France"),
    ("British Airways", "British Airways"),
    ("Emirates", "Emirates"),
    ("Congress", "Congress"),
    ("Senate", "Senate"),
    ("House of Representatives", "House of Representatives"),
    ("Parliament", "Parliament"),
    ("Supreme Court", "Supreme Court"),
    ("Labour Party", "Labour Party"),
    ("Conservative Party", "Conservative Party"),
    ("Democratic Party", "Democratic Party"),
    ("Republican Party", "Republican Party"),
    ("G7", "G7"),
    ("G8", "G8"),
    ("G20", "G20"),
    ("Dow Jones", "Dow Jones"),
    ("Nasdaq", "Nasdaq"),
    ("NASDAQ", "Nasdaq"),
    ("New York Stock Exchange", "New York Stock Exchange"),
    ("NYSE", "New York Stock Exchange"),
    ("London Stock Exchange", "London Stock Exchange"),
];

/// Celestial bodies: names the model may take for places, which a map cannot show.
const CELESTIAL: &[&str] = &[
    "Earth",
    "Moon",
    "Sun",
    "Mars",
    "Venus",
    "Mercury",
    "Jupiter",
    "Saturn",
    "Uranus",
    "Neptune",
    "Pluto",
    "Ceres",
    "Titan",
    "Europa",
    "Milky Way",
    "Solar System",
    "Andromeda",
    "International Space Station",
    "ISS",
];

/// Latitude and longitude, when a place has one point.
type Point = Option<(f64, f64)>;

/// Regions the GeoNames files here lack: (name, ISO country or "", point or none).
/// A region across several countries has no point: it is not a place on the map.
const REGIONS: &[(&str, &str, Point)] = &[
    ("Middle East", "", None),
    ("Near East", "", None),
    ("Far East", "", None),
    ("Balkans", "", None),
    ("Baltics", "", None),
    ("Baltic states", "", None),
    ("Caucasus", "", None),
    ("Levant", "", None),
    ("Maghreb", "", None),
    ("Scandinavia", "", None),
    ("Nordic countries", "", None),
    ("Latin America", "", None),
    ("Americas", "", None),
    ("Mesoamerica", "", None),
    ("Central America", "", None),
    ("Western Europe", "", None),
    ("Eastern Europe", "", None),
    ("Central Europe", "", None),
    ("Northern Europe", "", None),
    ("Southern Europe", "", None),
    ("Southeast Asia", "", None),
    ("Central Asia", "", None),
    ("East Asia", "", None),
    ("South Asia", "", None),
    ("Asia-Pacific", "", None),
    ("Indo-Pacific", "", None),
    ("Sub-Saharan Africa", "", None),
    ("North Africa", "", None),
    ("West Africa", "", None),
    ("East Africa", "", None),
    ("Southern Africa", "", None),
    ("Horn of Africa", "", None),
    ("Sahel", "", None),
    ("Persian Gulf", "", None),
    ("Gulf region", "", None),
    ("Arctic", "", None),
    ("Antarctic", "", None),
    ("Kurdistan", "", None),
    ("Patagonia", "", None),
    ("Himalayas", "", None),
    ("Alps", "", None),
    ("Bengal", "", None),
    ("Pacific", "", None),
    ("Atlantic", "", None),
    ("Mediterranean", "", None),
    ("Caribbean", "", None),
    ("Pacific Ocean", "", Some((0.0, -160.0))),
    ("Atlantic Ocean", "", Some((0.0, -30.0))),
    ("Indian Ocean", "", Some((-20.0, 80.0))),
    ("Arctic Ocean", "", Some((85.0, 0.0))),
    ("Southern Ocean", "", Some((-60.0, 90.0))),
    ("Mediterranean Sea", "", Some((35.0, 18.0))),
    ("Black Sea", "", Some((43.4, 34.0))),
    ("Red Sea", "", Some((20.0, 38.5))),
    ("Caspian Sea", "", Some((41.7, 50.6))),
    ("North Sea", "", Some((56.0, 3.0))),
    ("Baltic Sea", "", Some((58.0, 20.0))),
    ("South China Sea", "", Some((12.0, 113.0))),
    ("East China Sea", "", Some((29.0, 125.0))),
    ("Sea of Japan", "", Some((40.0, 135.0))),
    ("Aegean Sea", "", Some((39.0, 25.0))),
    ("Arabian Sea", "", Some((15.0, 65.0))),
    ("Java Sea", "", Some((-5.0, 111.0))),
    ("Gulf of Mexico", "", Some((25.0, -90.0))),
    ("Gulf of Aden", "", Some((12.0, 48.0))),
    ("Strait of Hormuz", "", Some((26.6, 56.3))),
    ("English Channel", "", Some((50.2, -1.0))),
    ("Gaza", "PS", Some((31.5, 34.45))),
    ("Donbas", "UA", Some((48.0, 38.0))),
    ("Donbass", "UA", Some((48.0, 38.0))),
    ("Darfur", "SD", Some((13.5, 24.0))),
    ("Siberia", "RU", Some((60.0, 100.0))),
    ("Kashmir", "", Some((34.1, 74.8))),
    ("Tibet", "CN", Some((31.0, 89.0))),
    ("Silicon Valley", "US", Some((37.4, -122.1))),
    ("Midwest", "US", Some((41.5, -90.0))),
    ("New England", "US", Some((43.5, -71.5))),
    ("Sinai", "EG", Some((29.5, 33.8))),
    ("Golan Heights", "", Some((33.0, 35.8))),
    ("Normandy", "FR", Some((49.2, 0.4))),
    ("Great Britain", "GB", Some((54.0, -2.0))),
];

/// Islands, mountains, lakes, rivers, deserts and other natural features
/// news names that the GeoNames files here lack (they hold countries,
/// divisions and towns): (name, ISO country or "", point or none), given
/// by hand. They resolve a name the model tagged as a place, and find one
/// only where a word that places something stands before it ("migrants
/// landed on Lesbos"); their kind of mark is one the shipped model was
/// never trained with, so its tags do not change with them. A feature
/// across several countries, or a river, has no point: it is no one place
/// on the map. No name here is also a well-known body's or a thing's
/// ("Amazon" alone is the company as often as the forest, "Java" the
/// language as often as the island).
const FEATURES: &[(&str, &str, Point)] = &[
    ("Easter Island", "CL", Some((-27.12, -109.35))),
    ("Rapa Nui", "CL", Some((-27.12, -109.35))),
    ("Luzon", "PH", Some((16.0, 121.0))),
    ("Visayas", "PH", Some((10.6, 123.6))),
    ("Mindanao", "PH", Some((7.6, 125.0))),
    ("Sumatra", "ID", Some((-0.6, 101.3))),
    ("Sulawesi", "ID", Some((-2.0, 120.5))),
    ("Lombok", "ID", Some((-8.65, 116.35))),
    ("Borneo", "", None),
    ("New Guinea", "", None),
    ("Honshu", "JP", Some((36.0, 138.0))),
    ("Kyushu", "JP", Some((32.6, 130.9))),
    ("Shikoku", "JP", Some((33.7, 133.5))),
    ("Iwo Jima", "JP", Some((24.78, 141.32))),
    ("Socotra", "YE", Some((12.5, 53.9))),
    ("Lampedusa", "IT", Some((35.51, 12.6))),
    ("Lesbos", "GR", Some((39.2, 26.3))),
    ("Santorini", "GR", Some((36.41, 25.43))),
    ("Nantucket", "US", Some((41.28, -70.1))),
    ("Martha's Vineyard", "US", Some((41.39, -70.62))),
    ("Cape Cod", "US", Some((41.7, -70.3))),
    ("Outer Banks", "US", Some((35.5, -75.5))),
    ("Ellis Island", "US", Some((40.7, -74.04))),
    ("Maui", "US", Some((20.8, -156.33))),
    ("Oahu", "US", Some((21.47, -157.98))),
    ("Kauai", "US", Some((22.05, -159.5))),
    ("Vancouver Island", "CA", Some((49.65, -125.45))),
    ("Newfoundland", "CA", Some((48.6, -56.3))),
    ("Cape Breton Island", "CA", Some((46.2, -60.8))),
    ("Lantau Island", "HK", Some((22.26, 113.95))),
    ("Tahiti", "PF", Some((-17.65, -149.43))),
    ("Mallorca", "ES", Some((39.6, 2.95))),
    ("Majorca", "ES", Some((39.6, 2.95))),
    ("Tenerife", "ES", Some((28.29, -16.63))),
    ("Gran Canaria", "ES", Some((27.96, -15.6))),
    ("Lanzarote", "ES", Some((29.04, -13.63))),
    ("Isle of Skye", "GB", Some((57.3, -6.2))),
    ("Shetland", "GB", Some((60.3, -1.3))),
    ("Orkney", "GB", Some((59.0, -3.0))),
    ("Hebrides", "GB", Some((57.5, -7.0))),
    ("Spitsbergen", "SJ", Some((78.7, 16.0))),
    ("Galápagos Islands", "EC", Some((-0.8, -91.1))),
    ("Kuril Islands", "RU", Some((46.5, 151.5))),
    ("Andaman Islands", "IN", Some((12.5, 92.8))),
    ("Nicobar Islands", "IN", Some((8.0, 93.5))),
    ("Chagos Islands", "IO", Some((-6.0, 71.5))),
    ("Spratly Islands", "", None),
    ("Paracel Islands", "", None),
    ("Senkaku Islands", "", None),
    ("Diaoyu Islands", "", None),
    ("Great Barrier Reef", "AU", Some((-18.3, 147.7))),
    ("Mount Everest", "NP", Some((27.99, 86.93))),
    ("Mount Fuji", "JP", Some((35.36, 138.73))),
    ("Kilimanjaro", "TZ", Some((-3.07, 37.35))),
    ("Mount Kilimanjaro", "TZ", Some((-3.07, 37.35))),
    ("Mount Etna", "IT", Some((37.75, 14.99))),
    ("Mount Vesuvius", "IT", Some((40.82, 14.43))),
    ("Mount Rushmore", "US", Some((43.88, -103.46))),
    ("Mount St. Helens", "US", Some((46.19, -122.19))),
    ("Mauna Loa", "US", Some((19.48, -155.6))),
    ("Kīlauea", "US", Some((19.41, -155.29))),
    ("Kilauea", "US", Some((19.41, -155.29))),
    ("Mount Merapi", "ID", Some((-7.54, 110.45))),
    ("Merapi", "ID", Some((-7.54, 110.45))),
    ("Taal Volcano", "PH", Some((14.0, 121.0))),
    ("Eyjafjallajökull", "IS", Some((63.63, -19.62))),
    ("Mont Blanc", "", None),
    ("Sahara", "", None),
    ("Gobi Desert", "", None),
    ("Atacama Desert", "CL", Some((-24.5, -69.25))),
    ("Mojave Desert", "US", Some((35.0, -115.5))),
    ("Negev", "IL", Some((30.8, 34.8))),
    ("Sinai Peninsula", "EG", Some((29.5, 33.8))),
    ("Amazon rainforest", "", None),
    ("Amazon River", "", None),
    ("Pantanal", "BR", Some((-17.5, -57.0))),
    ("Okavango Delta", "BW", Some((-19.3, 22.9))),
    ("Okavango", "BW", Some((-19.3, 22.9))),
    ("Serengeti", "TZ", Some((-2.33, 34.83))),
    ("Maasai Mara", "KE", Some((-1.49, 35.14))),
    ("Masai Mara", "KE", Some((-1.49, 35.14))),
    ("Death Valley", "US", Some((36.5, -117.0))),
    ("Grand Canyon", "US", Some((36.1, -112.1))),
    ("Everglades", "US", Some((25.3, -80.9))),
    ("Bosphorus", "TR", Some((41.12, 29.07))),
    ("Dardanelles", "TR", Some((40.2, 26.4))),
    ("Suez Canal", "EG", Some((30.7, 32.34))),
    ("Panama Canal", "PA", Some((9.08, -79.68))),
    ("Dead Sea", "", None),
    ("Lake Victoria", "", None),
    ("Lake Titicaca", "", None),
    ("Lake Baikal", "RU", Some((53.5, 108.2))),
    ("Lake Tahoe", "US", Some((39.1, -120.04))),
    ("Lake Michigan", "US", Some((44.0, -87.0))),
    ("Loch Ness", "GB", Some((57.3, -4.45))),
    ("Nile", "", None),
    ("Danube", "", None),
    ("Rhine", "", None),
    ("Mekong", "", None),
    ("Ganges", "", None),
    ("Euphrates", "", None),
    ("Tigris", "", None),
    ("Jordan River", "", None),
    ("Mississippi River", "US", None),
    ("Yangtze", "CN", None),
    ("Yellow River", "CN", None),
    ("Thames", "GB", None),
    ("Seine", "FR", None),
    ("Volga", "RU", None),
];

/// Extra ways of writing a country that the name lists lack or drop as too short:
/// (ISO code, name).
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("US", "US"),
    ("US", "U.S."),
    ("US", "U.S"),
    ("US", "USA"),
    ("US", "U.S.A."),
    ("US", "America"),
    ("US", "United States"),
    ("US", "United States of America"),
    ("GB", "Britain"),
    ("GB", "UK"),
    ("GB", "U.K."),
    ("AE", "UAE"),
    ("AE", "U.A.E."),
    ("CD", "DRC"),
    ("CD", "DR Congo"),
    ("CD", "Democratic Republic of Congo"),
    ("CD", "Democratic Republic of the Congo"),
    ("CG", "Republic of Congo"),
    ("CG", "Republic of the Congo"),
    ("CN", "PRC"),
    ("CN", "People's Republic of China"),
    ("CN", "Mainland China"),
    ("KP", "DPRK"),
    ("KR", "ROK"),
    // As football and Olympic results write them ("Korea Republic 2,
    // Sweden 1").
    ("KR", "Korea Republic"),
    ("KP", "Korea DPR"),
    // "Korea" alone: either state, South Korea unless the story names the
    // North's places (settled like any ambiguous name).
    ("KR", "Korea"),
    ("KP", "Korea"),
    ("IR", "IR Iran"),
    ("CN", "China PR"),
    ("TW", "ROC"),
    ("NL", "Holland"),
    ("NL", "The Netherlands"),
    ("MM", "Burma"),
    ("CI", "Ivory Coast"),
    ("CI", "Côte d'Ivoire"),
    ("CZ", "Czech Republic"),
    ("CZ", "Czechia"),
    ("TR", "Turkey"),
    ("TR", "Türkiye"),
    ("KR", "South Korea"),
    ("KP", "North Korea"),
    ("VA", "Vatican"),
    ("VA", "Vatican City"),
    ("VA", "Holy See"),
    ("PS", "Palestine"),
    ("PS", "Palestinian territories"),
    ("SZ", "Swaziland"),
    ("SZ", "Eswatini"),
    ("MK", "Macedonia"),
    ("MK", "North Macedonia"),
    ("CV", "Cape Verde"),
    ("TL", "East Timor"),
    ("TL", "Timor-Leste"),
    ("RU", "Russian Federation"),
    ("SY", "Syrian Arab Republic"),
    ("IR", "Islamic Republic of Iran"),
    ("LA", "Laos"),
    ("VN", "Viet Nam"),
    ("BO", "Bolivia"),
    ("VE", "Venezuela"),
    ("TZ", "Tanzania"),
    ("FM", "Micronesia"),
    ("MD", "Moldova"),
    ("BN", "Brunei"),
    // Endonyms, as companies name their national branches ("Orange Polska").
    ("PL", "Polska"),
    ("DE", "Deutschland"),
    ("ES", "España"),
    ("IT", "Italia"),
    ("SE", "Sverige"),
    ("NO", "Norge"),
    ("DK", "Danmark"),
    ("FI", "Suomi"),
    ("AT", "Österreich"),
    ("CH", "Schweiz"),
    ("BR", "Brasil"),
    ("HU", "Magyarország"),
    ("RO", "România"),
    ("CZ", "Česko"),
    ("NL", "Nederland"),
];

/// Demonyms news writes that the country list lacks (it has "Argentine",
/// "Saudi Arabian", "Ecuadorean"): (ISO country, demonym), plurals too.
const DEMONYM_VARIANTS: &[(&str, &str)] = &[
    ("AR", "Argentinian"),
    ("AR", "Argentinians"),
    ("AR", "Argentinean"),
    ("AR", "Argentineans"),
    ("GB", "Briton"),
    ("GB", "Britons"),
    ("SA", "Saudi"),
    ("SA", "Saudis"),
    ("AZ", "Azeri"),
    ("AZ", "Azeris"),
    ("SK", "Slovakian"),
    ("SK", "Slovakians"),
    ("BA", "Bosnian"),
    ("BA", "Bosnians"),
    ("EC", "Ecuadorian"),
    ("EC", "Ecuadorians"),
    ("NP", "Nepali"),
    ("NP", "Nepalis"),
    ("MV", "Maldivian"),
    ("MV", "Maldivians"),
    ("TL", "Timorese"),
    ("SO", "Somalian"),
    ("SO", "Somalians"),
    ("BY", "Belarussian"),
    ("BY", "Belarussians"),
    ("TJ", "Tajikistani"),
    ("KG", "Kyrgyzstani"),
    ("XK", "Kosovan"),
    ("XK", "Kosovans"),
    ("BW", "Botswanan"),
];

/// Ireland's counties that GeoNames names in Irish: (GeoNames' name, the
/// county's English name).
const IRISH_COUNTIES: &[(&str, &str)] = &[
    ("An Cabhan", "Cavan"),
    ("An Clar", "Clare"),
    ("An Iarmhi", "Westmeath"),
    ("An Longfort", "Longford"),
    ("An Mhi", "Meath"),
    ("Ciarrai", "Kerry"),
    ("Loch Garman", "Wexford"),
    ("Lu", "Louth"),
    ("Maigh Eo", "Mayo"),
    ("Uibh Fhaili", "Offaly"),
];

/// The English short name of an Irish county among GeoNames' second-level
/// divisions ("Maigh Eo", "County Galway", "Kildare" → "Mayo", "Galway",
/// "Kildare"); none for a division that is no county ("Dublin City",
/// "North Tipperary") or lies in another country.
fn irish_county<'a>(country: &str, name: &'a str) -> Option<&'a str> {
    if country != "IE" {
        return None;
    }
    if let Some(&(_, english)) = IRISH_COUNTIES.iter().find(|(irish, _)| *irish == name) {
        return Some(english);
    }
    let short = name.strip_prefix("County ").unwrap_or(name);
    (!short.contains([' ', '-'])).then_some(short)
}

/// Familiar short names of cities: (as written, GeoNames name, ISO country).
const CITY_ALIASES: &[(&str, &str, &str)] = &[
    ("NYC", "New York City", "US"),
    ("New York", "New York City", "US"),
    ("LA", "Los Angeles", "US"),
    ("L.A.", "Los Angeles", "US"),
    ("D.C.", "Washington", "US"),
    ("DC", "Washington", "US"),
    ("Washington D.C.", "Washington", "US"),
    ("Washington, D.C.", "Washington", "US"),
    ("Washington DC", "Washington", "US"),
    ("Washington, DC", "Washington", "US"),
    ("District of Columbia", "Washington", "US"),
    ("St. Petersburg", "Saint Petersburg", "RU"),
    ("St Petersburg", "Saint Petersburg", "RU"),
    ("Kiev", "Kyiv", "UA"),
    ("Bombay", "Mumbai", "IN"),
    ("Calcutta", "Kolkata", "IN"),
    ("Madras", "Chennai", "IN"),
    ("Peking", "Beijing", "CN"),
    ("Saigon", "Ho Chi Minh City", "VN"),
    ("Rangoon", "Yangon", "MM"),
    ("The Hague", "The Hague", "NL"),
    ("Hague", "The Hague", "NL"),
    ("Frisco", "San Francisco", "US"),
];

/// Words that name a first-level division's type, dropped to give its short name
/// ("Moscow Oblast" → "Moscow", "Jiangsu Sheng" → "Jiangsu").
const DIVISION_WORDS: &[&str] = &[
    "Oblast",
    "Oblast'",
    "Kray",
    "Krai",
    "Province",
    "Prefecture",
    "Governorate",
    "Region",
    "State",
    "Department",
    "District",
    "County",
    "Voivodeship",
    "Municipality",
    "Sheng",
    "Shi",
    "Zizhiqu",
    "Autonomous Region",
    "Capital",
    "Territory",
];

/// Division names too generic to find on their own ("Central", "Northern").
const GENERIC_DIVISIONS: &[&str] = &[
    "Central",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "North",
    "South",
    "East",
    "West",
    "Capital",
    "Coast",
    "Centre",
    "Center",
    "Lakes",
    "Islands",
    "Upper",
    "Lower",
    "Federal",
    "National",
    "Border",
    "Interior",
    "Valley",
    "Plateau",
    "Mountain",
    "Highlands",
    "Lagoons",
    "Delta",
    "Littoral",
    "Savanes",
    "Plateaux",
    "Maritime",
    "Kingdom",
    "Harbour",
];

/// Demonyms of continents and wider regions (the country ones come from mledoze).
const REGION_DEMONYMS: &[(&str, &str)] = &[
    ("European", "Europe"),
    ("Europeans", "Europe"),
    ("African", "Africa"),
    ("Africans", "Africa"),
    ("Asian", "Asia"),
    ("Asians", "Asia"),
    ("Latin American", "Latin America"),
    ("Latin Americans", "Latin America"),
    ("Middle Eastern", "Middle East"),
    ("North American", "North America"),
    ("South American", "South America"),
    ("Central European", "Central Europe"),
    ("Eastern European", "Eastern Europe"),
    ("Western European", "Western Europe"),
    ("Southeast Asian", "Southeast Asia"),
    ("Caribbean", "Caribbean"),
    ("Scandinavian", "Scandinavia"),
    ("Balkan", "Balkans"),
];

/// The place gazetteer with its name index.
pub(crate) struct Gazetteer {
    pub places: Vec<Place>,
    entries: Vec<NameEntry>,
    by_name: FxHashMap<Box<str>, u32>,
    /// First token of a matchable name → the most tokens a name starting with it has.
    first_token: FxHashMap<Box<str>, u8>,
    /// ISO code → the country, an index into places.
    countries: HashMap<String, u32>,
}

pub(crate) fn corrupt(what: &'static str, reason: impl Into<String>) -> TagError {
    TagError::Corrupt {
        what,
        reason: reason.into(),
    }
}

pub(crate) fn gunzip(what: &'static str, gz: &[u8]) -> Result<String, TagError> {
    let mut text = String::new();
    GzDecoder::new(gz)
        .read_to_string(&mut text)
        .map_err(|e| corrupt(what, e.to_string()))?;
    Ok(text)
}

/// Replaces the accented Latin letters common in place names by plain ASCII ones.
/// Most names are ASCII already: those are borrowed as they are, since names are
/// folded on every lookup that misses.
pub(crate) fn fold_ascii(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ą' | 'ă' => 'a',
                'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ā' => 'A',
                'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
                'É' | 'È' | 'Ê' | 'Ë' => 'E',
                'í' | 'ì' | 'î' | 'ï' | 'ī' | 'ı' => 'i',
                'Í' | 'Î' | 'İ' => 'I',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'ő' => 'o',
                'Ó' | 'Ö' | 'Ø' => 'O',
                'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
                'Ú' | 'Ü' => 'U',
                'ç' | 'ć' | 'č' => 'c',
                'Ç' | 'Č' | 'Ć' => 'C',
                'ñ' | 'ń' | 'ň' => 'n',
                'ś' | 'š' | 'ş' | 'ș' => 's',
                'Ś' | 'Š' | 'Ş' | 'Ș' => 'S',
                'ž' | 'ź' | 'ż' => 'z',
                'Ž' | 'Ż' => 'Z',
                'ł' => 'l',
                'Ł' => 'L',
                'ř' => 'r',
                'ť' | 'ț' | 'ţ' => 't',
                'ý' | 'ÿ' => 'y',
                'ğ' => 'g',
                'đ' => 'd',
                // The Hawaiian and Tongan ʻokina ("Nukuʻalofa") and the
                // modifier apostrophe are letters to Unicode but stand where
                // GeoNames writes a quotation mark ("Nuku‘alofa").
                '\u{2019}' | '\u{2018}' | '\u{02BB}' | '\u{02BC}' => '\'',
                other => other,
            })
            .collect(),
    )
}

/// `name`, then its form `folded` by [`fold_ascii`] when folding changed
/// it: a name already in ASCII (most of them) is not asked for twice.
fn with_folded<'a>(name: &'a str, folded: &'a str) -> impl Iterator<Item = &'a str> {
    std::iter::once(name).chain((folded != name).then_some(folded))
}

/// Whether a text is written in capitals: two letters or more, none of them
/// lower case ("GENEVA", "U.S.", "DAX").
pub(crate) fn in_capitals(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !s.chars().any(char::is_lowercase)
}

/// "NEW YORK" → "New York", "ST. LOUIS" → "St. Louis": how an all-caps dateline
/// word is written elsewhere.
pub(crate) fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric() && c != '\'' && c != '\u{2019}';
    }
    out
}

/// Collects name → entry assignments while the gazetteer is built.
#[derive(Default)]
struct Builder {
    places: Vec<Place>,
    entries: Vec<NameEntry>,
    by_name: FxHashMap<Box<str>, u32>,
}

impl Builder {
    fn entry(&mut self, name: &str) -> &mut NameEntry {
        // Most names are met again (every place under its folded form too):
        // a key is made only for a new one.
        let i = match self.by_name.get(name) {
            Some(&i) => i,
            None => {
                let next = self.entries.len() as u32;
                self.by_name.insert(name.into(), next);
                self.entries.push(NameEntry::default());
                next
            }
        };
        &mut self.entries[i as usize]
    }

    fn add_place(&mut self, name: &str, idx: u32) {
        if name.chars().count() < 2 || !name.chars().next().is_some_and(char::is_uppercase) {
            return;
        }
        let folded = fold_ascii(name);
        for form in with_folded(name, &folded) {
            let e = self.entry(form);
            if !e.places.contains(&idx) {
                e.places.push(idx);
            }
        }
    }

    fn push(&mut self, place: Place) -> u32 {
        self.places.push(place);
        (self.places.len() - 1) as u32
    }
}

/// Marks the names that reach a place only as GeoNames lists them among its
/// alternate names (`aliases[..listed]` and the quiet ones): not its own
/// name however accented, not its name with a river or "City" left off
/// ("Frankfurt" for Frankfurt am Main, "New York" for New York City), and
/// no form the gazetteer writes out itself ("St. Paul", "Bombay").
fn mark_other_names(
    b: &mut Builder,
    aliases: &[(String, u32)],
    listed: usize,
    quiet: &[(String, u32)],
) {
    let written_out: HashSet<(&str, u32)> = aliases[listed..]
        .iter()
        .map(|(a, i)| (a.as_str(), *i))
        .collect();
    for (a, idx) in aliases[..listed].iter().chain(quiet) {
        let own = fold_ascii(&b.places[*idx as usize].name);
        let alias = fold_ascii(a);
        let shortened = own
            .strip_prefix(alias.as_ref())
            .is_some_and(|rest| rest.starts_with(' '));
        if alias == own || shortened || written_out.contains(&(a.as_str(), *idx)) {
            continue;
        }
        for form in with_folded(a, &alias) {
            if let Some(&e) = b.by_name.get(form) {
                let entry = &mut b.entries[e as usize];
                if entry.places.contains(idx) && !entry.other_name_of.contains(idx) {
                    entry.other_name_of.push(*idx);
                }
            }
        }
    }
}

/// The training annotations' names, for the lexicon features: (kind, name, documents
/// it was seen in).
pub(crate) type LexiconNames = Vec<(u8, String, Vec<u32>)>;

/// The names of a lexicon file (`lexicon.tsv.gz`), seen in no training document.
pub(crate) fn read_lexicon(lexicon_gz: &[u8]) -> Result<LexiconNames, TagError> {
    let mut lexicon: LexiconNames = Vec::new();
    for line in gunzip("lexicon", lexicon_gz)?.lines().skip(1) {
        let Some((k, name)) = line.split_once('\t') else {
            return Err(corrupt("lexicon", format!("short row: {line}")));
        };
        let k = match k {
            "ORG" => kind::ORG_SEEN,
            "FIRST" => kind::FIRST_NAME,
            other => return Err(corrupt("lexicon", format!("unknown kind {other}"))),
        };
        lexicon.push((k, name.to_string(), Vec::new()));
    }
    Ok(lexicon)
}

impl Gazetteer {
    /// Loads the shipped gazetteer files (all gzipped TSV).
    pub fn from_gz(
        places_gz: &[u8],
        country_names_gz: &[u8],
        lexicon_gz: &[u8],
    ) -> Result<Gazetteer, TagError> {
        Gazetteer::build(places_gz, country_names_gz, read_lexicon(lexicon_gz)?)
    }

    /// Builds the gazetteer with a lexicon given as names and the training documents
    /// they come from (see [`Gazetteer::mark_tokens`]).
    pub fn build(
        places_gz: &[u8],
        country_names_gz: &[u8],
        lexicon: LexiconNames,
    ) -> Result<Gazetteer, TagError> {
        let mut b = Builder::default();
        let mut aliases: Vec<(String, u32)> = Vec::new();
        // Other spellings of mid-sized cities ("Mysore", "Calicut"): they resolve a
        // name the model found, but are too noisy to find names with.
        let mut quiet_aliases: Vec<(String, u32)> = Vec::new();
        let places_text = gunzip("places", places_gz)?;
        for line in places_text.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 9 {
                return Err(corrupt("places", format!("short row: {line}")));
            }
            let kind = match f[0] {
                "C" => PlaceKind::Country,
                "S" => PlaceKind::State,
                "A" => PlaceKind::Province,
                "K" => PlaceKind::Continent,
                "T" | "P" => PlaceKind::City,
                "W" => PlaceKind::Town,
                "D" => PlaceKind::County,
                other => return Err(corrupt("places", format!("unknown kind {other}"))),
            };
            let idx = b.push(Place {
                kind,
                geonames_id: f[1].parse().ok(),
                name: f[2].to_string(),
                country: f[3].to_string(),
                admin1: f[4].to_string(),
                lat: f[5].parse().ok(),
                lon: f[6].parse().ok(),
                population: f[7].parse().unwrap_or(0),
                capital: f[0] == "P",
            });
            for a in f[8].split('|').filter(|a| !a.is_empty()) {
                match a.strip_prefix('~') {
                    Some(quiet) => quiet_aliases.push((quiet.to_string(), idx)),
                    None => aliases.push((a.to_string(), idx)),
                }
            }
        }
        // GeoNames' alternate names, before the forms written out below.
        let listed_aliases = aliases.len();
        let countries: HashMap<String, u32> = b
            .places
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PlaceKind::Country)
            .map(|(i, p)| (p.country.clone(), i as u32))
            .collect();
        let mut demonyms: Vec<(String, u32)> = Vec::new();
        for line in gunzip("country names", country_names_gz)?.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 5 {
                return Err(corrupt("country names", format!("short row: {line}")));
            }
            let Some(&ci) = countries.get(f[0]) else {
                continue;
            };
            for name in f[1].split('|').filter(|a| !a.is_empty()) {
                aliases.push((name.to_string(), ci));
            }
            for d in f[2].split('|').filter(|a| !a.is_empty()) {
                demonyms.push((d.to_string(), ci));
            }
            // A representative point of the country beats the capital's coordinates.
            if let (Ok(lat), Ok(lon)) = (f[3].parse(), f[4].parse()) {
                let c = &mut b.places[ci as usize];
                c.lat = Some(lat);
                c.lon = Some(lon);
            }
        }
        for (code, demonym) in DEMONYM_VARIANTS {
            if let Some(&ci) = countries.get(*code) {
                demonyms.push((demonym.to_string(), ci));
            }
        }
        for (code, name) in COUNTRY_ALIASES {
            if let Some(&ci) = countries.get(*code) {
                aliases.push((name.to_string(), ci));
            }
        }
        let regions = REGIONS.iter().map(|r| (r, PlaceKind::Region));
        let features = FEATURES.iter().map(|f| (f, PlaceKind::Feature));
        for ((name, country, point), kind) in regions.chain(features) {
            let idx = b.push(Place {
                kind,
                geonames_id: None,
                name: name.to_string(),
                country: country.to_string(),
                admin1: String::new(),
                lat: point.map(|p| p.0),
                lon: point.map(|p| p.1),
                population: 0,
                capital: false,
            });
            aliases.push((name.to_string(), idx));
        }

        // Names of places, then the other ways of writing them.
        let mut city_by_name: HashMap<(String, String), u32> = HashMap::new();
        for i in 0..b.places.len() {
            let p = &b.places[i];
            let name = p.name.clone();
            match p.kind {
                PlaceKind::City | PlaceKind::Town => {
                    city_by_name
                        .entry((name.clone(), p.country.clone()))
                        .or_insert(i as u32);
                    // "Mexico City" is a GeoNames name; "Quito City" is not, but is
                    // written.
                    if p.population >= 100_000 && !name.ends_with(" City") {
                        aliases.push((format!("{name} City"), i as u32));
                    }
                }
                PlaceKind::Province | PlaceKind::State => {
                    for w in DIVISION_WORDS {
                        if let Some(short) = name.strip_suffix(&format!(" {w}")) {
                            aliases.push((short.to_string(), i as u32));
                        }
                    }
                    let word = if p.kind == PlaceKind::State {
                        "State"
                    } else {
                        "Province"
                    };
                    aliases.push((format!("{name} {word}"), i as u32));
                    aliases.push((format!("{name} {}", word.to_lowercase()), i as u32));
                }
                _ => {}
            }
            // "St. Louis", "St. Tammany Parish", "Ste. Genevieve County",
            // "St. Lucia": a saint's name shortened, as it is mostly written.
            if matches!(
                p.kind,
                PlaceKind::City | PlaceKind::Town | PlaceKind::County | PlaceKind::Country
            ) {
                for (saint, short) in [("Saint ", "St"), ("Sainte ", "Ste")] {
                    if let Some(rest) = name.strip_prefix(saint) {
                        aliases.push((format!("{short}. {rest}"), i as u32));
                        aliases.push((format!("{short} {rest}"), i as u32));
                    }
                }
            }
            if !(p.kind == PlaceKind::Province && GENERIC_DIVISIONS.contains(&name.as_str())) {
                b.add_place(&name, i as u32);
            }
        }
        for (written, name, country) in CITY_ALIASES {
            if let Some(&i) = city_by_name.get(&(name.to_string(), country.to_string())) {
                aliases.push((written.to_string(), i));
            }
        }
        for (a, idx) in &aliases {
            if !GENERIC_DIVISIONS.contains(&a.as_str()) {
                b.add_place(a, *idx);
            }
        }
        for (a, idx) in &quiet_aliases {
            // A county of the name does not keep a city's other name out
            // ("Mysore" is a district of Mysuru's name too).
            let taken = b.by_name.get(a.as_str()).is_some_and(|&e| {
                b.entries[e as usize]
                    .places
                    .iter()
                    .any(|&p| b.places[p as usize].kind != PlaceKind::County)
            });
            if taken {
                continue;
            }
            b.add_place(a, *idx);
            if let Some(&e) = b.by_name.get(a.as_str()) {
                b.entries[e as usize].quiet = true;
            }
        }
        mark_other_names(&mut b, &aliases, listed_aliases, &quiet_aliases);
        for (d, ci) in &demonyms {
            let old = b.entry(d).demonym_of;
            let pop = |i: u32| b.places[i as usize].population;
            let (new, old) = (pop(*ci), old.map(pop));
            // "French" is France's demonym before the French Southern Territories'.
            if old.is_none_or(|old| old < new) {
                b.entry(d).demonym_of = Some(*ci);
            }
        }
        for (d, place) in REGION_DEMONYMS {
            let target = b.by_name.get(*place).and_then(|&e| {
                b.entries[e as usize].places.iter().copied().find(|&pi| {
                    matches!(
                        b.places[pi as usize].kind,
                        PlaceKind::Continent | PlaceKind::Region
                    )
                })
            });
            if let Some(t) = target {
                b.entry(d).demonym_of.get_or_insert(t);
            }
        }
        for (name, canonical) in KNOWN_ORGS {
            b.entry(name).org = Some(canonical);
        }
        for name in CELESTIAL {
            b.entry(name).kinds |= 1 << kind::CELESTIAL;
        }
        for (k, name, docs) in lexicon {
            let e = b.entry(&name);
            e.kinds |= 1 << k;
            e.seen_in.extend(docs.into_iter().map(|d| (k, d)));
        }

        let Builder {
            places,
            mut entries,
            by_name,
        } = b;
        for e in entries.iter_mut().filter(|e| !e.quiet) {
            let mut kinds = e.kinds;
            for &pi in &e.places {
                let p = &places[pi as usize];
                let k = match p.kind {
                    PlaceKind::Country => kind::COUNTRY,
                    PlaceKind::State | PlaceKind::Province => kind::STATE,
                    PlaceKind::Continent => kind::CONTINENT,
                    PlaceKind::Region => kind::REGION,
                    PlaceKind::City if p.population >= 1_000_000 => kind::CITY_LARGE,
                    PlaceKind::City if p.population >= 100_000 => kind::CITY_MEDIUM,
                    PlaceKind::City => kind::CITY_SMALL,
                    PlaceKind::Feature => kind::FEATURE,
                    PlaceKind::Town | PlaceKind::County => continue,
                };
                kinds |= 1 << k;
                if p.capital {
                    kinds |= 1 << kind::CAPITAL;
                }
            }
            if e.demonym_of.is_some() {
                kinds |= 1 << kind::DEMONYM;
            }
            if e.org.is_some() {
                kinds |= 1 << kind::ORG;
            }
            e.kinds = kinds;
        }
        // Only names with a kind are found in text; towns are for resolving.
        let mut first_token: FxHashMap<Box<str>, u8> = FxHashMap::default();
        for (name, &e) in &by_name {
            if entries[e as usize].kinds == 0 {
                continue;
            }
            let toks = token::tokenize(name);
            let (Some(first), n) = (toks.first(), toks.len()) else {
                continue;
            };
            let n = n.min(u8::MAX as usize) as u8;
            let slot = first_token.entry(first.text(name).into()).or_insert(0);
            *slot = (*slot).max(n);
        }
        Ok(Gazetteer {
            places,
            entries,
            by_name,
            first_token,
            countries,
        })
    }

    /// The country of an ISO code ("IQ": Iraq).
    pub fn country(&self, code: &str) -> Option<&Place> {
        self.countries.get(code).map(|&i| &self.places[i as usize])
    }

    /// The name entry for exactly this surface form (or its ASCII folding), if any.
    pub fn lookup(&self, name: &str) -> Option<&NameEntry> {
        self.by_name
            .get(name)
            .or_else(|| match fold_ascii(name) {
                // Folding changed nothing: the name was looked up as it is.
                Cow::Borrowed(_) => None,
                Cow::Owned(folded) => self.by_name.get(folded.as_str()),
            })
            .map(|&i| &self.entries[i as usize])
    }

    pub fn entry(&self, i: u32) -> &NameEntry {
        &self.entries[i as usize]
    }

    /// Marks every token covered by a gazetteer name, longest match first from the
    /// left. A name never spans a line break. `leave_out`: a training document whose
    /// own lexicon names must not count. `texts` numbers the tokens by their
    /// text and gives each number's first token (see `DocView::text_id`), so
    /// that each text is looked up once.
    pub fn mark_tokens(
        &self,
        text: &str,
        tokens: &[Token],
        texts: (&[u32], &[usize]),
        leave_out: Option<u32>,
    ) -> Vec<GazMark> {
        let (text_ids, text_firsts) = texts;
        let most_tokens: Vec<Option<u8>> = text_firsts
            .iter()
            .map(|&i| self.first_token.get(tokens[i].text(text)).copied())
            .collect();
        let mut marks = vec![GazMark::default(); tokens.len()];
        let mut i = 0;
        while i < tokens.len() {
            let Some(most) = most_tokens[text_ids[i] as usize] else {
                i += 1;
                continue;
            };
            let mut longest = (most as usize).min(tokens.len() - i);
            if let Some(k) = (i + 1..i + longest).find(|&k| tokens[k].newline_before) {
                longest = k - i;
            }
            let found = (1..=longest).rev().find_map(|n| {
                let name = &text[tokens[i].start..tokens[i + n - 1].end];
                let &e = self.by_name.get(name)?;
                let mut kinds = self.entries[e as usize].kinds;
                if let Some(doc) = leave_out {
                    kinds &= !self.only_seen_in(e, doc);
                }
                // A feature of several words ("Lake Michigan") would take
                // the marks of the names inside it ("Michigan", a state)
                // from the model: those stay, and the words the model reads
                // stay the same.
                let feature_only = kinds == 1 << kind::FEATURE;
                (kinds != 0 && !(feature_only && n > 1)).then_some((n, e, kinds))
            });
            let Some((n, entry, kinds)) = found else {
                i += 1;
                continue;
            };
            for (j, mark) in marks[i..i + n].iter_mut().enumerate() {
                let pos = if n == 1 {
                    1
                } else if j == 0 {
                    2
                } else {
                    3
                };
                *mark = GazMark { kinds, pos, entry };
            }
            i += n;
        }
        marks
    }

    /// Lexicon kind bits of entry `e` that come from training document `doc` alone.
    fn only_seen_in(&self, e: u32, doc: u32) -> u16 {
        let seen = &self.entries[e as usize].seen_in;
        let mut bits = 0u16;
        for &(k, _) in seen {
            if seen
                .iter()
                .filter(|(k2, _)| *k2 == k)
                .all(|(_, d)| *d == doc)
            {
                bits |= 1 << k;
            }
        }
        bits
    }
}

/// The lines of a source file, gunzipped when its name ends in `.gz`.
fn read_file(path: &Path) -> Result<Vec<String>, TagError> {
    let io = |e: std::io::Error| TagError::Io {
        what: path.display().to_string(),
        source: e,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    BufReader::new(reader)
        .lines()
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)
}

/// The towns of one admin-1 code of the cities files: their points, and
/// the people of those of them with 15,000+.
#[derive(Default)]
struct DivisionTowns {
    lats: Vec<f64>,
    lons: Vec<f64>,
    population: u64,
}

/// The people of each first-level division of `admin1` (its rows, header
/// first), by row. The division files name divisions but give no admin-1
/// code, and the cities files give the code but no name: each code's towns
/// go to the division of their country whose point (the median of its
/// places) lies nearest the median of theirs, so that "Ontario" counts the
/// people of Toronto and Ottawa rather than a guess from how many places it
/// has.
fn division_populations(
    admin1: &[String],
    divisions: HashMap<(String, String), DivisionTowns>,
) -> HashMap<usize, u64> {
    let mut points: HashMap<&str, Vec<(usize, f64, f64)>> = HashMap::new();
    for (row, line) in admin1.iter().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() >= 4
            && let (Ok(lat), Ok(lon)) = (f[2].parse::<f64>(), f[3].parse::<f64>())
        {
            points.entry(f[0]).or_default().push((row, lat, lon));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut out: HashMap<usize, u64> = HashMap::new();
    for ((country, _), mut towns) in divisions {
        let Some(candidates) = points.get(country.as_str()) else {
            continue;
        };
        let (lat, lon) = (median(&mut towns.lats), median(&mut towns.lons));
        let squeeze = lat.to_radians().cos();
        let distance = |(_, a, b): &(usize, f64, f64)| {
            let dx = (b - lon) * squeeze;
            let dy = a - lat;
            dx * dx + dy * dy
        };
        if let Some(nearest) = candidates
            .iter()
            .min_by(|x, y| distance(x).total_cmp(&distance(y)))
        {
            *out.entry(nearest.0).or_default() += towns.population;
        }
    }
    out
}

/// Builds the compact gazetteer files from `shared/data/gazetteer` and the
/// second-level divisions at `admin2` (`sources/admin2.tsv.gz`): returns
/// (places.tsv.gz, country_names.tsv.gz) bytes.
pub(crate) fn build_files(src: &Path, admin2: &Path) -> Result<(Vec<u8>, Vec<u8>), TagError> {
    let read = |name: &str| read_file(&src.join(name));
    let mut out =
        String::from("kind\tgeonameid\tname\tcountry\tadmin1\tlat\tlon\tpopulation\taliases\n");
    let mut capitals: HashMap<String, String> = HashMap::new();
    let mut capital_names: HashMap<String, String> = HashMap::new();
    for line in read("countries.tsv")?.iter().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 17 {
            continue;
        }
        capitals.insert(f[6].to_string(), f[0].to_string());
        capital_names.insert(f[0].to_string(), f[5].to_string());
        // "The Netherlands" is GeoNames' name; a GEO list or a map label
        // says "Netherlands", as it says "Gambia" and "Bahamas".
        let (name, written) = match f[4].strip_prefix("The ") {
            Some(name) => (name, f[4]),
            None => (f[4], ""),
        };
        out.push_str(&format!(
            "C\t{}\t{name}\t{}\t\t{}\t{}\t{}\t{written}\n",
            f[16], f[0], f[7], f[8], f[10]
        ));
    }
    for line in read("continents.tsv")?.iter().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 10 {
            continue;
        }
        out.push_str(&format!(
            "K\t{}\t{}\t\t\t{}\t{}\t{}\t\n",
            f[9], f[1], f[2], f[3], f[8]
        ));
    }
    // Cities of 15,000+ people are found in text; towns of 5,000+ only resolve names.
    let big_rows = read("cities15000.tsv.gz")?;
    let big: HashSet<String> = big_rows
        .iter()
        .skip(1)
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .collect();
    // The capital is the city of the capital's name where the country has one:
    // the file's capital id was looked up by name, and for India's "New Delhi"
    // it found Delhi, which lists New Delhi among its other names.
    let named_like_capital = |f: &[&str]| capital_names.get(f[4]).is_some_and(|name| name == f[1]);
    let named_capitals: HashSet<&str> = big_rows
        .iter()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() > 4 && named_like_capital(&f)).then(|| f[4])
        })
        .collect();
    let is_capital = |f: &[&str]| match named_capitals.contains(f[4]) {
        true => named_like_capital(f),
        false => capitals.contains_key(f[0]),
    };
    let mut state_pop: HashMap<String, u64> = HashMap::new();
    // Other countries' divisions: the people of their cities of 15,000+
    // and where their towns of 5,000+ lie, by the cities files' admin-1
    // code, which admin1.tsv (by name) does not carry; see below.
    let mut divisions: HashMap<(String, String), DivisionTowns> = HashMap::new();
    let mut city_rows = String::new();
    for line in read("cities5000.tsv.gz")?.iter().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 9 {
            continue;
        }
        let pop: u64 = f[6].parse().unwrap_or(0);
        let kind = if !big.contains(f[0]) {
            "W"
        } else if is_capital(&f) {
            "P"
        } else {
            "T"
        };
        if f[4] == "US" && kind != "W" {
            *state_pop.entry(f[5].to_string()).or_default() += pop;
        } else if f[4] != "US"
            && !f[5].is_empty()
            && let (Ok(lat), Ok(lon)) = (f[2].parse::<f64>(), f[3].parse::<f64>())
        {
            let d = divisions
                .entry((f[4].to_string(), f[5].to_string()))
                .or_default();
            d.lats.push(lat);
            d.lons.push(lon);
            if kind != "W" {
                d.population += pop;
            }
        }
        // Alternate names are noisy: the ASCII ones of big cities (exonyms such as
        // "Peking", "Bombay") are found in text; those of mid-sized cities ("Mysore")
        // only resolve a name (marked `~`); small towns get none.
        let plain = |a: &&str| {
            (a.len() >= 4 && a.is_ascii() && !a.contains(' ')
                || a.contains(' ') && a.is_ascii() && a.len() >= 6)
                && !a.ends_with(" City")
                && !a.ends_with(" Shi")
        };
        let mut aliases: Vec<String> = if pop >= 1_000_000 {
            f[8].split('|').filter(plain).map(str::to_string).collect()
        } else if pop >= 100_000 {
            f[8].split('|')
                .filter(plain)
                .filter(|a| !a.contains(' '))
                .map(|a| format!("~{a}"))
                .collect()
        } else {
            Vec::new()
        };
        // "Frankfurt am Main", "Halle (Saale)": written without the river.
        for sep in [" am ", " an der ", " im ", " (", " upon ", " on "] {
            if let Some((short, _)) = f[1].split_once(sep)
                && pop >= 50_000
                && short.len() >= 4
            {
                aliases.push(short.to_string());
            }
        }
        city_rows.push_str(&format!(
            "{kind}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            f[0],
            f[1],
            f[4],
            f[5],
            f[2],
            f[3],
            f[6],
            aliases.join("|")
        ));
    }
    let mut us_states: HashMap<String, (String, String)> = HashMap::new();
    for line in read("us_states.tsv")?.iter().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() >= 4 {
            us_states.insert(f[1].to_string(), (f[0].to_string(), f[3].to_string()));
        }
    }
    let admin1_rows = read("admin1.tsv")?;
    let division_pop = division_populations(&admin1_rows, divisions);
    for (row, line) in admin1_rows.iter().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 7 {
            continue;
        }
        let (country, name, lat, lon, cities) = (f[0], f[1], f[2], f[3], f[4]);
        if country == "US" {
            let Some((postal, geonameid)) = us_states.get(name) else {
                continue;
            };
            let pop = state_pop.get(postal).copied().unwrap_or(0);
            out.push_str(&format!(
                "S\t{geonameid}\t{name}\tUS\t{postal}\t{lat}\t{lon}\t{pop}\t\n"
            ));
        } else {
            // The people of its cities, or at the least 5,000 for each of
            // its places of 1,000+ people (all that stands in for a
            // division whose towns are all small or were matched elsewhere).
            let at_least = cities.parse::<u64>().unwrap_or(0) * 5_000;
            let pop = division_pop.get(&row).copied().unwrap_or(0).max(at_least);
            out.push_str(&format!(
                "A\t\t{name}\t{country}\t\t{lat}\t{lon}\t{pop}\t\n"
            ));
        }
    }
    // Second-level divisions: no population in the file, so the number of
    // its places of 1,000+ people stands in, at the least it could be. A
    // US county carries its state's postal code, as a US city does.
    let postal: HashMap<&str, &str> = us_states
        .iter()
        .map(|(name, (postal, _))| (name.as_str(), postal.as_str()))
        .collect();
    for line in read_file(admin2)?.iter().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 6 {
            continue;
        }
        let (country, admin1, name, lat, lon, places) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        let state = match country {
            "US" => postal.get(admin1).copied().unwrap_or_default(),
            _ => "",
        };
        let pop = places.parse::<u64>().unwrap_or(0) * 1_000;
        // "Province of Iloilo", "Provincia di Cosenza" are "Iloilo" and
        // "Cosenza" in English news, and written so.
        let (name, long) = match [
            "Province of ",
            "Provincia di ",
            "Provincia de ",
            "Provincia del ",
        ]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        {
            Some(short) => (short, name),
            None => (name, ""),
        };
        // Ireland's counties are "County Mayo" in English news, whatever
        // name GeoNames gives them ("Maigh Eo", "Kildare").
        let county;
        let (name, long) = match irish_county(country, name) {
            Some(short) => {
                county = format!("County {short}");
                (county.as_str(), format!("~{short}"))
            }
            None => (name, long.to_string()),
        };
        // Two- and three-letter names ("Al", "Ain") are words of other names
        // far more often than these divisions.
        if name.chars().filter(|c| c.is_alphabetic()).count() < 4 {
            continue;
        }
        out.push_str(&format!(
            "D\t\t{name}\t{country}\t{state}\t{lat}\t{lon}\t{pop}\t{long}\n"
        ));
    }
    out.push_str(&city_rows);

    let mut names = String::from("iso2\tnames\tdemonyms\tlat\tlon\n");
    for line in read("country_names_mledoze.tsv")?.iter().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 10 {
            continue;
        }
        let mut variants: Vec<&str> = vec![f[2], f[3]];
        variants.extend(f[4].split('|').filter(|a| {
            a.chars().count() >= 3 && a.chars().next().is_some_and(char::is_uppercase)
        }));
        variants.dedup();
        let mut dems: Vec<String> = Vec::new();
        for d in [f[5], f[6]] {
            if d.is_empty() || dems.iter().any(|x| x == d) {
                continue;
            }
            dems.push(d.to_string());
            // The plural names the people: "Russians", "Americans".
            if !(d.ends_with('s') || d.ends_with("sh") || d.ends_with("ch") || d.ends_with("ese")) {
                dems.push(format!("{d}s"));
            }
        }
        names.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            f[0],
            variants.join("|"),
            dems.join("|"),
            f[8],
            f[9]
        ));
    }
    Ok((gzip(&out)?, gzip(&names)?))
}

/// Gzips a data file the way every shipped file is compressed.
pub(crate) fn gzip(s: &str) -> Result<Vec<u8>, TagError> {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(s.as_bytes())
        .and_then(|_| enc.finish())
        .map_err(|e| TagError::Io {
            what: "gzip".into(),
            source: e,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_words_joined_by_hyphens() {
        assert_eq!(slug("Côte d'Ivoire"), "cote-d-ivoire");
        assert_eq!(slug("  United  Nations "), "united-nations");
        assert_eq!(slug("Nukuʻalofa"), slug("Nuku‘alofa"));
    }

    #[test]
    fn title_case_rewrites_all_caps_datelines() {
        assert_eq!(title_case("NEW YORK"), "New York");
        assert_eq!(title_case("ST. LOUIS"), "St. Louis");
        assert_eq!(title_case("VALPARAÍSO"), "Valparaíso");
        assert_eq!(title_case("GUINEA-BISSAU"), "Guinea-Bissau");
    }
}
