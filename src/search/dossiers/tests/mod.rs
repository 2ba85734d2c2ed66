//! Search layer: unit tests of the dossier index, mostly over the fixtures' eight dossiers.

// Tests fail loudly on purpose; the lint guards request paths.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod fixtures;

use self::fixtures::{DAY, NOW, SENTENCE, T0, TP, doc, dossier, fixtures};
use super::collect::Limits;
use super::index::open_version;
use super::query::completes_code;
use super::{
    DOSSIER_SCHEMA_VERSION, DossierEntry, DossierIndex, DossierQuery, DossierResults,
    SnippetSource, Visibility,
};
use crate::search::{Freshness, SearchIndex};

fn index_of(entries: &[DossierEntry]) -> DossierIndex {
    let index = DossierIndex::in_ram().expect("in-RAM index");
    let mut writer = index.writer().expect("writer");
    for e in entries {
        writer.upsert(e).expect("upsert");
    }
    writer.commit().expect("commit");
    index
}

fn run(index: &DossierIndex, q: &DossierQuery) -> DossierResults {
    index.search(q).expect("search")
}

fn ids_of(index: &DossierIndex, q: &DossierQuery) -> Vec<i64> {
    run(index, q).hits.into_iter().map(|h| h.id).collect()
}

fn ids(index: &DossierIndex, text: &str) -> Vec<i64> {
    ids_of(index, &DossierQuery::text(text))
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

fn listing(configure: impl FnOnce(&mut DossierQuery)) -> DossierQuery {
    let mut q = DossierQuery::default();
    configure(&mut q);
    q
}

#[test]
fn a_document_sentence_typed_without_diacritics_is_found_first() {
    let index = index_of(&fixtures());
    assert_eq!(
        ids(&index, "nghia vu dong gop xay dung duong lien thon"),
        [1]
    );
    assert_eq!(ids(&index, "NGHĨA VỤ ĐÓNG GÓP"), [1]);
}

#[test]
fn a_name_mentioned_in_a_document_is_found_without_diacritics() {
    let index = index_of(&fixtures());
    assert_eq!(ids(&index, "Le Dinh Khoa"), [1]);
    assert_eq!(
        ids(&index, "le dinh kh"),
        [1],
        "the last word completes while typing"
    );
}

#[test]
fn one_typo_per_word_is_tolerated() {
    let index = index_of(&fixtures());
    assert_eq!(
        ids(&index, "nghia vu dong gop xay dugn duong lien thon"),
        [1]
    );
    assert_eq!(ids(&index, "dong gop duogn lien thon "), [1]);
}

#[test]
fn the_snippet_comes_from_the_document_that_matches_and_names_it() {
    let index = index_of(&fixtures());
    let results = run(
        &index,
        &DossierQuery::text("nghia vu dong gop xay dung duong lien thon"),
    );
    let hit = &results.hits[0];
    assert_eq!(
        hit.snippet_source,
        SnippetSource::Document {
            document_id: 102,
            file_name: "Giấy xác nhận của xã.pdf".to_owned()
        }
    );
    assert!(
        hit.snippet_html
            .contains("<mark>nghĩa</mark> <mark>vụ</mark>"),
        "{}",
        hit.snippet_html
    );
    // In a long document, the excerpt opens shortly before the words and closes at a word boundary.
    let filler =
        "Các bên cam kết thực hiện đúng quy định của pháp luật về đất đai và xây dựng. ".repeat(8);
    let mut long = dossier(9, 0, "Trịnh Văn Bảo", "Cấp giấy phép xây dựng");
    long.documents = vec![doc(
        901,
        "Xác nhận.pdf",
        &format!("{filler}{SENTENCE} {filler}"),
    )];
    let index = index_of(&[long]);
    let hit = &run(
        &index,
        &DossierQuery::text("nghia vu dong gop xay dung duong lien thon"),
    )
    .hits[0];
    let html = &hit.snippet_html;
    assert!(
        html.starts_with("…hộ ông Lê Đình Khoa đã hoàn thành <mark>nghĩa</mark> <mark>vụ</mark>"),
        "{html}"
    );
    assert!(
        html.contains("<mark>liên</mark> <mark>thôn</mark>.") && html.ends_with('…'),
        "{html}"
    );
    assert!(
        !html.contains("<mark>xây</mark> <mark>dựng</mark>. Các"),
        "the best window is the sentence: {html}"
    );
    // The other document of the same dossier matches the other words.
    let index = index_of(&fixtures());
    let results = run(&index, &DossierQuery::text("de nghi cap giay phep"));
    let hit = results.hits.iter().find(|h| h.id == 1).expect("dossier 1");
    assert!(
        matches!(
            hit.snippet_source,
            SnippetSource::Document {
                document_id: 101,
                ..
            }
        ),
        "{hit:?}"
    );
}

#[test]
fn the_snippet_falls_back_to_the_form_the_applicant_or_the_procedure() {
    let index = index_of(&fixtures());
    let form = &run(&index, &DossierQuery::text("ly thai to"));
    assert_eq!(
        (form.hits[0].id, &form.hits[0].snippet_source),
        (7, &SnippetSource::Form)
    );
    assert!(
        form.hits[0]
            .snippet_html
            .contains("<mark>Lý</mark> <mark>Thái</mark> <mark>Tổ</mark>")
    );
    let name = &run(&index, &DossierQuery::text("hoang thi mai"));
    assert_eq!(name.hits[0].snippet_source, SnippetSource::Applicant);
    assert_eq!(
        name.hits[0].snippet_html,
        "<mark>Hoàng</mark> <mark>Thị</mark> <mark>Mai</mark>"
    );
    let procedure = &run(&index, &DossierQuery::text("dang ky thuong tru"));
    assert_eq!(procedure.hits[0].snippet_source, SnippetSource::Procedure);
    let form_text = "A <Tân> & \"Phước\" xã".to_owned();
    let escaped = index_of(&[DossierEntry {
        form_text,
        ..dossier(9, 0, "X", "Y")
    }]);
    let hit = &run(&escaped, &DossierQuery::text("tan phuoc")).hits[0];
    assert_eq!(
        hit.snippet_html,
        "A &lt;<mark>Tân</mark>&gt; &amp; &quot;<mark>Phước</mark>&quot; xã"
    );
}

#[test]
fn a_sentence_typed_in_order_ranks_above_dossiers_holding_its_words_apart() {
    let mut entries = fixtures();
    // Newer, and every word of the sentence more often, but never next to each other as typed.
    let mut scattered = dossier(9, 8, "Đinh Văn Lực", "Đăng ký biến động đất đai");
    scattered.documents = vec![doc(
        901,
        "Biên bản.pdf",
        "Thôn liên kết đường xây dựng; dựng xây đóng góp nghĩa vụ; \
        vụ nghĩa góp đóng thôn liên đường; đường dựng xây góp đóng liên vụ nghĩa thôn.",
    )];
    entries.push(scattered);
    let index = index_of(&entries);
    assert_eq!(
        ids(&index, "nghia vu dong gop xay dung duong lien thon"),
        [1, 9]
    );
    // Quoted, the words must be next to each other.
    assert_eq!(ids(&index, "\"dong gop xay dung\""), [1]);
}

#[test]
fn a_text_matching_more_than_can_be_ranked_is_listed_newest_first_and_counted_to_the_limit() {
    let limits = Limits { rank: 5, count: 8 };
    let index = DossierIndex::in_ram_with_limits(limits).expect("index");
    let mut writer = index.writer().expect("writer");
    for i in 1..=12 {
        let mut e = dossier(i, i, "Nguyễn Văn An", "Đăng ký khai sinh");
        e.form_text = format!("Hộ gia đình số {i}");
        writer.upsert(&e).expect("upsert");
    }
    writer.commit().expect("commit");
    let mut q = DossierQuery::text("ho gia dinh");
    q.limit = 3;
    let results = run(&index, &q);
    assert_eq!((results.total, results.total_exact), (8, false));
    assert_eq!(
        results.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [12, 11, 10]
    );
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.score == 0.0 && !h.snippet_html.is_empty())
    );
    q.offset = 9;
    assert_eq!(ids_of(&index, &q), [3, 2, 1], "pages go on past the count");
    // Within the limits, the same words are ranked and counted exactly.
    q = DossierQuery::text("ho gia dinh so 7");
    let results = run(&index, &q);
    assert_eq!(
        (results.total, results.total_exact, results.hits[0].id),
        (1, true, 7)
    );
    assert!(results.hits[0].score > 0.0);
    let listed = run(&index, &listing(|q| (q.channel, q.limit) = (Some(1), 2)));
    assert_eq!((listed.total, listed.total_exact), (8, false));
    assert_eq!(
        listed.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [12, 11]
    );
    let everything = run(&index, &DossierQuery::default());
    assert_eq!((everything.total, everything.total_exact), (12, true));
}

#[test]
fn a_code_its_tail_or_an_id_number_typed_exactly_finds_that_dossier_first() {
    let index = index_of(&fixtures());
    assert_eq!(ids(&index, "000.00.19.H40-261129-0001"), [1]);
    assert_eq!(ids(&index, "000.00.19.h40-261130-0004"), [4]);
    assert_eq!(ids(&index, "261130-0004"), [4]);
    assert_eq!(ids(&index, "038085000003"), [3]);
    assert_eq!(
        run(&index, &DossierQuery::text("038085000003")).hits[0].snippet_source,
        SnippetSource::None
    );
    assert_eq!(
        index
            .find_code("000.00.19.H40-261130-0006")
            .expect("lookup"),
        Some(6)
    );
    assert_eq!(index.find_code("261130-0006").expect("lookup"), Some(6));
    assert_eq!(
        index
            .find_code("000.00.19.H40-261130-0099")
            .expect("lookup"),
        None
    );
}

#[test]
fn a_code_typed_up_to_its_day_completes_and_a_shorter_start_does_not() {
    let index = index_of(&fixtures());
    assert_eq!(sorted(ids(&index, "000.00.19.H40-261129")), [1, 8]);
    assert_eq!(sorted(ids(&index, "261130-000")), [2, 3, 4, 5, 6]);
    assert!(ids(&index, "000.00.19.H40-2611").is_empty());
    assert!(completes_code("000.00.19.h40-261129-00"));
    assert!(completes_code("261129"));
    assert!(!completes_code("000.00.19.h40-"));
    assert!(!completes_code("038085000003"));
    assert!(!completes_code("261129-0001-7"));
}

#[test]
fn the_applicant_ranks_above_a_dossier_that_only_mentions_the_name() {
    let index = index_of(&fixtures());
    assert_eq!(ids(&index, "tran van hung"), [3, 4]);
}

#[test]
fn the_exact_accented_spelling_ranks_first() {
    let index = index_of(&fixtures());
    assert_eq!(ids(&index, "Tấn ")[0], 6);
    assert_eq!(ids(&index, "Tân ")[0], 5);
}

#[test]
fn the_status_filter_keeps_only_the_statuses_asked_for() {
    let index = index_of(&fixtures());
    assert_eq!(
        sorted(ids_of(&index, &listing(|q| q.statuses = vec![10]))),
        [3, 8]
    );
    assert_eq!(
        sorted(ids_of(&index, &listing(|q| q.statuses = vec![1, 2]))),
        [2, 7]
    );
    let mut q = DossierQuery::text("xay dung");
    q.statuses = vec![10];
    assert_eq!(ids_of(&index, &q), [8]);
}

#[test]
fn the_unit_filter_keeps_the_dossiers_that_unit_holds() {
    let index = index_of(&fixtures());
    assert_eq!(
        sorted(ids_of(&index, &listing(|q| q.unit = Some(TP.to_owned())))),
        [2, 6]
    );
    let mut q = DossierQuery::text("tan phuoc");
    q.unit = Some(TP.to_owned());
    assert_eq!(ids_of(&index, &q), [2]);
    assert_eq!(
        run(&index, &listing(|q| q.unit = Some(String::new()))).total,
        8,
        "blank means any"
    );
}

#[test]
fn the_channel_filter_keeps_one_channel() {
    let index = index_of(&fixtures());
    assert_eq!(
        sorted(ids_of(&index, &listing(|q| q.channel = Some(2)))),
        [2, 7]
    );
    assert_eq!(ids_of(&index, &listing(|q| q.channel = Some(3))), [3]);
}

#[test]
fn the_period_filter_is_half_open_on_receipt_or_else_submission() {
    let index = index_of(&fixtures());
    let period = |from, to| listing(|q| (q.from, q.to) = (from, to));
    assert_eq!(
        sorted(ids_of(&index, &period(Some(T0 + DAY), Some(T0 + 3 * DAY)))),
        [2, 3]
    );
    // Dossier 7 was submitted (not received) an hour before day 6.
    assert_eq!(ids_of(&index, &period(Some(T0 + 5 * DAY + 1), None)), [7]);
    assert_eq!(ids_of(&index, &period(None, Some(T0))), [8]);
}

#[test]
fn the_overdue_filter_keeps_running_clocks_past_their_deadline() {
    let index = index_of(&fixtures());
    assert_eq!(
        ids_of(&index, &listing(|q| q.overdue_at = Some(NOW))),
        [4, 2]
    );
    assert_eq!(
        ids_of(&index, &listing(|q| q.overdue_at = Some(NOW - DAY))),
        [4]
    );
    let mut q = DossierQuery::text("khai sinh");
    q.overdue_at = Some(NOW);
    assert_eq!(ids_of(&index, &q), [2]);
}

#[test]
fn limited_visibility_hides_other_units_but_shows_assigned_and_optionally_closed_dossiers() {
    let index = index_of(&fixtures());
    let seen = |unit: Option<&str>, staff_id, closed_too| {
        let visibility = Visibility::Limited {
            unit: unit.map(str::to_owned),
            staff_id,
            closed_too,
        };
        sorted(ids_of(&index, &listing(|q| q.visibility = visibility)))
    };
    // A head of the Tư pháp unit: what it holds, nothing of Kinh tế - Hạ tầng.
    assert_eq!(seen(Some(TP), 999, false), [2, 6]);
    // A specialist of that unit also sees the closed dossier assigned to him.
    assert_eq!(seen(Some(TP), 21, false), [2, 3, 6]);
    // Without a unit: only what is assigned.
    assert_eq!(seen(None, 32, false), [4]);
    // Closed dossiers too when allowed (3 and the archived 8).
    assert_eq!(seen(Some(TP), 999, true), [2, 3, 6, 8]);
    let mut q = DossierQuery::text("xay dung");
    q.visibility = Visibility::Limited {
        unit: Some(TP.to_owned()),
        staff_id: 999,
        closed_too: false,
    };
    assert!(ids_of(&index, &q).is_empty());
}

#[test]
fn upsert_replaces_the_dossier_and_delete_removes_it() {
    let index = index_of(&fixtures());
    let mut writer = index.writer().expect("writer");
    let mut changed = fixtures().remove(0);
    changed.applicant_name = "Lê Đình Khôi".to_owned();
    changed.documents.clear();
    writer.upsert(&changed).expect("upsert");
    writer.upsert(&changed).expect("upsert twice");
    writer.commit().expect("commit");
    assert_eq!(index.doc_count(), 8);
    assert!(ids(&index, "nghia vu dong gop ").is_empty());
    assert_eq!(ids(&index, "le dinh khoi "), [1]);
    writer.delete(1).expect("delete");
    writer.delete(12345).expect("delete of nothing");
    writer.commit().expect("commit");
    assert_eq!(index.doc_count(), 7);
    assert!(
        ids(&index, "le dinh khoi ").is_empty(),
        "{:?}",
        ids(&index, "le dinh khoi ")
    );
    writer.delete_all().expect("delete all");
    writer.commit().expect("commit");
    assert_eq!(index.doc_count(), 0);
}

#[test]
fn empty_text_lists_newest_first_by_receipt_or_submission() {
    let index = index_of(&fixtures());
    let results = run(&index, &DossierQuery::default());
    let listed: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    assert_eq!(listed, [7, 6, 5, 4, 3, 2, 1, 8]);
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.snippet_html.is_empty() && h.snippet_source == SnippetSource::None)
    );
    assert_eq!(
        ids(&index, "  \" ,"),
        listed,
        "punctuation only is empty too"
    );
}

#[test]
fn offset_and_limit_page_through_the_total() {
    let entries: Vec<DossierEntry> = (1..=45)
        .map(|i| dossier(i, i, "Nguyễn Văn An", "Đăng ký khai sinh"))
        .collect();
    let index = index_of(&entries);
    let page = |offset, limit| run(&index, &listing(|q| (q.offset, q.limit) = (offset, limit)));
    let first = page(0, 20);
    assert_eq!(first.total, 45);
    assert_eq!(
        first.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        (26..=45).rev().collect::<Vec<_>>()
    );
    let last = page(40, 20);
    assert_eq!(
        (
            last.total,
            last.hits.iter().map(|h| h.id).collect::<Vec<_>>()
        ),
        (45, vec![5, 4, 3, 2, 1])
    );
    assert!(page(60, 20).hits.is_empty());
    // Equal scores page by the same order, without repeats.
    let text = |offset| {
        let mut q = DossierQuery::text("nguyen van an");
        (q.offset, q.limit) = (offset, 10);
        ids_of(&index, &q)
    };
    let mut all: Vec<i64> = (0..5).flat_map(|p| text(p * 10)).collect();
    assert_eq!(all[..3], [45, 44, 43]);
    all.sort_unstable();
    assert_eq!(all, (1..=45).collect::<Vec<_>>());
}

#[test]
fn a_persisted_index_reopens_with_its_dossiers_and_a_version_bump_starts_afresh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let search_dir = dir.path().join("search");
    let (catalogue, _) = SearchIndex::open(&search_dir).expect("catalogue");
    {
        let (index, freshness) = DossierIndex::open(&search_dir).expect("open");
        assert_eq!(freshness, Freshness::Created);
        let mut writer = index.writer().expect("writer");
        for e in fixtures() {
            writer.upsert(&e).expect("upsert");
        }
        writer.commit().expect("commit");
        writer.wait_merging_threads().expect("merges");
    }
    let (index, freshness) = DossierIndex::open(&search_dir).expect("reopen");
    assert_eq!(freshness, Freshness::Existing);
    assert_eq!(index.doc_count(), 8);
    assert_eq!(ids(&index, "le dinh khoa"), [1]);
    drop(index);
    let (index, freshness) = open_version(&search_dir, DOSSIER_SCHEMA_VERSION + 1).expect("bump");
    assert_eq!((freshness, index.doc_count()), (Freshness::Created, 0));
    let old = search_dir.join(format!("dossiers-v{DOSSIER_SCHEMA_VERSION}"));
    assert!(!old.exists());
    assert!(
        search_dir
            .join(format!("procedures-v{}", crate::search::SCHEMA_VERSION))
            .exists()
    );
    drop(catalogue);
}
