//! Place names, demonyms and well-known organisations: matching them in text with one
//! Aho-Corasick automaton, and resolving a place name to one gazetteer entry.
//!
//! The shipped gazetteer is two gzipped TSV files built by the trainer
//! (`examples/train.rs`) from `shared/data/gazetteer`: `places.tsv.gz` (GeoNames:
//! countries, US states, continents, cities of 15,000+ people) and
//! `country_names.tsv.gz` (mledoze/countries: country name variants, demonyms and a
//! representative point; ODbL, so it is kept in a file of its own).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};
use flate2::read::GzDecoder;

use crate::error::TagError;
use crate::token::Token;

/// Kinds of gazetteer name, used both as features and to resolve places.
pub(crate) mod kind {
    pub const COUNTRY: u8 = 0;
    pub const STATE: u8 = 1;
    pub const CONTINENT: u8 = 2;
    pub const REGION: u8 = 3;
    pub const CITY_LARGE: u8 = 4;
    pub const CITY_MEDIUM: u8 = 5;
    pub const CITY_SMALL: u8 = 6;
    pub const DEMONYM: u8 = 7;
    pub const ORG: u8 = 8;
    pub const CAPITAL: u8 = 9;
}

/// What sort of place an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlaceKind {
    Country,
    State,
    Continent,
    Region,
    City,
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

/// What a matched name can stand for.
#[derive(Debug, Default, Clone)]
pub(crate) struct NameEntry {
    /// Candidate places, as indexes into [`Gazetteer::places`].
    pub places: Vec<u32>,
    /// The country (an index into places) this demonym names.
    pub demonym_of: Option<u32>,
    /// Canonical name of a well-known organisation.
    pub org: Option<&'static str>,
    kinds: u16,
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
    pub fn kinds(&self) -> impl Iterator<Item = u8> + '_ {
        (0..16u8).filter(|k| self.kinds & (1 << k) != 0)
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
}

/// Well-known organisations: (name as written, canonical name). Acronyms map to their
/// expansion so that "the UN" and "the United Nations" are one organisation.
pub(crate) const KNOWN_ORGS: &[(&str, &str)] = &[
    ("UN", "United Nations"),
    ("U.N.", "United Nations"),
    ("United Nations", "United Nations"),
    ("NATO", "North Atlantic Treaty Organization"),
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
    ("IMF", "International Monetary Fund"),
    ("International Monetary Fund", "International Monetary Fund"),
    ("World Bank", "World Bank"),
    ("WTO", "World Trade Organization"),
    ("World Trade Organization", "World Trade Organization"),
    ("OPEC", "Organization of the Petroleum Exporting Countries"),
    ("ASEAN", "Association of Southeast Asian Nations"),
    ("African Union", "African Union"),
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
    ("FBI", "Federal Bureau of Investigation"),
    ("CIA", "Central Intelligence Agency"),
    ("NSA", "National Security Agency"),
    ("NASA", "NASA"),
    ("ESA", "European Space Agency"),
    ("FIFA", "FIFA"),
    ("IOC", "International Olympic Committee"),
    ("BBC", "BBC"),
    ("CNN", "CNN"),
    ("Associated Press", "Associated Press"),
    ("AFP", "Agence France-Presse"),
    ("Reuters", "Reuters"),
    ("EPA", "Environmental Protection Agency"),
    ("FDA", "Food and Drug Administration"),
    ("CDC", "Centers for Disease Control and Prevention"),
    ("SEC", "Securities and Exchange Commission"),
    ("Federal Reserve", "Federal Reserve"),
    ("ECB", "European Central Bank"),
    ("European Central Bank", "European Central Bank"),
    ("European Commission", "European Commission"),
    ("European Parliament", "European Parliament"),
    ("Hamas", "Hamas"),
    ("Hezbollah", "Hezbollah"),
    ("Taliban", "Taliban"),
    ("al-Qaeda", "al-Qaeda"),
    ("Al-Qaeda", "al-Qaeda"),
    ("Islamic State", "Islamic State"),
    ("ISIS", "Islamic State"),
    ("ISIL", "Islamic State"),
    ("Red Cross", "Red Cross"),
    ("Amnesty International", "Amnesty International"),
    ("Human Rights Watch", "Human Rights Watch"),
    ("Greenpeace", "Greenpeace"),
    ("Pentagon", "Pentagon"),
    ("Kremlin", "Kremlin"),
    ("White House", "White House"),
    ("Wikinews", "Wikinews"),
    ("Wikipedia", "Wikipedia"),
    ("Google", "Google"),
    ("Apple", "Apple"),
    ("Microsoft", "Microsoft"),
    ("Amazon", "Amazon"),
    ("Facebook", "Facebook"),
    ("Twitter", "Twitter"),
    ("Airbus", "Airbus"),
    ("Boeing", "Boeing"),
    ("General Motors", "General Motors"),
    ("GM", "General Motors"),
    ("Toyota", "Toyota"),
    ("Congress", "Congress"),
    ("Senate", "Senate"),
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
];

/// Regions that are not countries, states or cities: (name, ISO country or "").
const REGIONS: &[(&str, &str)] = &[
    ("Middle East", ""),
    ("West Bank", "PS"),
    ("Gaza Strip", "PS"),
    ("Balkans", ""),
    ("Caucasus", ""),
    ("Kashmir", ""),
    ("Crimea", "UA"),
    ("Donbas", "UA"),
    ("Darfur", "SD"),
    ("Siberia", "RU"),
    ("Scandinavia", ""),
    ("Latin America", ""),
    ("Central America", ""),
    ("Western Europe", ""),
    ("Eastern Europe", ""),
    ("Southeast Asia", ""),
    ("Central Asia", ""),
    ("East Asia", ""),
    ("South Asia", ""),
    ("Sub-Saharan Africa", ""),
    ("North Africa", ""),
    ("West Africa", ""),
    ("East Africa", ""),
    ("Persian Gulf", ""),
    ("Sahel", ""),
    ("Horn of Africa", ""),
    ("Arctic", ""),
    ("Antarctic", ""),
    ("Pacific", ""),
    ("Atlantic", ""),
    ("Mediterranean", ""),
    ("Caribbean", ""),
    ("England", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("Northern Ireland", "GB"),
    ("Tibet", "CN"),
    ("Kurdistan", ""),
    ("Catalonia", "ES"),
    ("Quebec", "CA"),
    ("Ontario", "CA"),
    ("British Columbia", "CA"),
    ("Alberta", "CA"),
    ("Bavaria", "DE"),
    ("Silicon Valley", "US"),
    ("Midwest", "US"),
    ("New England", "US"),
    ("Sinai", "EG"),
    ("Golan Heights", ""),
    ("Patagonia", ""),
    ("Amazon basin", ""),
    ("Himalayas", ""),
    ("Alps", ""),
    ("Punjab", ""),
    ("Bengal", ""),
    ("Hokkaido", "JP"),
    ("Okinawa", "JP"),
    ("Tasmania", "AU"),
    ("Queensland", "AU"),
    ("New South Wales", "AU"),
    ("Victoria", "AU"),
    ("Sicily", "IT"),
    ("Sardinia", "IT"),
    ("Corsica", "FR"),
    ("Normandy", "FR"),
    ("Brittany", "FR"),
    ("Flanders", "BE"),
    ("Wallonia", "BE"),
    ("Andalusia", "ES"),
    ("Galicia", ""),
    ("Lombardy", "IT"),
    ("Tuscany", "IT"),
    ("Xinjiang", "CN"),
    ("Guangdong", "CN"),
    ("Sichuan", "CN"),
];

/// Extra ways of writing a country that the name lists lack: (ISO code, name).
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("US", "U.S."),
    ("US", "U.S.A."),
    ("US", "America"),
    ("US", "United States"),
    ("GB", "Britain"),
    ("GB", "U.K."),
    ("GB", "UK"),
    ("NL", "Holland"),
    ("MM", "Burma"),
    ("CI", "Ivory Coast"),
    ("CZ", "Czech Republic"),
    ("TR", "Turkey"),
    ("KR", "South Korea"),
    ("KP", "North Korea"),
    ("CD", "DR Congo"),
    ("CD", "DRC"),
    ("AE", "UAE"),
    ("VA", "Vatican"),
    ("PS", "Palestine"),
    ("SZ", "Swaziland"),
    ("MK", "Macedonia"),
    ("CV", "Cape Verde"),
];

/// The place gazetteer with its matching automaton.
pub(crate) struct Gazetteer {
    pub places: Vec<Place>,
    entries: Vec<NameEntry>,
    by_name: HashMap<String, u32>,
    automaton: AhoCorasick,
}

fn corrupt(what: &'static str, reason: impl Into<String>) -> TagError {
    TagError::Corrupt {
        what,
        reason: reason.into(),
    }
}

fn gunzip_lines(what: &'static str, gz: &[u8]) -> Result<Vec<String>, TagError> {
    let mut text = String::new();
    GzDecoder::new(gz)
        .read_to_string(&mut text)
        .map_err(|e| corrupt(what, e.to_string()))?;
    Ok(text.lines().map(str::to_string).collect())
}

/// Replaces the accented Latin letters common in place names by plain ASCII ones.
pub(crate) fn fold_ascii(s: &str) -> String {
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
            other => other,
        })
        .collect()
}

impl Gazetteer {
    /// Loads the two shipped gazetteer files (both gzipped TSV).
    pub fn from_gz(places_gz: &[u8], country_names_gz: &[u8]) -> Result<Gazetteer, TagError> {
        let mut places = Vec::new();
        let mut aliases: Vec<(String, u32)> = Vec::new();
        for line in gunzip_lines("places", places_gz)?.iter().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 9 {
                return Err(corrupt("places", format!("short row: {line}")));
            }
            let kind = match f[0] {
                "C" => PlaceKind::Country,
                "S" => PlaceKind::State,
                "K" => PlaceKind::Continent,
                "T" | "P" => PlaceKind::City,
                other => return Err(corrupt("places", format!("unknown kind {other}"))),
            };
            let idx = places.len() as u32;
            places.push(Place {
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
                aliases.push((a.to_string(), idx));
            }
        }
        let mut countries: HashMap<String, u32> = HashMap::new();
        for (i, p) in places.iter().enumerate() {
            if p.kind == PlaceKind::Country {
                countries.insert(p.country.clone(), i as u32);
            }
        }
        let mut demonyms: Vec<(String, u32)> = Vec::new();
        for line in gunzip_lines("country names", country_names_gz)?
            .iter()
            .skip(1)
        {
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
                let c = &mut places[ci as usize];
                c.lat = Some(lat);
                c.lon = Some(lon);
            }
        }
        for (code, name) in COUNTRY_ALIASES {
            if let Some(&ci) = countries.get(*code) {
                aliases.push((name.to_string(), ci));
            }
        }
        for (name, country) in REGIONS {
            let idx = places.len() as u32;
            places.push(Place {
                kind: PlaceKind::Region,
                geonames_id: None,
                name: name.to_string(),
                country: country.to_string(),
                admin1: String::new(),
                lat: None,
                lon: None,
                population: 0,
                capital: false,
            });
            aliases.push((name.to_string(), idx));
        }

        let mut entries: Vec<NameEntry> = Vec::new();
        let mut by_name: HashMap<String, u32> = HashMap::new();
        let mut entry_for = |name: &str, entries: &mut Vec<NameEntry>| -> u32 {
            *by_name.entry(name.to_string()).or_insert_with(|| {
                entries.push(NameEntry::default());
                (entries.len() - 1) as u32
            })
        };
        let mut add_place = |name: &str, idx: u32, entries: &mut Vec<NameEntry>| {
            if name.chars().count() < 2 {
                return;
            }
            let e = entry_for(name, entries);
            let entry = &mut entries[e as usize];
            if !entry.places.contains(&idx) {
                entry.places.push(idx);
            }
        };
        for (i, p) in places.iter().enumerate() {
            add_place(&p.name.clone(), i as u32, &mut entries);
            let folded = fold_ascii(&p.name);
            if folded != p.name {
                add_place(&folded, i as u32, &mut entries);
            }
        }
        for (a, idx) in &aliases {
            add_place(a, *idx, &mut entries);
        }
        for (d, ci) in &demonyms {
            let e = entry_for(d, &mut entries);
            // "French" is France's demonym before the French Southern Territories'.
            let slot = &mut entries[e as usize].demonym_of;
            if slot
                .is_none_or(|old| places[old as usize].population < places[*ci as usize].population)
            {
                *slot = Some(*ci);
            }
        }
        for (name, canonical) in KNOWN_ORGS {
            let e = entry_for(name, &mut entries);
            entries[e as usize].org = Some(canonical);
        }
        for e in entries.iter_mut() {
            let mut kinds = 0u16;
            for &pi in &e.places {
                let p = &places[pi as usize];
                let k = match p.kind {
                    PlaceKind::Country => kind::COUNTRY,
                    PlaceKind::State => kind::STATE,
                    PlaceKind::Continent => kind::CONTINENT,
                    PlaceKind::Region => kind::REGION,
                    PlaceKind::City if p.population >= 1_000_000 => kind::CITY_LARGE,
                    PlaceKind::City if p.population >= 100_000 => kind::CITY_MEDIUM,
                    PlaceKind::City => kind::CITY_SMALL,
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
        let mut patterns: Vec<(&str, u32)> =
            by_name.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        patterns.sort_by_key(|p| p.1);
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns.iter().map(|p| p.0))
            .map_err(|e| corrupt("gazetteer automaton", e.to_string()))?;
        Ok(Gazetteer {
            places,
            entries,
            by_name,
            automaton,
        })
    }

    /// The name entry for exactly this surface form, if any.
    pub fn lookup(&self, name: &str) -> Option<&NameEntry> {
        self.by_name
            .get(name)
            .or_else(|| self.by_name.get(&fold_ascii(name)))
            .map(|&i| &self.entries[i as usize])
    }

    pub fn entry(&self, i: u32) -> &NameEntry {
        &self.entries[i as usize]
    }

    /// Marks every token covered by a gazetteer name that starts and ends on token
    /// boundaries.
    pub fn mark_tokens(&self, text: &str, tokens: &[Token]) -> Vec<GazMark> {
        let mut marks = vec![GazMark::default(); tokens.len()];
        for m in self.automaton.find_iter(text) {
            let Ok(first) = tokens.binary_search_by_key(&m.start(), |t| t.start) else {
                continue;
            };
            let Ok(last) = tokens.binary_search_by_key(&m.end(), |t| t.end) else {
                continue;
            };
            if last < first {
                continue;
            }
            let entry = m.pattern().as_u32();
            let kinds = self.entries[entry as usize].kinds;
            for (j, mark) in marks[first..=last].iter_mut().enumerate() {
                let pos = if first == last {
                    1
                } else if j == 0 {
                    2
                } else {
                    3
                };
                *mark = GazMark { kinds, pos, entry };
            }
        }
        marks
    }
}

/// Builds the two compact gazetteer files from `shared/data/gazetteer`: returns
/// (places.tsv.gz, country_names.tsv.gz) bytes.
pub(crate) fn build_files(src: &Path) -> Result<(Vec<u8>, Vec<u8>), TagError> {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    let read = |name: &str| -> Result<Vec<String>, TagError> {
        let path = src.join(name);
        let file = std::fs::File::open(&path).map_err(|e| TagError::Io {
            what: path.display().to_string(),
            source: e,
        })?;
        let reader: Box<dyn Read> = if name.ends_with(".gz") {
            Box::new(GzDecoder::new(file))
        } else {
            Box::new(file)
        };
        BufReader::new(reader)
            .lines()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TagError::Io {
                what: path.display().to_string(),
                source: e,
            })
    };
    let mut out =
        String::from("kind\tgeonameid\tname\tcountry\tadmin1\tlat\tlon\tpopulation\taliases\n");
    let mut capitals: HashMap<String, String> = HashMap::new();
    for line in read("countries.tsv")?.iter().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 17 {
            continue;
        }
        capitals.insert(f[6].to_string(), f[0].to_string());
        out.push_str(&format!(
            "C\t{}\t{}\t{}\t\t{}\t{}\t{}\t\n",
            f[16], f[4], f[0], f[7], f[8], f[10]
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
    let cities = read("cities15000.tsv.gz")?;
    // US states carry no coordinates in the source: use the population-weighted centre
    // of their cities, and the sum of those populations as a rough size.
    let mut state_sums: HashMap<String, (f64, f64, f64)> = HashMap::new();
    let mut city_rows = String::new();
    for line in cities.iter().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 9 {
            continue;
        }
        let pop: f64 = f[6].parse().unwrap_or(0.0);
        if f[4] == "US"
            && let (Ok(lat), Ok(lon)) = (f[2].parse::<f64>(), f[3].parse::<f64>())
        {
            let s = state_sums.entry(f[5].to_string()).or_default();
            s.0 += lat * pop;
            s.1 += lon * pop;
            s.2 += pop;
        }
        let kind = if capitals.contains_key(f[0]) {
            "P"
        } else {
            "T"
        };
        // Alternate names are noisy; keep the ASCII ones of big cities only (exonyms
        // such as "Peking", "Bombay"), not those of every small town.
        let aliases: Vec<&str> = if pop >= 1_000_000.0 {
            f[8].split('|')
                .filter(|a| {
                    a.len() >= 4 && a.is_ascii() && !a.contains(' ')
                        || a.contains(' ') && a.is_ascii() && a.len() >= 6
                })
                .filter(|a| !a.ends_with(" City") && !a.ends_with(" Shi"))
                .collect()
        } else {
            Vec::new()
        };
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
    for line in read("us_states.tsv")?.iter().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 4 {
            continue;
        }
        let (lat, lon, pop) = match state_sums.get(f[0]) {
            Some(&(la, lo, p)) if p > 0.0 => {
                (format!("{:.4}", la / p), format!("{:.4}", lo / p), p as u64)
            }
            _ => (String::new(), String::new(), 0),
        };
        out.push_str(&format!(
            "S\t{}\t{}\tUS\t{}\t{lat}\t{lon}\t{pop}\t\n",
            f[3], f[1], f[0]
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
            a.chars().count() >= 3
                && a.chars().next().is_some_and(char::is_uppercase)
                && a.is_ascii()
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
    let gz = |s: &str| -> Result<Vec<u8>, TagError> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(s.as_bytes())
            .and_then(|_| enc.finish())
            .map_err(|e| TagError::Io {
                what: "gzip".into(),
                source: e,
            })
    };
    Ok((gz(&out)?, gz(&names)?))
}
