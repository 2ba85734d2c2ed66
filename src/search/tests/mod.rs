//! Search layer: unit tests over an in-memory index of realistic procedures.

// Tests fail loudly on purpose; the lint guards request paths.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod bench;
mod fixtures;

use unicode_normalization::UnicodeNormalization;

use self::fixtures::catalogue;
use super::index::open_version;
use super::schema::{fold, vi_analyzer};
use super::{
    Freshness, ProcedureEntry, ProcedureHit, ProcedureQuery, ProcedureResults, SCHEMA_VERSION,
    SearchIndex,
};

fn index_of(entries: &[ProcedureEntry]) -> SearchIndex {
    let index = SearchIndex::in_ram().expect("in-RAM index");
    let mut writer = index.writer().expect("writer");
    for e in entries {
        writer.upsert(e).expect("upsert");
    }
    writer.commit().expect("commit");
    index
}

fn catalogue_index() -> SearchIndex {
    index_of(&catalogue())
}

fn run(index: &SearchIndex, q: &ProcedureQuery) -> ProcedureResults {
    index.search(q).expect("search")
}

fn codes(index: &SearchIndex, text: &str) -> Vec<String> {
    let results = run(index, &ProcedureQuery::text(text));
    results.hits.into_iter().map(|h| h.code).collect()
}

fn first(index: &SearchIndex, text: &str) -> String {
    codes(index, text).into_iter().next().unwrap_or_default()
}

fn hit(index: &SearchIndex, text: &str, code: &str) -> ProcedureHit {
    let results = run(index, &ProcedureQuery::text(text));
    let found = results.hits.into_iter().find(|h| h.code == code);
    found.unwrap_or_else(|| panic!("{code} not found for {text:?}"))
}

#[test]
fn folded_queries_find_the_accented_procedure_first() {
    let index = catalogue_index();
    assert_eq!(first(&index, "giay phep xay dung"), "DEMO-XD-01");
    assert_eq!(first(&index, "GIAY PHEP XAY DUNG"), "DEMO-XD-01");
    assert_eq!(first(&index, "dang ky dat dai"), "DEMO-DD-01");
    assert_eq!(first(&index, "chung thuc ban sao"), "DEMO-CT-01");
}

#[test]
fn decomposed_unicode_is_normalised_when_indexing_and_querying() {
    let mut entries = catalogue();
    entries[4].name = "Đăng ký kết hôn có yếu tố nước ngoài".nfd().collect();
    let index = index_of(&entries);
    let nfd_query: String = "giấy phép xây dựng".nfd().collect();
    assert_eq!(first(&index, &nfd_query), "DEMO-XD-01");
    assert_eq!(first(&index, "kết hôn yếu tố"), "DEMO-HT-03");
    assert_eq!(first(&index, "ket hon yeu to nuoc ngoai"), "DEMO-HT-03");
}

#[test]
fn a_wrong_tone_mark_still_finds_the_procedure() {
    let index = catalogue_index();
    assert_eq!(first(&index, "giấy phép xấy dựng"), "DEMO-XD-01");
    assert_eq!(first(&index, "đăng kỳ khài sính"), "DEMO-HT-01");
}

#[test]
fn one_typo_is_tolerated_in_words_of_four_letters_or_more() {
    let index = catalogue_index();
    assert_eq!(first(&index, "giay phep xay dunh"), "DEMO-XD-01");
    assert_eq!(first(&index, "khia sinh"), "DEMO-HT-01");
    assert_eq!(first(&index, "dang ky thuogn tru"), "1.001193");
    assert_eq!(first(&index, "chung thuuc"), "DEMO-CT-01");
}

#[test]
fn typos_are_sought_only_for_words_the_index_does_not_contain() {
    let index = catalogue_index();
    // "thihc" is in no dictionary: its neighbour "thích" is found in the text ("người thân thích").
    let found = codes(&index, "nguoi than thihc ");
    assert!(found.contains(&"DEMO-HT-01".to_owned()) && found.contains(&"DEMO-HT-02".to_owned()));
    // "minh" is a word the index holds: it is taken as typed, so neither its name neighbour "sinh" nor its text
    // neighbours "tình", "định" count.
    let found = codes(&index, "minh ");
    assert!(!found.contains(&"DEMO-HT-01".to_owned()), "{found:?}");
    assert!(!found.contains(&"DEMO-HT-03".to_owned()), "{found:?}");
    assert!(!found.contains(&"DEMO-CT-01".to_owned()), "{found:?}");
}

#[test]
fn a_known_word_is_taken_as_typed_and_an_unknown_one_finds_its_neighbours() {
    let index = catalogue_index();
    let known = codes(&index, "giao ");
    // "giao" itself: Bàn giao (name), Giao thông (text); not "giá" (Bán đấu giá) nor "giấy".
    assert_eq!(known[..2], ["DEMO-TS-02", "DEMO-GT-01"]);
    assert!(!known.contains(&"DEMO-TS-01".to_owned()), "{known:?}");
    assert!(!known.contains(&"DEMO-XD-01".to_owned()), "{known:?}");
    // "giiao" is no word: one deletion away it is "giao", found in the name first.
    let typo = codes(&index, "giiao ");
    assert_eq!(typo[..2], ["DEMO-TS-02", "DEMO-GT-01"], "{typo:?}");
}

#[test]
fn raw_telex_is_decoded() {
    let index = catalogue_index();
    assert_eq!(first(&index, "giaays pheps xaay duwngj"), "DEMO-XD-01");
    assert_eq!(first(&index, "ddawng kys khai sinh"), "DEMO-HT-01");
}

#[test]
fn a_quoted_phrase_is_required_and_adjacency_ranks_unquoted_queries() {
    let index = catalogue_index();
    let quoted = codes(&index, "\"khai sinh\"");
    assert_eq!(quoted.first().map(String::as_str), Some("DEMO-HT-01"));
    assert!(!quoted.contains(&"DEMO-HT-04".to_owned()), "{quoted:?}");
    let loose = codes(&index, "khai sinh ");
    assert_eq!(loose.first().map(String::as_str), Some("DEMO-HT-01"));
    assert!(loose.contains(&"DEMO-HT-04".to_owned()), "{loose:?}");
    // A phrase plus a free word: both required.
    assert_eq!(codes(&index, "\"dang ky\" dat dai")[0], "DEMO-DD-01");
}

#[test]
fn the_last_word_matches_as_a_prefix_while_typing() {
    let index = catalogue_index();
    let typing = codes(&index, "dang ky kha");
    let mut top_two = typing[..2].to_vec();
    top_two.sort();
    assert_eq!(top_two, ["DEMO-HT-01", "DEMO-HT-02"]);
    assert_eq!(first(&index, "chứng th"), "DEMO-CT-01");
    // A finished word (trailing space) is not a prefix: "ngo" alone matches nothing, while typing it finds
    // "nước ngoài".
    assert!(codes(&index, "ngo ").is_empty());
    assert_eq!(codes(&index, "ngo"), ["DEMO-LD-01"]);
}

#[test]
fn words_are_anded_and_a_long_question_falls_back_to_or() {
    let index = catalogue_index();
    let both = codes(&index, "khai tử ");
    assert_eq!(both[0], "DEMO-HT-02");
    assert!(
        !both.contains(&"DEMO-CT-01".to_owned()),
        "từ without khai: {both:?}"
    );
    let question = run(
        &index,
        &ProcedureQuery::text("thủ tục đăng ký khai sinh cho con cần những gì"),
    );
    assert_eq!(question.hits[0].code, "DEMO-HT-01");
    assert!(question.total > 1);
}

#[test]
fn the_name_weighs_more_than_the_text() {
    let index = catalogue_index();
    let found = codes(&index, "kinh doanh ");
    assert_eq!(found[0], "DEMO-KD-01");
    assert!(found.contains(&"DEMO-LD-01".to_owned()), "{found:?}");
}

#[test]
fn exact_diacritics_rank_above_folded_matches() {
    let index = catalogue_index();
    let ban = codes(&index, "bàn ");
    assert_eq!(ban[0], "DEMO-TS-02");
    assert!(ban.contains(&"DEMO-TS-01".to_owned()), "{ban:?}");
    assert_eq!(first(&index, "bán "), "DEMO-TS-01");
}

#[test]
fn a_procedure_code_finds_its_procedure_first() {
    let index = catalogue_index();
    for (query, code) in [
        ("DEMO-XD-01", "DEMO-XD-01"),
        ("demo-xd-01", "DEMO-XD-01"),
        ("DEMO-HT-02", "DEMO-HT-02"),
        ("1.001193", "1.001193"),
        (" 1.001193 ", "1.001193"),
    ] {
        assert_eq!(first(&index, query), code, "{query}");
    }
}

#[test]
fn snippets_mark_the_accented_words_a_folded_query_matched() {
    let index = catalogue_index();
    let h = hit(&index, "giay phep", "DEMO-XD-01");
    assert!(
        h.name_html.contains("<mark>giấy</mark> <mark>phép</mark>"),
        "{}",
        h.name_html
    );
    assert!(h.text_html.contains("<mark>giấy</mark>"), "{}", h.text_html);
    let h = hit(&index, "giay phep xay dunh", "DEMO-XD-01");
    assert!(
        h.name_html.contains("<mark>dựng</mark>"),
        "fuzzy: {}",
        h.name_html
    );
    let h = hit(&index, "giaays pheps", "DEMO-XD-01");
    assert!(
        h.name_html.contains("<mark>giấy</mark>"),
        "telex: {}",
        h.name_html
    );
    let h = hit(&index, "dang ky kha", "DEMO-HT-01");
    assert_eq!(
        h.name_html,
        "<mark>Đăng</mark> <mark>ký</mark> <mark>khai</mark> sinh"
    );
    let h = hit(&index, "luat su", "DEMO-LS-01");
    assert!(
        h.name_html
            .contains("<mark>luật</mark> <mark>sư</mark> &amp; công"),
        "{}",
        h.name_html
    );
}

#[test]
fn a_hit_matched_outside_name_and_text_has_plain_snippets() {
    let index = catalogue_index();
    let h = hit(&index, "1.001193", "1.001193");
    assert_eq!(h.name_html, "Đăng ký thường trú");
    assert_eq!(h.text_html, "");
    let all = run(&index, &ProcedureQuery::default());
    let ls = all
        .hits
        .iter()
        .find(|h| h.code == "DEMO-LS-01")
        .expect("listed");
    assert!(ls.name_html.contains("&amp;") && !ls.name_html.contains("<mark>"));
}

#[test]
fn an_empty_query_lists_everything_by_name() {
    let index = catalogue_index();
    let all = run(
        &index,
        &ProcedureQuery {
            text: " \" ".to_owned(),
            ..ProcedureQuery::default()
        },
    );
    assert_eq!(all.total, catalogue().len());
    assert_eq!(all.hits.len(), catalogue().len());
    let mut folder = vi_analyzer();
    let folded: Vec<String> = all
        .hits
        .iter()
        .map(|h| fold(&mut folder, &h.name_html))
        .collect();
    assert!(folded.windows(2).all(|w| w[0] <= w[1]), "{folded:?}");
    assert_eq!(
        all.hits[0].code, "DEMO-TS-01",
        "bán đấu giá before bàn giao"
    );
}

fn facet(values: &[(String, u64)], value: &str) -> u64 {
    values
        .iter()
        .find(|(v, _)| v == value)
        .map_or(0, |(_, n)| *n)
}

#[test]
fn filters_narrow_hits_and_facets_ignore_their_own_filter() {
    let index = catalogue_index();
    let q = ProcedureQuery {
        sector: Some("H40-HT".to_owned()),
        ..ProcedureQuery::default()
    };
    let ht = run(&index, &q);
    assert_eq!(ht.total, 4);
    assert!(ht.hits.iter().all(|h| h.code.starts_with("DEMO-HT")));
    assert_eq!(facet(&ht.facets.sector, "H40-HT"), 4);
    assert_eq!(
        facet(&ht.facets.sector, "H40-TP"),
        3,
        "other sectors keep their counts"
    );
    assert_eq!(ht.facets.level, [("commune".to_owned(), 4)]);
    assert_eq!(facet(&ht.facets.service_level, "full"), 3);
    assert_eq!(facet(&ht.facets.service_level, "partial"), 1);

    let q = ProcedureQuery {
        level: Some("commune".to_owned()),
        service_level: Some("full".to_owned()),
        ..q
    };
    let narrow = run(&index, &q);
    assert_eq!(narrow.total, 3);
    assert_eq!(
        facet(&narrow.facets.sector, "H40-TP"),
        1,
        "commune+full, any sector"
    );
    assert_eq!(facet(&narrow.facets.sector, "H40-CA"), 1);
    assert_eq!(
        facet(&narrow.facets.service_level, "partial"),
        1,
        "HT+commune, any service"
    );
    assert_eq!(
        narrow.facets.level,
        [("commune".to_owned(), 3)],
        "HT+full, any level"
    );
    let unknown = ProcedureQuery {
        sector: Some("H99".to_owned()),
        ..ProcedureQuery::default()
    };
    assert_eq!(run(&index, &unknown).total, 0);
}

#[test]
fn every_facet_count_equals_the_total_of_picking_that_value() {
    let index = catalogue_index();
    let base = ProcedureQuery {
        text: "đăng ký".to_owned(),
        level: Some("commune".to_owned()),
        ..ProcedureQuery::default()
    };
    let results = run(&index, &base);
    assert!(results.total > 0);
    let dimensions = [
        (&results.facets.sector, 0),
        (&results.facets.level, 1),
        (&results.facets.service_level, 2),
    ];
    for (values, dimension) in dimensions {
        assert!(!values.is_empty());
        for (value, count) in values {
            let mut q = base.clone();
            let slot = match dimension {
                0 => &mut q.sector,
                1 => &mut q.level,
                _ => &mut q.service_level,
            };
            *slot = Some(value.clone());
            assert_eq!(run(&index, &q).total as u64, *count, "{dimension} {value}");
        }
    }
}

#[test]
fn pages_cover_every_hit_once_with_a_stable_total() {
    let index = catalogue_index();
    let all = run(
        &index,
        &ProcedureQuery {
            limit: 1000,
            ..ProcedureQuery::text("dang ky")
        },
    );
    assert!(all.total > 6 && all.hits.len() == all.total);
    let mut paged = Vec::new();
    for offset in (0..all.total + 3).step_by(3) {
        let page = run(
            &index,
            &ProcedureQuery {
                offset,
                limit: 3,
                ..ProcedureQuery::text("dang ky")
            },
        );
        assert_eq!(page.total, all.total);
        paged.extend(page.hits.into_iter().map(|h| h.code));
    }
    let expected: Vec<String> = all.hits.into_iter().map(|h| h.code).collect();
    assert_eq!(paged, expected);
    let counts_only = run(
        &index,
        &ProcedureQuery {
            limit: 0,
            ..ProcedureQuery::text("dang ky")
        },
    );
    assert!(counts_only.hits.is_empty());
    assert_eq!(counts_only.total, expected.len());
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let index = catalogue_index();
    let mut writer = index.writer().expect("writer");
    let mut changed = catalogue()[0].clone();
    changed.name = "Cấp giấy phép xây dựng có thời hạn".to_owned();
    writer.upsert(&changed).expect("upsert");
    writer.upsert(&changed).expect("upsert again");
    writer.commit().expect("commit");
    assert_eq!(index.doc_count(), catalogue().len() as u64);
    let found = run(&index, &ProcedureQuery::text("DEMO-XD-01"));
    let same: Vec<_> = found
        .hits
        .iter()
        .filter(|h| h.code == "DEMO-XD-01")
        .collect();
    assert_eq!(same.len(), 1);
    assert!(
        same[0].name_html.contains("thời hạn"),
        "{}",
        same[0].name_html
    );
    assert!(
        index.writer().is_err(),
        "a second writer is refused while one lives"
    );

    writer.delete("DEMO-XD-01").expect("delete");
    writer.commit().expect("commit");
    assert!(!codes(&index, "giay phep xay dung").contains(&"DEMO-XD-01".to_owned()));
    assert_eq!(index.doc_count(), catalogue().len() as u64 - 1);
    writer.delete_all().expect("delete all");
    writer.commit().expect("commit");
    assert_eq!(index.doc_count(), 0);
    assert_eq!(run(&index, &ProcedureQuery::default()).total, 0);

    // A rebuild: delete everything and add the catalogue back in one commit; searches see the old state until then.
    writer.upsert(&catalogue()[2]).expect("upsert");
    writer.commit().expect("commit");
    writer.delete_all().expect("delete all");
    for e in &catalogue()[..4] {
        writer.upsert(e).expect("upsert");
    }
    assert_eq!(index.doc_count(), 1, "not visible before the commit");
    writer.commit().expect("commit");
    assert_eq!(index.doc_count(), 4);
    assert_eq!(first(&index, "khai sinh"), "DEMO-HT-01");
}

#[test]
fn open_reopens_an_existing_index_and_a_version_bump_starts_fresh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let search_dir = dir.path().join("search");
    std::fs::create_dir_all(search_dir.join("procedures-v0")).expect("old dir");
    std::fs::write(search_dir.join("procedures-v0/meta.json"), "{}").expect("old file");
    {
        let (index, freshness) = SearchIndex::open(&search_dir).expect("open");
        assert_eq!(freshness, Freshness::Created);
        assert!(
            !search_dir.join("procedures-v0").exists(),
            "older version removed"
        );
        let mut writer = index.writer().expect("writer");
        for e in &catalogue()[..3] {
            writer.upsert(e).expect("upsert");
        }
        writer.commit().expect("commit");
    }
    let current = search_dir.join(format!("procedures-v{SCHEMA_VERSION}"));
    assert!(current.join("meta.json").exists());
    {
        let (index, freshness) = SearchIndex::open(&search_dir).expect("reopen");
        assert_eq!(freshness, Freshness::Existing);
        assert_eq!(index.doc_count(), 3);
        assert_eq!(
            first(&index, "khai sinh"),
            "DEMO-HT-01",
            "analyzers registered on reopen"
        );
    }
    let (index, freshness) = open_version(&search_dir, SCHEMA_VERSION + 1).expect("bump");
    assert_eq!(freshness, Freshness::Created);
    assert_eq!(index.doc_count(), 0);
    assert!(
        !current.exists(),
        "the previous version's directory is gone"
    );
}

#[test]
fn the_index_handle_is_shareable_across_threads() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<SearchIndex>();
    fn sendable<T: Send>() {}
    sendable::<super::ProcedureWriter>();
    let index = catalogue_index();
    let other = index.clone();
    let from_thread = std::thread::spawn(move || first(&other, "khai tu"));
    assert_eq!(from_thread.join().expect("thread"), "DEMO-HT-02");
}
