//! Topics: IPTC Media Topics and newsterm's mnemonic codes, from cue phrases, with
//! precision before recall.
//!
//! Evidence is hand-written cue phrases ([`MNEMONICS`] for newsterm's codes, each
//! mapped to a Media Topic; [`CONCEPT_CUES`] for Media Topics without a code) and
//! the multi-word labels of the Media Topics themselves. A cue counts for its topic
//! and every ancestor. What a topic needs:
//!
//! - strength: a cue in the headline counts 2.5, in the lede 1.5, in the body 0.8
//!   (1.0 when repeated); a strong cue (`+`, a specific word or phrase) doubles
//!   that, an ambiguous one (`?`: "church", "match", "breaking") halves it and
//!   counts only beside another cue of the same topic;
//! - breadth: two distinct cues, or one strong cue in the headline or lede;
//! - weight against the story's main topic: a secondary topic needs a third of the
//!   main one's evidence;
//! - a place in the story: a topic with no cue in the headline or lede is an aside
//!   and needs three distinct cues and half the main topic's evidence, and an
//!   accepted topic that the headline or lede does name beside it (body cues
//!   alone are the details of a story whose subject has no cues);
//! - a death in the headline (human interest) makes what the person died of a
//!   detail: health then needs a headline cue of its own;
//! - a protest or a march is political dissent (politics), not IPTC's civil
//!   unrest under conflict, which keeps riots and clashes;
//! - an industry ("products and services": planes, oil, cars) is the setting of an
//!   accident or a war, not business news: beside an accepted disaster or conflict
//!   topic its cues only support "economy, business and finance". Phrases take a
//!   word away from a topic it would wrongly cue ("impeachment trial" is politics);
//! - a one-word cue that only modifies a civic or built noun after it ("parish
//!   council", "church hall", "war memorial", "bus shelter") is no evidence, nor
//!   is a cue noun used as a verb after "to" ("try to storm parliament").
//!
//! The confidence stored with a topic is `1 - exp(-evidence / 4)`. Names are no
//! evidence ("European Union" says nothing about unions) except for cues marked `@`,
//! which are names ("Dow Jones").

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;
use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;

use crate::annotations::Topic;
use crate::error::TagError;

/// A mnemonic topic code for `NI <code>`: (code, label, IPTC qcode it maps to, cue
/// phrases). Cue phrases are matched after light stemming ("voters" → "voter"); a
/// leading `+` marks a strong cue, `?` an ambiguous one, `@` one that is a name.
pub const MNEMONICS: &[(&str, &str, &str, &[&str])] = &[
    (
        "CONFLICT",
        "war and armed conflict",
        "medtop:16000000",
        &[
            "+war",
            "+troops",
            "military",
            "+soldier",
            "army",
            "+airstrike",
            "+air strike",
            "+missile",
            "+shelling",
            "+ceasefire",
            "+rebel",
            "+militant",
            "+insurgent",
            "+invasion",
            "bombing",
            "+combat",
            "fighting",
            "?offensive",
            "+artillery",
            "+drone strike",
            "+drone attack",
            "+armed forces",
            "+militia",
            "+civil war",
            "+warplane",
            "+armed conflict",
            "+peacekeeper",
            "+car bomb",
            "+military base",
            "+air base",
            "+coalition forces",
            "?attack",
            "?explosive",
            "?bomb",
            "?casualty",
        ],
    ),
    (
        "TERROR",
        "terrorism",
        "medtop:20000053",
        &[
            "+terrorist",
            "+terrorism",
            "+suicide bomber",
            "+suicide bombing",
            "extremist",
            "+jihadist",
            "+terror attack",
            "+islamist",
            "+counter terror",
            "+counter-terror",
            "+counterterrorism",
            "+counter-terrorism",
            "radicalism",
            "+radicalisation",
            "+radicalization",
            "+radicalised",
            "+radicalized",
        ],
    ),
    (
        "DIPLOMACY",
        "diplomacy and international relations",
        "medtop:20000639",
        &[
            "+diplomat",
            "+diplomatic",
            "+embassy",
            "+ambassador",
            "+summit",
            "+treaty",
            "+sanction",
            "+foreign minister",
            "+bilateral",
            "negotiation",
            "+foreign ministry",
            "+secretary of state",
            "+peace talks",
            "+envoy",
            "+foreign affairs",
            "+foreign secretary",
            "+consulate",
            "+state visit",
            "?talks",
        ],
    ),
    (
        "ELECTION",
        "elections",
        "medtop:20000574",
        &[
            "+election",
            "vote",
            "+voter",
            "+ballot",
            "?poll",
            "?campaign",
            "+candidate",
            "+referendum",
            "+polling",
            "+electoral",
            "+constituency",
            "+runoff",
            "+re-election",
            "elected",
            "+caucus",
            "delegate",
            "+presidential race",
            "+running mate",
            "nominee",
            "+presidential bid",
            "+presidential campaign",
            "+by-election",
            "+general election",
            "?primary",
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
            "?opposition",
            "cabinet",
            "governor",
            "mayor",
            "politician",
            "political",
            "+prime minister",
            "legislature",
            "legislator",
            "+impeachment",
            "+political party",
            "?bill",
            "senator",
            "+legislative",
            "+speaker of the house",
            // Phrases that take "trial" and "abuse" away from crime.
            "+impeachment trial",
            "+senate trial",
            "+abuse of power",
            "?policy",
        ],
    ),
    (
        "MARKETS",
        "financial markets",
        "medtop:20000385",
        &[
            "+stock market",
            "+stock exchange",
            "share",
            "?index",
            "+investor",
            "trading",
            "?bond",
            "+exchange rate",
            "+trader",
            "?market",
            "+stocks",
            "+@dow jones",
            "+@nasdaq",
            "+@ftse",
            "+@nikkei",
            "+@hang seng",
            "+@wall street",
            "+s&p",
            "+shareholder",
            "+share price",
        ],
    ),
    (
        "ECONOMY",
        "economy",
        "medtop:20000344",
        &[
            "+economy",
            "+economic",
            "+gdp",
            "+inflation",
            "+recession",
            "?growth",
            "+interest rate",
            "+central bank",
            "+tariff",
            "+deficit",
            "budget",
            "+unemployment rate",
            "+fiscal",
            "+trade deal",
            "+free trade",
            "+trade war",
        ],
    ),
    (
        "BUSINESS",
        "companies and business",
        "medtop:20000349",
        &[
            "company",
            "firm",
            "+ceo",
            "+chief executive",
            "+profit",
            "+revenue",
            "+earnings",
            "+merger",
            "+acquisition",
            "+shareholder",
            "?sale",
            "+quarterly",
            "corporation",
            "subsidiary",
            "+bankruptcy",
            "+takeover",
            "+retailer",
            "+automaker",
            "manufacturer",
            "+market share",
            "?customer",
            "?store",
            "?deal",
            "+contract",
        ],
    ),
    (
        "TECH",
        "technology and computing",
        "medtop:20000756",
        &[
            "+software",
            // Everyday life's medium ("scanning the Internet"): not strong
            // enough alone to make a story technology news.
            "internet",
            "+computer",
            "+smartphone",
            "?app",
            "?online",
            "+cyber",
            "+cybersecurity",
            "+technology",
            "+hacker",
            "website",
            "+iphone",
            "+ipad",
            "?chip",
            "digital",
            "+artificial intelligence",
            "+robot",
            "+robotics",
            "+open source",
            "+open-source",
            "+operating system",
            "+browser",
            "database",
            "+algorithm",
            "?server",
            "+engineering",
        ],
    ),
    (
        "SCIENCE",
        "science and research",
        "medtop:13000000",
        &[
            "+scientist",
            "research",
            "?study",
            "+researcher",
            "+physics",
            "+astronomer",
            "discovery",
            "+laboratory",
            "+experiment",
            "+spacecraft",
            "+telescope",
            "+species",
            "+biologist",
            "?journal",
            "+astronomy",
            "+exoplanet",
            "+galaxy",
            "planet",
            "+black hole",
            "evolution",
            "+fossil",
            "+neuroscientist",
            "+mathematician",
            "+space station",
            "orbit",
            "+genome",
            "+dna",
            "+paleontologist",
            "+archaeologist",
            "+ecologist",
            "+chemist",
            "+findings",
            "+peer-reviewed",
            "+spacewalk",
            "+cosmonaut",
            "+astronaut",
            "+light year",
            "+constellation",
        ],
    ),
    (
        "HEALTH",
        "health",
        "medtop:07000000",
        &[
            "health",
            "hospital",
            "+disease",
            "+virus",
            "patient",
            "doctor",
            "+vaccine",
            "+vaccination",
            "+outbreak",
            "+pandemic",
            "+covid",
            "+covid-19",
            "+coronavirus",
            "+infection",
            "medical",
            "+cancer",
            "treatment",
            "+epidemic",
            "+measles",
            "+influenza",
            "+flu",
            "+symptom",
            "+public health",
            "+quarantine",
            "+tested positive",
            "+deficiency",
            "+nutrition",
            "+opioid",
            "+face covering",
            "?mask",
            "infected",
        ],
    ),
    (
        "CRIME",
        "crime",
        "medtop:20000082",
        &[
            "police",
            "+arrested",
            "arrest",
            "+murder",
            "+crime",
            "+suspect",
            "+shooting",
            "+robbery",
            "+fraud",
            "prison",
            "+criminal",
            "+stabbing",
            "+stabbed",
            "+kidnapping",
            "+gunman",
            "+theft",
            "stolen",
            "+burglary",
            "+homicide",
            "+charged with",
            "+killer",
            "+domestic violence",
            "abuse",
            "+smuggling",
            "+trafficking",
            "+assault",
            "+shot",
        ],
    ),
    (
        "JUSTICE",
        "courts and justice",
        "medtop:20000106",
        &[
            "court",
            "+judge",
            "+trial",
            "+lawsuit",
            "ruling",
            "+verdict",
            "?appeal",
            "+sentenced",
            "+prosecutor",
            "+jury",
            "+convicted",
            "+indictment",
            "attorney",
            "+pleaded guilty",
            "+pleads guilty",
            "+not guilty",
            "+life in prison",
            "+bail",
            "lawyer",
            "+unconstitutional",
            "+unlawful",
            "+subpoena",
        ],
    ),
    (
        "DISASTER",
        "disasters and accidents",
        "medtop:03000000",
        &[
            "+earthquake",
            "+flood",
            "+flooding",
            "+hurricane",
            "storm",
            "+tsunami",
            "+wildfire",
            "+crash",
            "+accident",
            "+disaster",
            "+evacuated",
            "+evacuation",
            "+landslide",
            "+explosion",
            "rescue",
            "+typhoon",
            "+cyclone",
            "fire",
            "+blaze",
            "collapse",
            "+stampede",
            "+derailed",
            "+pileup",
            "+collision",
            "+firefighter",
            "+death toll",
            "survivor",
            "+capsized",
            "+eruption",
            "+volcano",
            "injured",
            "?killed",
            "?dead",
        ],
    ),
    (
        "CLIMATE",
        "climate change",
        "medtop:20000418",
        &[
            "+climate",
            "+emission",
            "carbon",
            "+global warming",
            "+greenhouse",
            "+renewable",
            "+climate change",
            "+fossil fuel",
            "?warming",
        ],
    ),
    (
        "ENERGY",
        "energy",
        "medtop:20000256",
        &[
            "+oil",
            "?gas",
            "+energy",
            "+electricity",
            "+nuclear power",
            "+coal",
            "+pipeline",
            "fuel",
            "+barrel",
            "+crude",
            "+solar",
            "+wind power",
            "?utility",
            "+power outage",
            "+blackout",
            "+oil field",
        ],
    ),
    (
        "TRANSPORT",
        "transport",
        "medtop:20000337",
        &[
            "+airline",
            "+aircraft",
            "airport",
            "flight",
            "+railway",
            "?train",
            "plane",
            "jet",
            "?car",
            "?vehicle",
            "+automaker",
            "shipping",
            "+airliner",
            "+passenger jet",
            "+public transport",
            "?bus",
            "+aviation",
            "?truck",
        ],
    ),
    (
        "SPORT",
        "sport",
        "medtop:15000000",
        &[
            "?match",
            "?team",
            "+championship",
            "league",
            "+tournament",
            "?cup",
            "coach",
            "player",
            "?season",
            "+olympic",
            "+olympics",
            "+medal",
            "+football",
            "+soccer",
            "+tennis",
            "+cricket",
            "+marathon",
            "+wrestler",
            "+wrestling",
            "+athlete",
            "+world record",
            "+world cup",
            "+goalkeeper",
            "+midfielder",
            "+basketball",
            "+baseball",
            "+rugby",
            "+golf",
            "+boxing",
            "?racing",
            "+grand prix",
            "+formula one",
            "stadium",
            "?scored",
            "?goal",
            "?final",
            "?breaking",
            "?record",
            "?game",
        ],
    ),
    (
        "ARTS",
        "arts, culture and media",
        "medtop:01000000",
        &[
            "+film",
            "+music",
            "+album",
            "?festival",
            "+museum",
            "artist",
            "+novel",
            "+theatre",
            "+theater",
            "+exhibition",
            "+actor",
            "+actress",
            "+singer",
            "+movie",
            "+concert",
            "book",
            "+premiere",
            "+comic",
            "+anime",
            "+manga",
            "+artwork",
            "+painting",
            "+sculpture",
            "+documentary",
            "+mockumentary",
            "+audiobook",
            "+literature",
            "+poet",
            "+poetry",
            "+magician",
            "?magic",
            "+pop culture",
            "entertainment",
            "?television",
            "?show",
        ],
    ),
    (
        "RELIGION",
        "religion",
        "medtop:12000000",
        &[
            "+religious",
            "+religion",
            "+mosque",
            "+synagogue",
            "+clergy",
            "+pope",
            "+archbishop",
            "+imam",
            "+rabbi",
            "+buddhist",
            "+hindu",
            "+islam",
            "+christianity",
            "+catholic",
            "+protestant",
            "+evangelical",
            "+theology",
            "+scripture",
            "+bible",
            "+quran",
            "+pilgrim",
            "+pilgrimage",
            "+diocese",
            "+parish",
            "+sermon",
            "prayer",
            "+worship",
            "faith",
            "muslim",
            "christian",
            "jewish",
            "?church",
            "?temple",
            "?cathedral",
            "?god",
            "?christmas",
            "?easter",
            "?bishop",
            "+@scientology",
            "+scientologist",
            "?sacred",
        ],
    ),
    (
        "LABOUR",
        "labour and employment",
        "medtop:09000000",
        &[
            "worker",
            "?strike",
            "?union",
            "job",
            "+employment",
            "wage",
            "+unemployment",
            "+layoff",
            "employee",
            "+labor",
            "?labour",
            "+trade union",
            "+minimum wage",
            "+labor union",
            "pension",
            "+walkout",
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
            "+education",
            "college",
            "+pupil",
            "+curriculum",
            "+tuition",
            "?graduate",
            "+exam",
            "+classroom",
            "+primary school",
        ],
    ),
    (
        "WEATHER",
        "weather",
        "medtop:17000000",
        &[
            "+weather",
            "+forecast",
            "temperature",
            "rain",
            "+snow",
            "+heatwave",
            "+rainfall",
            "+meteorological",
            "+storm surge",
            "+severe weather",
            "+hurricane",
            "+typhoon",
            "+cyclone",
            "+thunderstorm",
            "storm",
        ],
    ),
    (
        "MIGRATION",
        "immigration and refugees",
        "medtop:20000771",
        &[
            "+immigration",
            "+migrant",
            "+refugee",
            "+asylum",
            "+immigrant",
            "+deportation",
            "?border",
            "?visa",
        ],
    ),
];

/// Cue phrases of Media Topics that have no mnemonic code: (qcode, cues), written
/// as in [`MNEMONICS`].
pub const CONCEPT_CUES: &[(&str, &[&str])] = &[
    (
        // environment
        "medtop:06000000",
        &[
            "+conservation",
            "+wildlife",
            "+endangered",
            "+pollution",
            "+deforestation",
            "+habitat",
            "+ecosystem",
            "+biodiversity",
            "+coral",
            "+reef",
            "+poaching",
            "+environmental",
            "+national park",
            "+recycling",
            "?plastic",
            "?animal",
        ],
    ),
    (
        // human interest
        "medtop:08000000",
        &[
            "+obituary",
            "+passed away",
            "+died aged",
            "+dies aged",
            "+died at the age",
            "+dies at age",
            "?funeral",
            "+birthday",
            "?anniversary",
            "+celebrity",
            "?aged",
        ],
    ),
    (
        // lifestyle and leisure
        "medtop:10000000",
        &[
            "+convention",
            "+cosplay",
            "+cosplayer",
            "?fan",
            "+hobby",
            "+tourism",
            "?tourist",
            "?travel",
            "+restaurant",
            "+cuisine",
            "?fashion",
            "+fashion show",
            "+fashion week",
            "+fashion designer",
            "+fashion industry",
            "+video game",
            "+gaming",
            "+halloween",
            "+haunted",
            "?holiday",
            "+leisure",
            "+theme park",
            "attendee",
        ],
    ),
    (
        // society
        "medtop:14000000",
        &[
            "+same-sex",
            "+human rights",
            "+discrimination",
            "+racism",
            "+racist",
            "+lgbt",
            "+gay",
            "+transgender",
            "+women's rights",
            "+feminist",
            "+poverty",
            "+homeless",
            "+homelessness",
            "+welfare",
            "+inequality",
            "+civil rights",
            "+abortion",
            "+gender equality",
            "+patriarchy",
            "citizenship",
            "?marriage",
            "?family",
            "?tribe",
            "+indigenous",
            "+slum",
        ],
    ),
    (
        // political prisoners and dissenters: a march or a protest is a
        // political act, not a war; IPTC's "civil unrest" sits under conflict,
        // and a reader of NI CONFLICT does not expect an anti-Brexit march.
        "medtop:20000648",
        &[
            "+protester",
            "protest",
            "+demonstrator",
            "?rally",
            "+pro-democracy",
            "+dissident",
            "+political prisoner",
        ],
    ),
    (
        // civil unrest: violence, which is conflict even beside a protest
        "medtop:20000065",
        &[
            "+riot",
            "+riot police",
            "tear gas",
            "clash",
            "+insurrection",
            "+uprising",
        ],
    ),
];

/// Light stemming: enough to match "elections" with "election", "cities" with "city".
pub(crate) fn stem(word: &str) -> String {
    stem_lower(&word.to_lowercase()).into_owned()
}

/// The [`stem`] of a word already in lower case (a `DocView::lower` word): most
/// stems are the word or the start of it, and are borrowed from it.
pub(crate) fn stem_lower(w: &str) -> Cow<'_, str> {
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(w);
    if let Some(s) = w.strip_suffix("ies").filter(|s| s.len() >= 2) {
        return Cow::Owned(format!("{s}y"));
    }
    // "sses", "shes", "ches", "xes" lose their "es".
    if ["sses", "shes", "ches", "xes"]
        .iter()
        .any(|suf| w.ends_with(suf))
    {
        return Cow::Borrowed(&w[..w.len() - 2]);
    }
    if w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        return Cow::Borrowed(&w[..w.len() - 1]);
    }
    Cow::Borrowed(w)
}

/// One word of a story as the topic scorer sees it.
#[derive(Debug, Clone)]
pub(crate) struct TopicWord<'t> {
    pub stem: Cow<'t, str>,
    /// Part of a name (a person, organisation or place).
    pub in_name: bool,
}

/// Where a cue sits in the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Body,
    Lede,
    Headline,
}

/// How much a cue says.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Strength {
    Weak,
    Normal,
    Strong,
}

impl Strength {
    fn weight(self) -> f32 {
        match self {
            Strength::Weak => 0.5,
            Strength::Normal => 1.0,
            Strength::Strong => 2.0,
        }
    }
}

struct Cue {
    /// Stems after the first one.
    rest: Vec<String>,
    strength: Strength,
    /// May match inside a name.
    name: bool,
    /// Index into [`TopicModel::cue_targets`].
    id: usize,
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
    /// First stem of a phrase → the phrases starting with it, longest first.
    phrases: FxHashMap<String, Vec<Cue>>,
    /// Per cue id: the mnemonic it is evidence for, if any, and the concept.
    cue_targets: Vec<(Option<usize>, usize)>,
    mnemonic_concept: Vec<usize>,
}

/// Multi-word parts of a Media Topic label: "conflict, war and peace" has none,
/// "climate change" is one. One-word labels are too ambiguous to be evidence on
/// their own ("breaking" is a sport, "church" a place name).
fn label_phrases(label: &str) -> Vec<String> {
    let no_paren = match label.find('(') {
        Some(i) => &label[..i],
        None => label,
    };
    no_paren
        .split(',')
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| p.split_whitespace().count() >= 2)
        // Acronyms ("AIDS") would match ordinary words ("aid") once lower-cased.
        .filter(|p| {
            !p.split_whitespace()
                .any(|w| w.len() > 1 && w.chars().all(|c| c.is_uppercase()))
        })
        .map(str::to_string)
        .collect()
}

impl TopicModel {
    /// Loads `mediatopics.tsv.gz` as written by [`build_file`].
    pub fn from_gz(gz: &[u8]) -> Result<TopicModel, TagError> {
        let bad = |reason: String| TagError::Corrupt {
            what: "media topics",
            reason,
        };
        let mut text = String::new();
        GzDecoder::new(gz)
            .read_to_string(&mut text)
            .map_err(|e| bad(e.to_string()))?;
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect())
            .collect();
        if rows.iter().any(|r| r.len() < 4) {
            return Err(bad("short row".into()));
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
        let concept_of = |code: &str| {
            index
                .get(code)
                .copied()
                .ok_or_else(|| bad(format!("no Media Topic {code}")))
        };
        let mut model = TopicModel {
            concepts: Vec::new(),
            phrases: FxHashMap::default(),
            cue_targets: Vec::new(),
            mnemonic_concept: Vec::new(),
        };
        for (m, (_, _, code, cues)) in MNEMONICS.iter().enumerate() {
            let c = concept_of(code)?;
            model.mnemonic_concept.push(c);
            for cue in *cues {
                model.add(cue, Some(m), c);
            }
        }
        for (code, cues) in CONCEPT_CUES {
            let c = concept_of(code)?;
            for cue in *cues {
                model.add(cue, None, c);
            }
        }
        for (i, c) in concepts.iter().enumerate() {
            for phrase in label_phrases(&c.label) {
                model.add(&phrase, None, i);
            }
        }
        // Longer phrases first, so "interest rate" is tried before "interest".
        for list in model.phrases.values_mut() {
            list.sort_by_key(|cue| std::cmp::Reverse(cue.rest.len()));
        }
        model.concepts = concepts;
        Ok(model)
    }

    fn add(&mut self, cue: &str, mnemonic: Option<usize>, concept: usize) {
        let mut text = cue;
        let mut strength = Strength::Normal;
        let mut name = false;
        loop {
            if let Some(t) = text.strip_prefix('+') {
                strength = Strength::Strong;
                text = t;
            } else if let Some(t) = text.strip_prefix('?') {
                strength = Strength::Weak;
                text = t;
            } else if let Some(t) = text.strip_prefix('@') {
                name = true;
                text = t;
            } else {
                break;
            }
        }
        let stems: Vec<String> = text.split_whitespace().map(stem).collect();
        let Some((first, rest)) = stems.split_first() else {
            return;
        };
        let id = self.cue_targets.len();
        self.cue_targets.push((mnemonic, concept));
        self.phrases.entry(first.clone()).or_default().push(Cue {
            rest: rest.to_vec(),
            strength,
            name,
            id,
        });
    }

    /// The topics of a story from its words; the first `headline` words are its
    /// headline, those before `lede_end` its lede.
    pub fn topics(&self, words: &[TopicWord], headline: usize, lede_end: usize) -> Vec<Topic> {
        // Every cue found: (cue id, strength, best place, count), in cue order so
        // that the evidence sums (f32) come out the same every time.
        let mut found: BTreeMap<usize, (Strength, Place, u32)> = BTreeMap::new();
        let mut i = 0;
        while i < words.len() {
            let place = if i < headline {
                Place::Headline
            } else if i < lede_end {
                Place::Lede
            } else {
                Place::Body
            };
            let mut advance = 1;
            if let Some(list) = self.phrases.get(words[i].stem.as_ref()) {
                let mut matched_len = None;
                for cue in list {
                    let end = i + 1 + cue.rest.len();
                    let fits = end <= words.len()
                        && cue
                            .rest
                            .iter()
                            .enumerate()
                            .all(|(k, s)| words[i + 1 + k].stem == *s)
                        && (cue.name || words[i..end].iter().all(|w| !w.in_name));
                    if !fits || matched_len.is_some_and(|l| l != cue.rest.len()) {
                        continue;
                    }
                    if cue.rest.is_empty()
                        && (Self::modifies_a_civic_noun(words, i, headline)
                            || Self::is_a_verb(words, i))
                    {
                        continue;
                    }
                    matched_len = Some(cue.rest.len());
                    let slot = found.entry(cue.id).or_insert((cue.strength, place, 0));
                    slot.1 = slot.1.max(place);
                    slot.2 += 1;
                }
                if let Some(l) = matched_len {
                    advance = l + 1;
                }
            }
            i += advance;
        }

        // Evidence per concept (with its ancestors) and per mnemonic, each cue once.
        let mut concept_ev = vec![Evidence::default(); self.concepts.len()];
        let mut mnemonic_ev = vec![Evidence::default(); MNEMONICS.len()];
        // Cues of an industry (transport, energy…), kept apart at the top level.
        let mut sector_hits: Vec<(usize, CueHit)> = Vec::new();
        for (&id, &(strength, place, count)) in &found {
            let (mnemonic, concept) = self.cue_targets[id];
            let cue = CueHit {
                strength,
                place,
                count,
            };
            if let Some(m) = mnemonic {
                mnemonic_ev[m].add(cue);
            }
            let sector = self.is_sector(concept);
            let mut cur = Some(concept);
            while let Some(k) = cur {
                if sector && self.concepts[k].level == 1 {
                    sector_hits.push((k, cue));
                } else {
                    concept_ev[k].add(cue);
                }
                cur = self.concepts[k].parent;
            }
        }

        let tops: Vec<usize> = (0..self.concepts.len())
            .filter(|&k| self.concepts[k].level == 1)
            .collect();
        // The planes of a crash and the tanker of a shipwreck are where a
        // calamity happened, not business news: beside an accident or a war,
        // an industry only supports the economy topic, it never makes it.
        let calamity = tops.iter().any(|&k| {
            CALAMITIES.contains(&self.concepts[k].code.as_str()) && concept_ev[k].enough()
        });
        for (k, cue) in sector_hits {
            let cue = if calamity {
                CueHit {
                    strength: Strength::Weak,
                    ..cue
                }
            } else {
                cue
            };
            concept_ev[k].add(cue);
        }
        let main = tops
            .iter()
            .map(|&k| concept_ev[k].score())
            .fold(0f32, f32::max);
        // A topic the headline and lede say nothing about is an aside of a long
        // story (a war in an obituary, a pandemic in an interview): it needs
        // three distinct cues and half the main topic's evidence. And an aside
        // is beside the story's subject: when the headline and lede name no
        // topic at all, body cues alone (the fuel of a hoverboard, the website
        // a missing ship was tracked on) are not the story either.
        let has_subject = tops.iter().any(|&k| {
            let ev = &concept_ev[k];
            ev.enough() && ev.early && ev.score() >= main / 3.0
        });
        // A death in the headline makes what the person died of a detail of
        // the obituary: health then needs a headline cue of its own.
        let obituary = tops
            .iter()
            .any(|&k| self.concepts[k].code == HUMAN_INTEREST && concept_ev[k].in_headline);
        let accepted = |ev: &Evidence| {
            ev.enough()
                && ev.score() >= main / 3.0
                && (ev.early || (has_subject && ev.sure_cues >= 3 && ev.score() >= main / 2.0))
        };
        let detail =
            |k: usize| obituary && self.concepts[k].code == HEALTH && !concept_ev[k].in_headline;
        let mut out: Vec<Topic> = Vec::new();
        let mut top_level: Vec<(usize, f32)> = tops
            .iter()
            .filter(|&&k| accepted(&concept_ev[k]) && !detail(k))
            .map(|&k| (k, concept_ev[k].score()))
            .collect();
        top_level.sort_by(|a, b| b.1.total_cmp(&a.1));
        top_level.truncate(3);
        let chosen_tops: Vec<usize> = top_level.iter().map(|t| t.0).collect();
        for (k, s) in &top_level {
            out.push(self.topic(*k, *s));
        }
        // Finer Media Topics under a chosen top-level one, on their own evidence.
        let top_of = |k: usize| self.top_of(k);
        let mut fine: Vec<(usize, f32)> = (0..self.concepts.len())
            .filter(|&k| self.concepts[k].level > 1)
            .filter(|&k| chosen_tops.contains(&top_of(k)) && accepted(&concept_ev[k]))
            .map(|k| (k, concept_ev[k].score()))
            .collect();
        fine.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (k, s) in fine.into_iter().take(3) {
            out.push(self.topic(k, s));
        }
        let mut mnem: Vec<Topic> = MNEMONICS
            .iter()
            .enumerate()
            .filter(|(m, _)| {
                accepted(&mnemonic_ev[*m])
                    && chosen_tops.contains(&top_of(self.mnemonic_concept[*m]))
            })
            .map(|(m, (code, label, _, _))| Topic {
                code: code.to_string(),
                label: label.to_string(),
                score: confidence(mnemonic_ev[m].score()),
            })
            .collect();
        mnem.sort_by(|a, b| b.score.total_cmp(&a.score));
        mnem.truncate(4);
        out.extend(mnem);
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }

    /// Whether the one-word cue at word `i` only modifies the noun after it, and
    /// that noun makes the compound a civic or built thing ([`COMPOUND_HEADS`]):
    /// "parish council" is local government, with no religion in it.
    fn modifies_a_civic_noun(words: &[TopicWord], i: usize, headline: usize) -> bool {
        let j = i + 1;
        j < words.len()
            && j != headline
            && !words[j].in_name
            && COMPOUND_HEADS.contains(&words[j].stem.as_ref())
    }

    /// Whether word `i` is one of [`VERB_SENSES`] used as a verb after "to":
    /// "protesters try to storm parliament" is no weather and no disaster.
    fn is_a_verb(words: &[TopicWord], i: usize) -> bool {
        i > 0 && words[i - 1].stem == "to" && VERB_SENSES.contains(&words[i].stem.as_ref())
    }

    /// The top-level topic concept `k` falls under.
    fn top_of(&self, mut k: usize) -> usize {
        while let Some(p) = self.concepts[k].parent {
            k = p;
        }
        k
    }

    /// Whether concept `k` is an industry ("products and services": transport,
    /// energy, media…) rather than business itself.
    fn is_sector(&self, mut k: usize) -> bool {
        loop {
            if self.concepts[k].code == SECTORS {
                return true;
            }
            match self.concepts[k].parent {
                Some(p) => k = p,
                None => return false,
            }
        }
    }

    fn topic(&self, k: usize, evidence: f32) -> Topic {
        let c = &self.concepts[k];
        Topic {
            code: c.code.clone(),
            label: c.label.clone(),
            score: confidence(evidence),
        }
    }
}

/// The stored confidence of a topic with this much evidence.
fn confidence(evidence: f32) -> f32 {
    1.0 - (-evidence / 4.0).exp()
}

#[derive(Debug, Clone, Copy)]
struct CueHit {
    strength: Strength,
    place: Place,
    count: u32,
}

impl CueHit {
    fn score(&self) -> f32 {
        let at = match self.place {
            Place::Headline => 2.5,
            Place::Lede => 1.5,
            Place::Body if self.count >= 2 => 1.0,
            Place::Body => 0.8,
        };
        at * self.strength.weight()
    }
}

/// The cues found for one topic.
#[derive(Debug, Clone, Default)]
struct Evidence {
    /// Score of the non-ambiguous cues, and how many there are.
    sure: f32,
    sure_cues: u32,
    /// A strong cue in the headline or lede.
    strong_early: bool,
    /// Any sure cue in the headline or lede.
    early: bool,
    /// Any sure cue in the headline.
    in_headline: bool,
    /// Score of the ambiguous cues, which count only beside a sure one.
    weak: f32,
}

/// The Media Topic whose subtree names industries ("products and services").
const SECTORS: &str = "medtop:20000209";

/// Top-level topics beside which an industry is only the setting: disaster
/// and accident, conflict and war.
const CALAMITIES: &[&str] = &["medtop:03000000", "medtop:16000000"];

/// Nouns that make a compound of the word before them about a civic or built
/// thing, not about that word's topic: "parish council", "church hall", "war
/// memorial", "bus shelter" (stems, see [`stem`]).
const COMPOUND_HEADS: &[&str] = &[
    "council",
    "councillor",
    "councilor",
    "hall",
    "road",
    "street",
    "lane",
    "avenue",
    "shelter",
    "boundary",
    "ward",
    "memorial",
];

/// Cue nouns whose verb means something else: to storm a building, to flood
/// a market, to fire a worker, to crash a party (stems, see [`stem`]).
const VERB_SENSES: &[&str] = &["storm", "flood", "fire", "crash"];

/// Human interest, whose headline cues are mostly a death ("dies aged").
const HUMAN_INTEREST: &str = "medtop:08000000";

/// Health, which an obituary mentions as the cause of death.
const HEALTH: &str = "medtop:07000000";

/// Least evidence for a topic.
const THRESHOLD: f32 = 2.5;

impl Evidence {
    fn add(&mut self, cue: CueHit) {
        if cue.strength == Strength::Weak {
            self.weak += cue.score();
            return;
        }
        self.sure += cue.score();
        self.sure_cues += 1;
        self.strong_early |= cue.strength == Strength::Strong && cue.place != Place::Body;
        self.early |= cue.place != Place::Body;
        self.in_headline |= cue.place == Place::Headline;
    }

    fn score(&self) -> f32 {
        if self.sure_cues == 0 {
            0.0
        } else {
            self.sure + self.weak
        }
    }

    /// Broad and strong enough to report.
    fn enough(&self) -> bool {
        (self.sure_cues >= 2 || self.strong_early) && self.score() >= THRESHOLD
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
    fn mnemonics_are_the_topic_codes_clients_know() {
        let ours: Vec<(&str, &str, &str)> = MNEMONICS
            .iter()
            .map(|(code, label, qcode, _)| (*code, *label, *qcode))
            .collect();
        assert_eq!(ours, newsterm_story::tags::TOPIC_CODES.to_vec());
    }

    #[test]
    fn stems_fold_plurals() {
        assert_eq!(stem("Elections"), "election");
        assert_eq!(stem("cities"), "city");
        assert_eq!(stem("crashes"), "crash");
        assert_eq!(stem("virus"), "virus");
    }

    #[test]
    fn only_multi_word_label_parts_are_cues() {
        assert_eq!(
            label_phrases("climate change, global warming and weather"),
            vec!["climate change", "global warming"]
        );
        assert!(label_phrases("conflict, war and peace").is_empty());
        assert!(label_phrases("breaking").is_empty());
    }
}
