//! Search layer benchmark (ignored by default): 10,000 synthetic procedures and a few hundred mixed queries, timed
//! one thread at a time and on two threads at once (the appliance has two cores).
//!
//! `cargo test --release --lib search::tests::bench -- --ignored --nocapture`

use std::time::{Duration, Instant};

use unicode_normalization::UnicodeNormalization;

use super::super::{ProcedureEntry, ProcedureQuery, SearchIndex};

const PROCEDURES: usize = 10_000;
const QUERIES: usize = 400;

const ACTIONS: &[&str] = &[
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Đăng ký",
    "Điều chỉnh",
    "Gia hạn",
    "Thu hồi",
    "Xác nhận",
    "Công nhận",
    "Thẩm định",
    "Phê duyệt",
    "Chứng thực",
    "Thông báo",
    "Giải quyết",
    "Hỗ trợ",
];
const OBJECTS: &[&str] = &[
    "giấy phép xây dựng",
    "giấy chứng nhận quyền sử dụng đất",
    "khai sinh",
    "khai tử",
    "kết hôn",
    "hộ kinh doanh",
    "giấy phép lái xe",
    "giấy phép lao động",
    "chứng chỉ hành nghề",
    "văn bằng",
    "trợ cấp xã hội",
    "bảo hiểm y tế",
    "tài sản công",
    "dự án đầu tư",
    "cơ sở giáo dục",
    "hoạt động khoáng sản",
    "khai thác nguồn nước",
    "đánh giá tác động môi trường",
    "miễn giảm thuế",
    "hộ nghèo",
    "thường trú",
    "tạm trú",
    "con nuôi",
    "quốc tịch",
    "di tích lịch sử",
];
const QUALIFIERS: &[&str] = &[
    "đối với nhà ở riêng lẻ",
    "cho người nước ngoài",
    "có yếu tố nước ngoài",
    "lần đầu",
    "trường hợp bị mất",
    "do hết hạn",
    "tại khu công nghiệp",
    "trong khu kinh tế",
    "",
];
/// Everyday words of procedure texts; most of a real text is these.
const COMMON: &[&str] = &[
    "hồ sơ",
    "cơ quan",
    "giấy tờ",
    "theo",
    "quy định",
    "của",
    "và",
    "các",
    "được",
    "người",
    "nộp",
    "trực tiếp",
    "bản sao",
    "chứng thực",
    "bản chính",
    "đơn",
    "đề nghị",
    "tiếp nhận",
    "giải quyết",
    "thời hạn",
    "ngày làm việc",
    "kể từ ngày",
    "nhận đủ",
    "hợp lệ",
    "trường hợp",
    "không",
    "phải",
    "có",
    "thẩm quyền",
    "Ủy ban nhân dân",
    "cấp tỉnh",
    "cấp huyện",
    "cấp xã",
    "Sở",
    "Phòng",
    "bộ phận một cửa",
    "trả kết quả",
    "lệ phí",
    "phí",
    "đồng",
    "mẫu",
    "tờ khai",
    "văn bản",
    "thông báo",
    "lý do",
    "xem xét",
    "kiểm tra",
    "xác minh",
    "ký",
    "quyết định",
    "ban hành",
    "nghị định",
    "thông tư",
    "luật",
    "điều",
    "khoản",
    "tổ chức",
    "cá nhân",
    "doanh nghiệp",
    "hộ gia đình",
    "công dân",
    "nước ngoài",
    "trong nước",
    "đăng ký",
    "thay đổi",
    "bổ sung",
    "sửa đổi",
    "hướng dẫn",
    "thực hiện",
    "qua",
    "dịch vụ công",
    "trực tuyến",
    "bưu chính",
    "công ích",
    "điện tử",
    "cổng",
    "thông tin",
    "dữ liệu",
    "quốc gia",
    "dân cư",
    "căn cước",
    "chứng minh",
    "nhân thân",
    "địa chỉ",
    "nơi cư trú",
    "số điện thoại",
    "thư điện tử",
    "bản vẽ",
    "thiết kế",
    "hợp đồng",
    "biên bản",
    "báo cáo",
    "kết quả",
    "đánh giá",
    "cam kết",
    "bảo đảm",
    "an toàn",
    "vệ sinh",
    "môi trường",
    "phòng cháy",
    "chữa cháy",
    "đất đai",
    "xây dựng",
    "tài chính",
    "ngân sách",
    "thuế",
    "kho bạc",
    "ngân hàng",
    "tài khoản",
];
const ONSETS: &[&str] = &[
    "", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s",
    "t", "th", "tr", "v", "x",
];
const RHYMES: &[&str] = &[
    "a", "an", "ang", "anh", "ai", "ao", "at", "ac", "ach", "em", "en", "eo", "ep", "et", "i",
    "im", "in", "inh", "it", "ich", "o", "oi", "on", "ong", "ot", "oc", "u", "um", "un", "ung",
    "ut", "uc", "ua", "uy", "ươi", "ương", "ươc", "ay", "ây", "ân", "âng", "ơ", "ơi", "ơn", "ư",
    "ưa", "ưng",
];
/// Combining tone marks (none, huyền, sắc, hỏi, ngã, nặng), composed by NFC.
const TONES: &[&str] = &["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"];
const SECTORS: usize = 24;
const LEVELS: &[&str] = &["province", "district", "commune"];
const SERVICE: &[&str] = &["full", "partial", "none"];

/// A small deterministic generator (64-bit LCG), so runs compare.
struct Lcg(u64);

impl Lcg {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        items[(self.0 >> 33) as usize % items.len()]
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize % n
    }

    /// A plausible syllable: onset, rhyme, tone on the rhyme's first vowel.
    fn syllable(&mut self) -> String {
        let rhyme = self.pick(RHYMES);
        let tone = self.pick(TONES);
        let mut chars = rhyme.chars();
        let first: String = chars.next().into_iter().collect();
        let rest: String = chars.collect();
        format!("{}{first}{tone}{rest}", self.pick(ONSETS))
            .nfc()
            .collect()
    }

    /// `n` words, seven in ten from the everyday vocabulary and the rest rare syllables.
    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| match self.below(10) {
                0..=6 => self.pick(COMMON).to_owned(),
                _ => self.syllable(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn synthetic(n: usize) -> Vec<ProcedureEntry> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let sector = rng.below(SECTORS);
            let name = format!(
                "{} {} {}",
                rng.pick(ACTIONS),
                rng.pick(OBJECTS),
                rng.pick(QUALIFIERS)
            );
            let mut lines = vec![
                format!("Bước 1: Tổ chức, cá nhân nộp hồ sơ {}", rng.words(16)),
                format!("Bước 2: Cơ quan {} xem xét {}", rng.words(3), rng.words(20)),
                format!("Tờ khai {} theo mẫu", rng.pick(OBJECTS)),
                format!("Bản sao {} {}", rng.pick(OBJECTS), rng.words(5)),
                format!(
                    "Nộp trực tiếp hoặc qua dịch vụ công trực tuyến {}",
                    rng.words(4)
                ),
                format!("Kết quả: {} {}", rng.pick(OBJECTS), rng.words(3)),
                format!(
                    "Luật {} số {}/20{}/QH1{}",
                    rng.words(2),
                    i % 90,
                    10 + i % 14,
                    i % 6
                ),
                format!("Lĩnh vực {}", rng.words(2)),
            ];
            // Real texts run to a few hundred words: conditions, fees, legal basis.
            for step in 3..=12 {
                lines.push(format!("Bước {step}: {}", rng.words(12)));
            }
            ProcedureEntry {
                code: format!("SYN-{sector:02}-{i:05}"),
                name,
                text: lines.join("\n"),
                sector: format!("H40-S{sector:02}"),
                level: rng.pick(LEVELS).to_owned(),
                service_level: rng.pick(SERVICE).to_owned(),
            }
        })
        .collect()
}

fn queries(n: usize) -> Vec<ProcedureQuery> {
    let texts = [
        "giay phep xay dung",
        "giấy phép xây dựng",
        "giấy phép xấy dựng",
        "giay phep xay dunh",
        "giaays pheps xaay duwngj",
        "dang ky khai sinh",
        "đăng ký kha",
        "khia sinh",
        "\"khai sinh\"",
        "cap doi giay chung nhan quyen su dung dat",
        "ho kinh doanh",
        "tro cap xa hoi",
        "bao hiem y te",
        "thu tuc dang ky ket hon voi nguoi nuoc ngoai can nhung giay to gi",
        "SYN-07-00123",
        "gia han",
        "chung chi hanh nghe",
        "di tích",
        "qu",
        "nguồn nước",
        "thuế",
        "con nuoi co yeu to nuoc ngoai",
        "",
        "tam tru",
        "khai thác",
        "hoat dong khoang san",
        "dự án đầu tư trong khu kinh tế",
    ];
    let mut rng = Lcg(7);
    (0..n)
        .map(|i| {
            let mut q = ProcedureQuery::text(texts[i % texts.len()]);
            match rng.below(6) {
                0 => q.sector = Some(format!("H40-S{:02}", rng.below(SECTORS))),
                1 => q.level = Some(rng.pick(LEVELS).to_owned()),
                2 => {
                    q.service_level = Some("full".to_owned());
                    q.level = Some("commune".to_owned());
                }
                3 => q.offset = 20,
                _ => {}
            }
            q
        })
        .collect()
}

fn time_all(index: &SearchIndex, queries: &[ProcedureQuery]) -> Vec<Duration> {
    queries
        .iter()
        .map(|q| {
            let started = Instant::now();
            let results = index.search(q).expect("search");
            std::hint::black_box(results);
            started.elapsed()
        })
        .collect()
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let total: Duration = times.iter().sum();
    let avg = total / times.len() as u32;
    let p50 = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    let max = times[times.len() - 1];
    println!(
        "{label}: n={} avg={avg:?} p50={p50:?} p99={p99:?} max={max:?}",
        times.len()
    );
}

#[test]
#[ignore = "benchmark: run with --ignored --nocapture, preferably --release"]
fn ten_thousand_procedures_search_quickly() {
    let entries = synthetic(PROCEDURES);
    let index = SearchIndex::in_ram().expect("index");
    let started = Instant::now();
    let mut writer = index.writer().expect("writer");
    for e in &entries {
        writer.upsert(e).expect("upsert");
    }
    writer.commit().expect("commit");
    println!(
        "indexed {} procedures in {:?}",
        index.doc_count(),
        started.elapsed()
    );

    let queries = queries(QUERIES);
    time_all(&index, &queries[..50]); // warm caches
    report("1 thread ", time_all(&index, &queries));

    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (index, queries) = (index.clone(), queries.clone());
            std::thread::spawn(move || time_all(&index, &queries))
        })
        .collect();
    let times = handles
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect();
    report("2 threads", times);
}
