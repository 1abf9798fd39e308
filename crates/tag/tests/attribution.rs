//! Quotes go to the person who said them and figures say what they count, in the
//! ways news writes them: a second quote after an attributed one, a speaker named
//! before "saying" or an adverb, a count followed by what happened to it.

mod common;

use common::tagger;

/// The speaker of the direct quote that starts with `opening`.
fn speaker_of(text: &str, opening: &str) -> Option<String> {
    let tags = tagger().tag(text);
    let quote = tags
        .quotes
        .iter()
        .find(|q| q.text.starts_with(opening))
        .unwrap_or_else(|| panic!("no quote {opening:?} in {:?}", tags.quotes));
    quote.speaker.clone()
}

#[test]
fn a_quote_after_an_attributed_one_keeps_its_speaker() {
    let text = "Dock strike ends\n\n\"We are going back to work on Monday,\" said union leader \
        Marta Kowalczyk after the vote. \"The members have spoken, and the deal is a fair one.\"";
    assert_eq!(
        speaker_of(text, "The members have spoken").as_deref(),
        Some("Marta Kowalczyk")
    );
    // Someone else named between the two quotes breaks the chain.
    let text = "Dock strike ends\n\n\"We are going back to work on Monday,\" said union leader \
        Marta Kowalczyk. Port director Tomas Berg was less happy about the deal. \
        \"The losses of this strike will take years to recover.\"";
    assert_ne!(
        speaker_of(text, "The losses of this strike").as_deref(),
        Some("Marta Kowalczyk")
    );
}

#[test]
fn the_subject_of_saying_or_adding_is_the_speaker() {
    let text = "Governor Alan Reyes congratulated Marta Kowalczyk on Tuesday, saying, \
        \"She will be a fine mayor for this city and its people.\"";
    assert_eq!(
        speaker_of(text, "She will be a fine mayor").as_deref(),
        Some("Alan Reyes")
    );
}

#[test]
fn an_adverb_between_speaker_and_verb_keeps_the_speaker() {
    let text = "Singer Lena Holm also reacted on Twitter, \"Sad news today, he was a \
        kind and generous friend to all of us.\"";
    assert_eq!(
        speaker_of(text, "Sad news today").as_deref(),
        Some("Lena Holm")
    );
}

#[test]
fn a_quote_with_an_unnamed_speaker_of_its_own_does_not_go_on_with_the_last_one() {
    let text = "Dock strike ends\n\nPort director Tomas Berg said, \"The losses of this strike \
        will take years to recover.\" An official from the union stated: \"We are going back \
        to work on Monday morning.\"";
    assert_eq!(
        speaker_of(text, "The losses of this strike").as_deref(),
        Some("Tomas Berg")
    );
    assert_eq!(speaker_of(text, "We are going back"), None);
    // Going on with the same subject is still the same speaker.
    let text = "Dock strike ends\n\nTomas Berg said, \"The losses of this strike will take \
        years to recover\", adding, \"For the port, this is a very bad week.\"";
    assert_eq!(
        speaker_of(text, "For the port").as_deref(),
        Some("Tomas Berg")
    );
}

#[test]
fn whoever_was_told_is_not_the_speaker() {
    let text = "Quake shakes island\n\nOne resident told Marta Kowalczyk of the local radio, \
        \"We are used to it by now, it happens every week.\"";
    assert_eq!(speaker_of(text, "We are used to it"), None);
}

#[test]
fn he_after_a_quote_is_not_a_name_inside_it() {
    let text = "Drummer dies\n\nTomas Berg began playing in his teens. \"I sat down and one \
        of the musicians said, 'Marta Kowalczyk, we have got a drummer' and I could play\", he \
        recalled in 2009.";
    assert_eq!(
        speaker_of(text, "I sat down").as_deref(),
        Some("Tomas Berg")
    );
}

#[test]
fn the_speaker_is_found_across_a_body_a_long_role_or_a_clause() {
    // In the quotes sample (crates/tag/eval/quotes_sample.tsv) "Mick Jagger
    // of The Rolling Stones also reacted on Twitter", "Bruno Parrilla, the
    // foreign affairs minister of Cuba, responded to the new rules via
    // Twitter:" and "Professor Greg Barton, Chair In Global Islamic
    // Politics in the Faculty of Arts …, said" gave their quotes no
    // speaker, and "Jennifer Lu of Marriage Equality Coalition Taiwan
    // said" gave hers to the coalition.
    for (text, opening, speaker) in [
        (
            "Keith Richards of The Rolling Stones also reacted on Twitter, \"Sad news today, \
             I remember playing with him very early on in London clubs.\"",
            "Sad news today",
            "Keith Richards",
        ),
        (
            "Paul Green of NOAA told the press last week, \"The past several weeks we have had \
             hundreds of small storms in the region.\"",
            "The past several weeks",
            "Paul Green",
        ),
        (
            "Anna Berg, the foreign minister of Sweden, responded to the new rules via Twitter: \
             \"I strongly reject these measures and we shall overcome them.\"",
            "I strongly reject",
            "Anna Berg",
        ),
        (
            "Professor Mark Smith, Chair of Global Politics in the Faculty of Arts at the Monash \
             University, said \"The attacker was using a couple of guns and a rifle.\"",
            "The attacker was using",
            "Mark Smith",
        ),
        (
            "Another co-author, civil engineering professor Julia Marsh, said, \"We have seen in \
             our earlier research that the city is divided.\"",
            "We have seen",
            "Julia Marsh",
        ),
        (
            "Politico quoted Tim Manning, once a deputy head of FEMA, as saying \"FEMA has an \
             important role in coordinating the response.\"",
            "FEMA has an important role",
            "Tim Manning",
        ),
    ] {
        assert_eq!(
            speaker_of(text, opening).as_deref(),
            Some(speaker),
            "{text:?}"
        );
    }
    // A quote in a sentence opened by "according to" someone is theirs,
    // unless someone of their own speaks in it.
    let text = "According to Harbour Times editor Lena Moss, the campaign was able to tap into \
        public mistrust and \"hammer home a simple message every day.\"";
    assert_eq!(
        speaker_of(text, "hammer home").as_deref(),
        Some("Lena Moss")
    );
    let text = "According to Reuters, Mayor Tom Reyes said on Monday: \"We will rebuild every \
        house that was lost.\"";
    assert_eq!(
        speaker_of(text, "We will rebuild").as_deref(),
        Some("Tom Reyes")
    );
    // "The latter" is the last of the two named before it.
    let text = "The inquiry was launched by the Federal Aviation Administration and the \
        National Transportation Safety Board, with the latter confirming on Twitter they \
        were \"not sending investigators to the scene at this time.\"";
    assert_eq!(
        speaker_of(text, "not sending investigators").as_deref(),
        Some("National Transportation Safety Board")
    );
    // A name inside a clause between the commas is not who spoke.
    let text = "The show's hosts Bernard McGuirk and Sid Rosenberg, who both worked for Don \
        Imus, tweeted: \"We salute you, you paved the way for all of us.\"";
    assert_ne!(
        speaker_of(text, "We salute you").as_deref(),
        Some("Don Imus"),
        "{text:?}"
    );
}

#[test]
fn a_count_counts_its_plural_noun_not_what_happened_to_it() {
    let tags = tagger().tag(
        "The death toll rose to 22 people dead on Monday, with 25 others injured, \
         and two news agencies said the gunman had acted alone.",
    );
    let what = |n: &str| {
        tags.figures
            .iter()
            .find(|f| f.text == n)
            .and_then(|f| f.what.clone())
    };
    assert_eq!(what("22").as_deref(), Some("people"), "{:?}", tags.figures);
    assert_eq!(what("25").as_deref(), Some("others"), "{:?}", tags.figures);
    assert_eq!(
        what("two").as_deref(),
        Some("news agencies"),
        "{:?}",
        tags.figures
    );
}

#[test]
fn a_number_in_words_past_twelve_or_of_them_counts_its_noun() {
    // In the figure sample (crates/tag/eval/figures_sample.tsv) "At least
    // seventeen people died" and "190 people on board, six of them crew
    // members" gave no figure.
    let tags = tagger().tag(
        "At least fourteen people died in the fire, and twenty-five others were hurt. \
         The bus held 52 passengers, nine of them schoolchildren, and three of them stayed.",
    );
    let figure = |n: &str| {
        tags.figures
            .iter()
            .find(|f| f.text == n)
            .map(|f| (f.value, f.what.clone()))
    };
    assert_eq!(
        figure("fourteen"),
        Some((14.0, Some("people".to_string()))),
        "{:?}",
        tags.figures
    );
    assert_eq!(
        figure("twenty-five"),
        Some((25.0, Some("others".to_string()))),
        "{:?}",
        tags.figures
    );
    assert_eq!(
        figure("nine"),
        Some((9.0, Some("schoolchildren".to_string()))),
        "{:?}",
        tags.figures
    );
    // "Three of them stayed" counts nothing it names.
    assert_eq!(figure("three"), None, "{:?}", tags.figures);
}

#[test]
fn a_bare_number_counts_the_people_harmed_or_the_noun_it_leaves_out() {
    // News gives its gravest figures bare: "the blast killed nine", "12
    // were missing", and leaves out a noun the count before it gave: "won
    // 31 seats, while Labour took 28".
    let tags = tagger().tag(
        "A tanker explosion killed nine and injured 40 near the port on Monday. \
         Officials said 12 were still missing. In the election the Greens won 31 seats, \
         while Labour took 28. His son, 14, was among the injured; the ages of the \
         others were between 20 and 35, and Route 9 was closed.",
    );
    let what = |n: &str| {
        tags.figures
            .iter()
            .find(|f| f.text == n)
            .map(|f| f.what.clone())
    };
    for (n, counted) in [
        ("nine", "people"),
        ("40", "people"),
        ("12", "people"),
        ("28", "seats"),
    ] {
        assert_eq!(
            what(n),
            Some(Some(counted.to_string())),
            "{n}: {:?}",
            tags.figures
        );
    }
    // An age, the end of a range and a route's number count nothing.
    for n in ["14", "35", "9"] {
        assert_eq!(what(n), None, "{n}: {:?}", tags.figures);
    }
}
