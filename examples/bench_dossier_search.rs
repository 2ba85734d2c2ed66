//! Benchmark of the staff dossier search (`motcua::search::dossiers`), for `scripts/bench/dossier-search.sh`
//! (docs/PERFORMANCE.md): builds an index of generated dossiers with the real `DossierWriter`, then measures search
//! latency under concurrent load next to a baseline measured in the same run.
//!
//! ```sh
//! cargo build --release --example bench_dossier_search
//! target/release/examples/bench_dossier_search --dossiers 1000000 --clients 8 --duration 60
//! ```
//!
//! - Data: `--dossiers` entries generated deterministically from `--seed`: Vietnamese applicants (weighted surnames,
//!   middle and given names, 10 % organisations) with 12-digit ID numbers, codes `000.00.19.H40-YYMMDD-XXXX` over
//!   three years, procedures of a district's one-stop section, an e-form flattened to text, and one to three
//!   documents of 150–400 words of administrative prose drawn (Zipf) from a vocabulary of a few thousand words and
//!   phrases, real ones at the head and generated syllable pairs in the tail. About 1 % of dossiers carry one to
//!   three "needle" sentences. 4 % are active (held by one of five units, clocks running or stopped, some overdue).
//! - Indexing: upserts through one `DossierWriter` into `--dir` (default: a temporary directory), a commit every
//!   `--commit-every`; reports dossiers/s and MB of text/s, then waits for the merges and reports the size on disk
//!   by kind of file.
//! - Load: a baseline phase (`DossierIndex::find_code`, one exact-term lookup through the same searcher: the floor
//!   of a search round trip), then the query mix, each with `--clients` threads for `--duration` seconds, limit 20
//!   with snippets. Latency p50/p99/max per kind and overall, throughput, and the CPU used by this process and by
//!   everything else on the machine during each phase (other work skews a 2-core measurement).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, ensure};
use clap::Parser;
use motcua::domain::text::fold_ascii;
use motcua::search::{
    DocumentText, DossierEntry, DossierIndex, DossierQuery, Freshness, Visibility,
};

#[derive(Parser, Debug)]
#[command(about = "Index generated dossiers and measure the staff dossier search under load")]
struct Args {
    #[arg(long, default_value_t = 1_000_000)]
    dossiers: u64,
    #[arg(long, default_value_t = 100_000)]
    commit_every: u64,
    /// Concurrent searching threads.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Seconds of the query mix under load.
    #[arg(long, default_value_t = 60)]
    duration: u64,
    /// Seconds of the baseline under load.
    #[arg(long, default_value_t = 15)]
    baseline: u64,
    #[arg(long, default_value_t = 20_261_129)]
    seed: u64,
    /// Index directory (its `dossiers-v*` is replaced); default a temporary directory, removed at the end.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Build the index (and its query samples) in `--dir`, then stop: the load phases run later with `--reuse`.
    #[arg(long)]
    build_only: bool,
    /// Reuse the index and samples a `--build-only` run left in `--dir` (load phases only).
    #[arg(long)]
    reuse: bool,
}

// ----------------------------------------------------------------------------------------------------------------
// Random numbers: SplitMix64, like the dossier seeder.

#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo).max(1) as u64) as i64
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

/// Picks an index with probability proportional to its weight.
struct Weighted(Vec<f64>);

impl Weighted {
    fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut acc = 0.0;
        Weighted(
            weights
                .into_iter()
                .map(|w| {
                    acc += w;
                    acc
                })
                .collect(),
        )
    }
    fn pick(&self, rng: &mut Rng) -> usize {
        let x =
            (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * self.0.last().copied().unwrap_or(0.0);
        self.0.partition_point(|c| *c <= x).min(self.0.len() - 1)
    }
}

// ----------------------------------------------------------------------------------------------------------------
// Vocabulary. Real words and phrases of administrative prose, most frequent first; the tail adds generated syllable
// pairs so the dictionary and the posting lists look like a real corpus's (Zipf, a long tail of rare words).

const HEAD: &str = "của|và|các|được|theo|cho|tại|có|người|về|đã|với|trong|là|không|này|số|ngày|tháng|năm|hồ sơ|\
quy định|cơ quan|giấy tờ|đề nghị|thực hiện|xác nhận|giấy chứng nhận|Ủy ban nhân dân|cấp|ông|bà|hộ gia đình|cá nhân|\
tổ chức|thửa đất|quyền sử dụng đất|thời hạn|nộp|trả kết quả|thủ tục|hành chính|pháp luật|nội dung|đơn|bản sao|\
chứng thực|bản chính|đăng ký|thông tin|địa chỉ|thường trú|tạm trú|công dân|căn cước|kèm theo|trường hợp|\
chịu trách nhiệm|trước pháp luật|cam kết|đúng sự thật|kê khai|hiện trạng|diện tích|mục đích sử dụng|bản đồ|\
địa chính|ranh giới|tranh chấp|thẩm định|phê duyệt|quyết định|thông báo|văn bản|ý kiến|phòng|huyện|xã|thôn|\
tỉnh|Bắc Ninh|Tiên Du|cán bộ|công chức|tiếp nhận|kiểm tra|đầy đủ|hợp lệ|bổ sung|hướng dẫn|lệ phí|phí|nghĩa vụ|\
tài chính|thuế|miễn|giảm|chuyển nhượng|tặng cho|thừa kế|thế chấp|xây dựng|công trình|nhà ở|riêng lẻ|giấy phép|\
khởi công|hoàn công|thiết kế|bản vẽ|móng|tầng|mái|sân|tường rào|đường|ngõ|kiệt|hẻm|khu dân cư|lô|khu phố|\
kinh doanh|hộ kinh doanh|ngành nghề|vốn|doanh thu|lao động|việc làm|bảo hiểm|xã hội|y tế|trợ cấp|hỗ trợ|\
người cao tuổi|người khuyết tật|hộ nghèo|cận nghèo|chính sách|người có công|liệt sĩ|thương binh|gia đình|\
khai sinh|khai tử|kết hôn|ly hôn|con nuôi|giám hộ|cha|mẹ|con|vợ|chồng|anh|chị|em|cháu|họ tên|ngày sinh|\
nơi sinh|quê quán|dân tộc|Kinh|quốc tịch|Việt Nam|nghề nghiệp|nông dân|giáo viên|công nhân|kinh doanh tự do|\
học sinh|trình độ|văn hóa|sức khỏe|bình thường|đủ điều kiện|không đủ điều kiện|chấp thuận|từ chối|lý do|\
trả lời|giải quyết|thời gian|làm việc|kể từ|nhận đủ|quá hạn|đúng hạn|sớm|chậm|xin lỗi|hẹn lại|\
biên bản|họp|hội đồng|thành viên|chủ tịch|phó chủ tịch|trưởng thôn|bí thư|mặt trận|đoàn thể|hội nông dân|\
hội phụ nữ|đoàn thanh niên|cựu chiến binh|đại diện|ký tên|đóng dấu|xác minh|niêm yết|công khai|khiếu nại|\
tố cáo|phản ánh|kiến nghị|môi trường|nước thải|rác thải|tiếng ồn|an ninh|trật tự|phòng cháy|chữa cháy|\
giao thông|thủy lợi|kênh mương|đê điều|cây trồng|vật nuôi|chăn nuôi|trồng trọt|lúa|hoa màu|ao|vườn|đất ở|\
đất nông nghiệp|đất trồng cây lâu năm|chuyển mục đích|giao đất|cho thuê đất|thu hồi|bồi thường|tái định cư|\
giải phóng mặt bằng|dự án|đầu tư|ngân sách|kinh phí|dự toán|quyết toán|hóa đơn|chứng từ|tài khoản|ngân hàng|\
chuyển khoản|tiền mặt|biên lai|thu|chi|nhận|giao|bàn giao|lưu trữ|bản điện tử|ký số|chữ ký|trực tuyến|\
bưu chính|một cửa|liên thông|cấp lại|cấp đổi|điều chỉnh|gia hạn|sửa đổi|bị mất|bị hỏng|hết hạn|còn hiệu lực|\
trước đây|hiện nay|sau này|đầu tiên|lần thứ hai|tiếp theo|cuối cùng|đồng thời|ngoài ra|tuy nhiên|do đó|vì vậy|\
nếu|thì|mà|nhưng|hoặc|cũng|đều|vẫn|chỉ|rất|nhiều|ít|mọi|mỗi|từng|tất cả|một số|phần|toàn bộ|trên|dưới|\
giữa|bên|cạnh|phía|đông|tây|nam|bắc|mét|mét vuông|hecta|chiều dài|chiều rộng|chiều cao|tiếp giáp|liền kề";

/// Needle sentences, each carried by about one dossier in a thousand: the benchmark's "find this sentence" queries.
const NEEDLES: [&str; 10] = [
    "Ủy ban nhân dân xã Tân Phước xác nhận hộ ông Lê Đình Khoa đã hoàn thành nghĩa vụ đóng góp xây dựng đường liên thôn.",
    "Gia đình cam kết tự tháo dỡ phần mái che lấn chiếm hành lang an toàn lưới điện trước ngày khởi công.",
    "Diện tích đo đạc thực tế chênh lệch so với giấy chứng nhận do sai số của bản đồ giải thửa năm một nghìn chín trăm chín mươi hai.",
    "Hội đồng tư vấn xét duyệt cho rằng giếng khoan của hộ bà Phùng Thị Nguyệt không ảnh hưởng đến nguồn nước sinh hoạt chung.",
    "Cháu bé được Trạm y tế xã Hoàn Sơn đỡ đẻ lúc hai giờ mười lăm phút sáng trong đêm mưa bão.",
    "Người đề nghị đã nộp đủ lệ phí trước bạ cho chiếc máy cày tay mua lại của hợp tác xã nông nghiệp Lũng Giang.",
    "Ranh giới phía bắc tiếp giáp mương thoát nước chung đã được các hộ liền kề ký xác nhận không tranh chấp.",
    "Cơ sở sản xuất gốm sứ cam kết lắp đặt hệ thống lọc bụi lò nung trước khi mở rộng quy mô.",
    "Ông Nguyễn Hữu Thắng là thương binh hạng bốn trên bốn, hiện sống cùng con gái tại thôn Ngọ Xá.",
    "Biên bản niêm yết công khai tại nhà văn hóa thôn Duệ Đông không nhận được ý kiến phản ánh nào.",
];

const ONSETS: [&str; 22] = [
    "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s",
    "t", "th", "tr", "v", "x",
];
/// Rhymes with the tone-bearing vowel first, and that vowel under each of the six tones.
const RHYMES: [(&str, [&str; 6]); 18] = [
    ("an", ["a", "á", "à", "ả", "ã", "ạ"]),
    ("anh", ["a", "á", "à", "ả", "ã", "ạ"]),
    ("ang", ["a", "á", "à", "ả", "ã", "ạ"]),
    ("ương", ["ươ", "ướ", "ườ", "ưở", "ưỡ", "ượ"]),
    ("inh", ["i", "í", "ì", "ỉ", "ĩ", "ị"]),
    ("ong", ["o", "ó", "ò", "ỏ", "õ", "ọ"]),
    ("ông", ["ô", "ố", "ồ", "ổ", "ỗ", "ộ"]),
    ("ân", ["â", "ấ", "ầ", "ẩ", "ẫ", "ậ"]),
    ("ên", ["ê", "ế", "ề", "ể", "ễ", "ệ"]),
    ("ai", ["a", "á", "à", "ả", "ã", "ạ"]),
    ("ơi", ["ơ", "ớ", "ờ", "ở", "ỡ", "ợ"]),
    ("ưa", ["ư", "ứ", "ừ", "ử", "ữ", "ự"]),
    ("uân", ["uâ", "uấ", "uầ", "uẩ", "uẫ", "uậ"]),
    ("iêm", ["iê", "iế", "iề", "iể", "iễ", "iệ"]),
    ("em", ["e", "é", "è", "ẻ", "ẽ", "ẹ"]),
    ("ươi", ["ươ", "ướ", "ườ", "ưở", "ưỡ", "ượ"]),
    ("âu", ["â", "ấ", "ầ", "ẩ", "ẫ", "ậ"]),
    ("ui", ["u", "ú", "ù", "ủ", "ũ", "ụ"]),
];

fn syllable(rng: &mut Rng) -> String {
    let (rhyme, tones) = rng.pick(&RHYMES);
    let vowel = tones[0];
    format!(
        "{}{}{}",
        rng.pick(&ONSETS),
        rng.pick(tones),
        &rhyme[vowel.len()..]
    )
}

/// The vocabulary with Zipf weights: the real words first, then `tail` generated two-syllable words.
struct Vocabulary {
    words: Vec<String>,
    weights: Weighted,
}

impl Vocabulary {
    fn new(rng: &mut Rng, tail: usize) -> Self {
        let mut words: Vec<String> = HEAD.split('|').map(str::to_owned).collect();
        words.extend((0..tail).map(|_| format!("{} {}", syllable(rng), syllable(rng))));
        let weights = Weighted::new((1..=words.len()).map(|rank| 1.0 / rank as f64));
        Vocabulary { words, weights }
    }

    /// One sentence of `n` vocabulary entries, sometimes with a number, capitalised, with a full stop.
    fn sentence(&self, rng: &mut Rng, n: usize, out: &mut String) -> usize {
        let start = out.len();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            match rng.below(40) {
                0 => out.push_str(&format!("số {}", rng.range(1, 999))),
                1 => out.push_str(&format!(
                    "ngày {} tháng {} năm {}",
                    rng.range(1, 29),
                    rng.range(1, 13),
                    rng.range(2015, 2027)
                )),
                _ => out.push_str(&self.words[self.weights.pick(rng)]),
            }
        }
        if let Some(first) = out[start..].chars().next() {
            let upper: String = first.to_uppercase().collect();
            out.replace_range(start..start + first.len_utf8(), &upper);
        }
        let words = out[start..].matches(' ').count() + 1;
        out.push_str(". ");
        words
    }

    /// A document of about `words` words (syllables), in sentences of 8–20 entries.
    fn document(&self, rng: &mut Rng, words: usize) -> String {
        let mut out = String::with_capacity(words * 6);
        let mut written = 0;
        while written < words {
            let n = 8 + rng.below(13);
            written += self.sentence(rng, n, &mut out);
        }
        out.trim_end().to_owned()
    }
}

// ----------------------------------------------------------------------------------------------------------------
// Dossiers.

#[rustfmt::skip]
const FAMILY: [(&str, f64); 14] = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 5.0), ("Phan", 4.5), ("Vũ", 4.0),
    ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5),
];
#[rustfmt::skip]
const MIDDLE: [&str; 16] = [
    "Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Đình", "Xuân", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Hồng",
    "Thanh", "Phương",
];
#[rustfmt::skip]
const GIVEN: [&str; 40] = [
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Minh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Trung",
    "Tuấn", "Việt", "Khánh", "Hiếu", "Đạt", "Toàn", "Anh", "Giang", "Hà", "Hạnh", "Hòa", "Hương", "Lan", "Linh",
    "Mai", "Nga", "Ngọc", "Phương", "Tâm", "Thảo", "Trang", "Yến", "Thủy", "Dung", "Huyền", "Nhung",
];
#[rustfmt::skip]
const PLACES: [&str; 10] = [
    "Phú Lâm", "Nội Duệ", "Lim", "Liên Bão", "Hiên Vân", "Hoàn Sơn", "Lạc Vệ", "Việt Đoàn", "Phật Tích", "Tân Chi",
];
/// Procedures of a district's one-stop section with their share of receipts.
#[rustfmt::skip]
const PROCEDURES: [(&str, &str, f64); 12] = [
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", 30.0),
    ("1.001193", "Đăng ký khai sinh", 12.0),
    ("1.000894", "Đăng ký kết hôn", 6.0),
    ("1.003583", "Cấp bản sao trích lục hộ tịch", 6.0),
    ("1.004227", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", 10.0),
    ("1.002993", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", 4.0),
    ("2.000575", "Đăng ký thành lập hộ kinh doanh", 8.0),
    ("1.009994", "Cấp giấy phép xây dựng đối với nhà ở riêng lẻ", 6.0),
    ("1.001776", "Thực hiện trợ cấp xã hội hàng tháng đối với người cao tuổi", 5.0),
    ("1.002425", "Giải quyết chế độ ưu đãi đối với người có công với cách mạng", 2.5),
    ("1.008901", "Cấp giấy phép khai thác nước dưới đất", 1.5),
    ("1.004946", "Xác nhận hoàn thành nghĩa vụ đóng góp xây dựng hạ tầng nông thôn", 1.0),
];
#[rustfmt::skip]
const FILES: [&str; 8] = [
    "Đơn đề nghị.pdf", "Căn cước công dân.pdf", "Giấy chứng nhận quyền sử dụng đất.pdf", "Biên bản xác minh.pdf",
    "Bản vẽ thiết kế.pdf", "Giấy xác nhận của xã.pdf", "Tờ khai.pdf", "Hợp đồng.pdf",
];
const UNITS: [&str; 5] = [
    "H40.12.01",
    "H40.12.02",
    "H40.12.03",
    "H40.12.04",
    "H40.12.05",
];
/// Eight specialists per unit, ids 100.., unit i holding 100 + 8i .. 100 + 8i + 7.
const SPECIALISTS_PER_UNIT: i64 = 8;
/// "Now" of the generated data: 2026-11-29 10:00 UTC; receipts span the three years before.
const NOW: i64 = 1_795_946_400;
const SPAN: i64 = 3 * 365 * 86_400;

struct Generator {
    rng: Rng,
    vocabulary: Vocabulary,
    family: Weighted,
    procedures: Weighted,
    next_document: i64,
}

impl Generator {
    fn new(seed: u64) -> Self {
        let mut rng = Rng(seed);
        let vocabulary = Vocabulary::new(&mut rng, 3_000);
        Generator {
            rng,
            vocabulary,
            family: Weighted::new(FAMILY.iter().map(|f| f.1)),
            procedures: Weighted::new(PROCEDURES.iter().map(|p| p.2)),
            next_document: 1,
        }
    }

    fn name(&mut self) -> String {
        let rng = &mut self.rng;
        if rng.chance(0.1) {
            return format!(
                "Công ty TNHH {} {}",
                self.vocabulary.words[100 + rng.below(300)],
                rng.pick(&PLACES)
            );
        }
        format!(
            "{} {} {}",
            FAMILY[self.family.pick(rng)].0,
            rng.pick(&MIDDLE),
            rng.pick(&GIVEN)
        )
    }

    /// Dossier `i` of `n`, received in order over the three years before `NOW`.
    fn dossier(&mut self, i: u64, n: u64) -> DossierEntry {
        let received = NOW - SPAN + (SPAN as f64 * i as f64 / n as f64) as i64;
        let applicant_name = self.name();
        let rng = &mut self.rng;
        let (procedure_code, procedure_name, _) = PROCEDURES[self.procedures.pick(rng)];
        let id_number = format!("0{}{}{}", rng.range(10, 97), rng.range(0, 4), rng.digits(8));
        let day = time_day(received);
        // About 1,300 receipts a day: the sequence restarts each day.
        let code = format!("000.00.19.H40-{day}-{:04}", 1 + (i % 1_300));
        let active = rng.chance(0.04) || received > NOW - 20 * 86_400;
        let unit_index = rng.below(UNITS.len());
        let specialist =
            100 + unit_index as i64 * SPECIALISTS_PER_UNIT + rng.range(0, SPECIALISTS_PER_UNIT);
        let not_received = active && rng.chance(0.05);
        let running = active && !not_received && rng.chance(0.8);
        let status = match (active, not_received, running) {
            (true, true, _) => 1,
            (true, false, true) => 2 + rng.below(2) as u8,
            (true, false, false) => 4 + rng.below(2) as u8,
            (false, _, _) => 9 + rng.below(2) as u8,
        };
        let form_text = format!(
            "Họ và tên: {applicant_name}\nSố định danh cá nhân: {id_number}\nĐịa chỉ: thôn {}, xã {}, huyện Tiên Du, tỉnh Bắc Ninh\nSố điện thoại: 09{}\nNội dung đề nghị: {}",
            rng.pick(&PLACES),
            rng.pick(&PLACES),
            rng.digits(8),
            procedure_name
        );
        let mut documents = Vec::new();
        let count = 1 + self.rng.below(3);
        let needles = if self.rng.chance(0.01) {
            1 + self.rng.below(3)
        } else {
            0
        };
        let needle_docs: Vec<usize> = (0..needles).map(|_| self.rng.below(count)).collect();
        for d in 0..count {
            let words = 150 + self.rng.below(251);
            let mut text = self.vocabulary.document(&mut self.rng, words);
            for _ in needle_docs.iter().filter(|&&n| n == d) {
                // After a random sentence, so the needle is anywhere in the document.
                let stops: Vec<usize> = text.match_indices(". ").map(|(p, _)| p + 2).collect();
                let at = if stops.is_empty() {
                    0
                } else {
                    *self.rng.pick(&stops)
                };
                text.insert_str(at, &format!("{} ", self.rng.pick(&NEEDLES)));
            }
            documents.push(DocumentText {
                document_id: self.next_document,
                file_name: self.rng.pick(&FILES).to_string(),
                text,
            });
            self.next_document += 1;
        }
        let rng = &mut self.rng;
        DossierEntry {
            id: i as i64 + 1,
            code: if not_received { String::new() } else { code },
            applicant_name,
            applicant_id_number: id_number,
            procedure_code: procedure_code.to_owned(),
            procedure_name: procedure_name.to_owned(),
            form_text,
            documents,
            status,
            unit: if active && !not_received {
                UNITS[unit_index].to_owned()
            } else {
                String::new()
            },
            assignee: (!not_received && (!active || rng.chance(0.7))).then_some(specialist),
            channel: [1, 1, 1, 1, 1, 1, 2, 2, 2, 3][rng.below(10)],
            received_at: (!not_received).then_some(received),
            submitted_at: received - rng.range(600, 3 * 86_400),
            due_at: running.then(|| received + rng.range(5, 30) * 86_400),
            running,
            active,
            archived: !active && received < NOW - 2 * 365 * 86_400,
        }
    }
}

/// "YYMMDD" of a unix time (UTC), without a date library: days since 1970 to a civil date.
fn time_day(t: i64) -> String {
    let z = t.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{:02}{m:02}{d:02}", y % 100)
}

// ----------------------------------------------------------------------------------------------------------------
// Indexing.

/// What the queries are made of: every 997th dossier's code, ID number, name, unit and staff.
#[derive(Clone)]
struct Sample {
    code: String,
    id_number: String,
    name: String,
    unit: usize,
    assignee: i64,
}

fn build(index: &DossierIndex, args: &Args) -> Result<Vec<Sample>> {
    let mut generator = Generator::new(args.seed);
    let mut writer = index.writer()?;
    writer.delete_all()?;
    let started = Instant::now();
    let (mut bytes, mut generating, mut since) = (0usize, Duration::ZERO, Instant::now());
    let mut samples = Vec::new();
    let mut peak_anon = 0;
    for i in 0..args.dossiers {
        let t = Instant::now();
        let entry = generator.dossier(i, args.dossiers);
        generating += t.elapsed();
        samples.extend(sample(i, &entry, args.dossiers));
        bytes += entry.applicant_name.len() + entry.procedure_name.len() + entry.form_text.len();
        bytes += entry
            .documents
            .iter()
            .map(|d| d.text.len() + d.file_name.len())
            .sum::<usize>();
        writer.upsert(&entry)?;
        if (i + 1).is_multiple_of(args.commit_every) || i + 1 == args.dossiers {
            let t = Instant::now();
            writer.commit()?;
            peak_anon = peak_anon.max(rss_anon_kb());
            eprintln!(
                "indexed {} dossiers, {:.0} MB of text, {:.1} s (last commit {:.1} s; {:.0} dossiers/s since the previous)",
                i + 1,
                bytes as f64 / 1e6,
                started.elapsed().as_secs_f64(),
                t.elapsed().as_secs_f64(),
                args.commit_every as f64 / since.elapsed().as_secs_f64()
            );
            since = Instant::now();
        }
    }
    let indexing = started.elapsed().as_secs_f64();
    let t = Instant::now();
    writer.wait_merging_threads()?;
    let merging = t.elapsed().as_secs_f64();
    println!("### Indexing\n");
    println!(
        "- {} dossiers, {:.0} MB of text (names, procedures, e-forms, file names, documents; UTF-8)",
        args.dossiers,
        bytes as f64 / 1e6
    );
    println!(
        "- upserts and commits: {indexing:.1} s = **{:.0} dossiers/s, {:.1} MB of text/s** (one indexing thread; the \
         generator runs on the calling thread and took {:.1} s of it)",
        args.dossiers as f64 / indexing,
        bytes as f64 / 1e6 / indexing,
        generating.as_secs_f64()
    );
    println!("- waiting for the merges after the last commit: {merging:.1} s");
    println!(
        "- anonymous memory of the process (RssAnon, at each commit; the index's mapped files not counted): at most {:.0} MB",
        peak_anon as f64 / 1024.0
    );
    Ok(samples)
}

/// Resident anonymous memory of this process in KiB: the heap (generator, writer buffers), not the mapped index.
fn rss_anon_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status
        .lines()
        .find(|l| l.starts_with("RssAnon:"))
        .unwrap_or_default();
    line.split_whitespace()
        .nth(1)
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}

/// About a thousand received dossiers, spread over the whole range.
fn sample(i: u64, entry: &DossierEntry, n: u64) -> Option<Sample> {
    let step = (n / 1_000).max(1) | 1;
    (i.is_multiple_of(step) && !entry.code.is_empty()).then(|| Sample {
        code: entry.code.clone(),
        id_number: entry.applicant_id_number.clone(),
        name: entry.applicant_name.clone(),
        unit: UNITS
            .iter()
            .position(|u| *u == entry.unit)
            .unwrap_or(i as usize % UNITS.len()),
        assignee: entry.assignee.unwrap_or(100),
    })
}

const SAMPLES_FILE: &str = "bench-samples.tsv";

fn save_samples(dir: &Path, samples: &[Sample]) -> Result<()> {
    let lines: Vec<String> = samples
        .iter()
        .map(|s| {
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                s.code, s.id_number, s.name, s.unit, s.assignee
            )
        })
        .collect();
    Ok(std::fs::write(dir.join(SAMPLES_FILE), lines.concat())?)
}

fn load_samples(dir: &Path) -> Result<Vec<Sample>> {
    let text = std::fs::read_to_string(dir.join(SAMPLES_FILE))
        .context("no samples: build with --build-only first")?;
    text.lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            ensure!(f.len() == 5, "bad sample line {line:?}");
            Ok(Sample {
                code: f[0].to_owned(),
                id_number: f[1].to_owned(),
                name: f[2].to_owned(),
                unit: f[3].parse()?,
                assignee: f[4].parse()?,
            })
        })
        .collect()
}

/// Size on disk by kind of file (tantivy's extensions: store, pos, idx, term, fast, fieldnorm …).
fn disk_usage(dir: &Path) -> Result<BTreeMap<String, u64>> {
    let mut sizes = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            for (k, v) in disk_usage(&entry.path())? {
                *sizes.entry(k).or_insert(0) += v;
            }
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = name
            .rsplit_once('.')
            .map_or(name.clone(), |(_, ext)| ext.to_owned());
        *sizes.entry(kind).or_insert(0) += entry.metadata()?.len();
    }
    Ok(sizes)
}

// ----------------------------------------------------------------------------------------------------------------
// Queries.

/// The query mix: each kind with its weight.
#[rustfmt::skip]
const KINDS: [(&str, f64); 11] = [
    ("needle sentence, no diacritics", 3.0), ("needle sentence, one typo", 1.0),
    ("applicant name, no diacritics", 2.0), ("applicant name, accented", 1.0),
    ("exact code", 2.0), ("exact 12-digit ID number", 1.0),
    ("common words", 1.0), ("words + Limited + statuses", 2.0),
    ("overdue list, Limited", 1.0), ("list: unit + channel + 30 days", 1.0), ("list: everything", 0.5),
];
/// Words found in a large part of any office's dossiers.
#[rustfmt::skip]
const COMMON: [&str; 8] = [
    "giay chung nhan quyen su dung dat", "xac nhan", "ho gia dinh", "uy ban nhan dan xa", "chuyen nhuong",
    "dang ky khai sinh", "bien ban xac minh", "giay phep xay dung",
];

enum Op {
    Search(Box<DossierQuery>),
    FindCode(String),
}

fn needle_words(rng: &mut Rng) -> Vec<String> {
    let needle = *rng.pick(&NEEDLES);
    let words: Vec<String> = fold_ascii(needle)
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
        .collect();
    let len = 5 + rng.below(5).min(words.len() - 5);
    let start = rng.below(words.len() - len + 1);
    words[start..start + len].to_vec()
}

fn make_query(kind: usize, rng: &mut Rng, samples: &[Sample]) -> Op {
    let s = rng.pick(samples).clone();
    let limited = |closed_too| Visibility::Limited {
        unit: Some(UNITS[s.unit].to_owned()),
        staff_id: s.assignee,
        closed_too,
    };
    let mut q = DossierQuery::default();
    match kind {
        0 => q.text = needle_words(rng).join(" "),
        1 => {
            let mut words = needle_words(rng);
            let long: Vec<usize> = (0..words.len()).filter(|&i| words[i].len() >= 5).collect();
            if let Some(&i) = long.first() {
                let mut w: Vec<char> = words[i].chars().collect();
                w.swap(1, 2);
                words[i] = w.into_iter().collect();
            }
            q.text = words.join(" ");
        }
        2 => q.text = fold_ascii(&s.name),
        3 => q.text = s.name,
        4 => q.text = s.code,
        5 => q.text = s.id_number,
        6 => q.text = rng.pick(&COMMON).to_string(),
        7 => {
            q.text = rng.pick(&COMMON).to_string();
            q.statuses = vec![2, 3, 4];
            q.visibility = limited(false);
        }
        8 => {
            q.overdue_at = Some(NOW);
            q.visibility = limited(false);
        }
        9 => {
            q.unit = Some(UNITS[s.unit].to_owned());
            q.channel = Some(1);
            q.from = Some(NOW - 30 * 86_400);
        }
        _ => {}
    }
    Op::Search(Box::new(q))
}

/// What one query found: the hits on its page, the total, whether it was counted to the end, whether the page of
/// a text query is ranked (its hits have scores; else the matches were too many and are listed newest first).
struct Found {
    hits: usize,
    total: usize,
    exact: bool,
    ranked: bool,
}

fn execute(index: &DossierIndex, op: &Op) -> Result<Found> {
    Ok(match op {
        Op::Search(q) => {
            let r = index.search(q)?;
            let ranked = q.text.trim().is_empty() || r.hits.iter().any(|h| h.score > 0.0);
            Found {
                hits: r.hits.len(),
                total: r.total,
                exact: r.total_exact,
                ranked,
            }
        }
        Op::FindCode(code) => {
            let n = usize::from(index.find_code(code)?.is_some());
            Found {
                hits: n,
                total: n,
                exact: true,
                ranked: true,
            }
        }
    })
}

// ----------------------------------------------------------------------------------------------------------------
// Load and report.

/// CPU ticks (of all cores) busy on the machine and used by this process, to tell our load from other work.
fn cpu_ticks() -> (u64, u64) {
    let machine = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let line = machine.lines().next().unwrap_or_default();
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: busy is all but idle, iowait and steal.
    let busy = [0, 1, 2, 5, 6].iter().filter_map(|&i| fields.get(i)).sum();
    let me = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = me.rsplit_once(')').map_or("", |(_, rest)| rest);
    let own = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    (busy, own)
}

/// Per query kind: latencies in microseconds, pages without a hit, the sum of totals, totals counted only up to
/// the limit, pages not ranked.
#[derive(Clone, Default)]
struct Stats {
    latencies: Vec<u64>,
    empty: usize,
    matched: u64,
    capped: usize,
    unranked: usize,
}

impl Stats {
    fn record(&mut self, micros: u64, found: &Found) {
        self.latencies.push(micros);
        self.empty += usize::from(found.hits == 0);
        self.matched += found.total as u64;
        self.capped += usize::from(!found.exact);
        self.unranked += usize::from(!found.ranked);
    }

    fn merge(&mut self, other: Stats) {
        self.latencies.extend(other.latencies);
        self.empty += other.empty;
        self.matched += other.matched;
        self.capped += other.capped;
        self.unranked += other.unranked;
    }
}

/// A phase: stats per kind, wall time, and the cores used by this process and by other work meanwhile.
struct Phase {
    stats: Vec<Stats>,
    seconds: f64,
    own_cores: f64,
    other_cores: f64,
}

type MakeOp<'a> = &'a (dyn Fn(usize, &mut Rng) -> Op + Sync);

/// Runs `work` and measures the CPU it took and what else the machine did meanwhile.
fn measured(work: impl FnOnce() -> Result<Vec<Stats>>) -> Result<Phase> {
    let (busy0, own0) = cpu_ticks();
    let started = Instant::now();
    let stats = work()?;
    let seconds = started.elapsed().as_secs_f64();
    let (busy1, own1) = cpu_ticks();
    let ticks = 100.0 * seconds; // USER_HZ is 100 on Linux
    let (own, busy) = ((own1 - own0) as f64, (busy1 - busy0) as f64);
    Ok(Phase {
        stats,
        seconds,
        own_cores: own / ticks,
        other_cores: (busy - own).max(0.0) / ticks,
    })
}

/// Each kind `n` times in turn on one thread: the cost of a query without queueing.
fn alone(
    index: &DossierIndex,
    kinds: &[(&str, f64)],
    make: MakeOp,
    n: usize,
    seed: u64,
) -> Result<Phase> {
    measured(|| {
        let mut rng = Rng(seed ^ 0xA10E);
        let mut stats = vec![Stats::default(); kinds.len()];
        for (k, s) in stats.iter_mut().enumerate() {
            for _ in 0..n {
                let op = make(k, &mut rng);
                let t = Instant::now();
                let found = execute(index, &op)?;
                s.record(t.elapsed().as_micros() as u64, &found);
            }
        }
        Ok(stats)
    })
}

/// `clients` threads running a weighted mix of `kinds` for `seconds`.
fn load(
    index: &DossierIndex,
    clients: usize,
    seconds: u64,
    kinds: &[(&str, f64)],
    make: MakeOp,
    seed: u64,
) -> Result<Phase> {
    let stop = AtomicBool::new(false);
    let weights = Weighted::new(kinds.iter().map(|k| k.1));
    measured(|| {
        let results: Vec<Result<Vec<Stats>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..clients)
                .map(|c| {
                    let (stop, weights) = (&stop, &weights);
                    scope.spawn(move || -> Result<Vec<Stats>> {
                        let mut rng = Rng(seed ^ (c as u64 + 1).wrapping_mul(0x9E37_79B9));
                        let mut stats = vec![Stats::default(); kinds.len()];
                        while !stop.load(Ordering::Relaxed) {
                            let kind = weights.pick(&mut rng);
                            let op = make(kind, &mut rng);
                            let t = Instant::now();
                            let found = execute(index, &op)?;
                            stats[kind].record(t.elapsed().as_micros() as u64, &found);
                        }
                        Ok(stats)
                    })
                })
                .collect();
            std::thread::sleep(Duration::from_secs(seconds));
            stop.store(true, Ordering::Relaxed);
            let panicked = || Err(anyhow::anyhow!("a client panicked"));
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| panicked()))
                .collect()
        });
        let mut stats = vec![Stats::default(); kinds.len()];
        for result in results {
            for (total, s) in stats.iter_mut().zip(result?) {
                total.merge(s);
            }
        }
        Ok(stats)
    })
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

fn report(title: &str, kinds: &[(&str, f64)], phase: &Phase, clients: usize) {
    println!("### {title}\n");
    println!(
        "{clients} thread(s), {:.1} s; CPU: this process {:.2} cores, other work on the machine {:.2} cores\n",
        phase.seconds, phase.own_cores, phase.other_cores
    );
    println!(
        "| query kind | queries | q/s | p50 ms | p90 ms | p99 ms | max ms | mean total | capped totals | unranked pages | empty pages |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let row = |name: &str, s: &Stats| {
        let mut l = s.latencies.clone();
        l.sort_unstable();
        let n = l.len().max(1) as f64;
        println!(
            "| {name} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {} | {} | {} |",
            l.len(),
            l.len() as f64 / phase.seconds,
            percentile(&l, 0.5),
            percentile(&l, 0.9),
            percentile(&l, 0.99),
            percentile(&l, 1.0),
            s.matched as f64 / n,
            s.capped,
            s.unranked,
            s.empty
        );
    };
    for (s, (name, _)) in phase.stats.iter().zip(kinds) {
        row(name, s);
    }
    if kinds.len() > 1 {
        let mut all = Stats::default();
        phase.stats.iter().for_each(|s| all.merge(s.clone()));
        row("**all**", &all);
    }
    println!();
}

fn main() -> Result<()> {
    let args = Args::parse();
    let temp = tempfile::tempdir()?;
    let dir = args.dir.clone().unwrap_or_else(|| temp.path().to_owned());
    println!("## Dossier search benchmark\n");
    println!(
        "- machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/cpuinfo")
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(": "))
            .map_or("unknown CPU", |(_, m)| m)
    );
    println!("- arguments: {args:?}\n");
    let samples = if args.reuse {
        load_samples(&dir)?
    } else {
        let (index, _) = DossierIndex::open(&dir)?;
        let samples = build(&index, &args)?;
        save_samples(&dir, &samples)?;
        samples
    };
    // Reopened, so the reader sees the merged segments (the writer's reader was reloaded at the last commit only).
    let (index, freshness) = DossierIndex::open(&dir)?;
    ensure!(
        freshness == Freshness::Existing,
        "the index was not found again"
    );
    ensure!(
        index.doc_count() == args.dossiers,
        "{} dossiers in the index, {} expected",
        index.doc_count(),
        args.dossiers
    );
    let index_dir = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.join("meta.json").exists())
        .context("no index directory")?;
    let sizes = disk_usage(&index_dir)?;
    let total: u64 = sizes.values().sum();
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(index_dir.join("meta.json"))?)?;
    let segments = meta["segments"].as_array().map_or(0, Vec::len);
    println!(
        "- index on disk after merges: **{:.0} MB** in {segments} segments ({:.0} bytes per dossier); by kind of file:",
        total as f64 / 1e6,
        total as f64 / args.dossiers as f64
    );
    for (kind, size) in sizes.iter().filter(|(_, size)| **size >= 1_000_000) {
        let share = 100.0 * *size as f64 / total as f64;
        println!(
            "  - `.{kind}` files: {:.0} MB ({share:.0} %)",
            *size as f64 / 1e6
        );
    }
    println!("- by field and part (`DossierIndex::space_by_part`, parts of 2 MB or more):");
    for (part, size) in index
        .space_by_part()?
        .iter()
        .filter(|(_, size)| *size >= 2_000_000)
    {
        let share = 100.0 * *size as f64 / total as f64;
        println!("  - {part}: {:.0} MB ({share:.0} %)", *size as f64 / 1e6);
    }
    println!();
    let q = DossierQuery::text(fold_ascii(NEEDLES[0]));
    let found = index.search(&q)?;
    ensure!(
        found.total > 0 && !found.hits[0].snippet_html.is_empty(),
        "the first needle was not found"
    );
    println!(
        "Check: \"{}\" finds {} dossiers; first snippet ({:?}): {}\n",
        q.text, found.total, found.hits[0].snippet_source, found.hits[0].snippet_html
    );
    if args.build_only {
        return Ok(());
    }

    let baseline_kinds = [(
        "baseline: find_code (one exact term, no parsing, scoring or snippet)",
        1.0,
    )];
    let baseline = |_: usize, rng: &mut Rng| Op::FindCode(rng.pick(&samples).code.clone());
    let mix = |kind: usize, rng: &mut Rng| make_query(kind, rng, &samples);
    let each = alone(&index, &KINDS, &mix, 30, args.seed)?;
    report(
        "Each query alone (one thread, 30 of each kind in turn)",
        &KINDS,
        &each,
        1,
    );
    report(
        "Baseline under load",
        &baseline_kinds,
        &load(
            &index,
            args.clients,
            args.baseline,
            &baseline_kinds,
            &baseline,
            args.seed,
        )?,
        args.clients,
    );
    report(
        "Query mix under load (limit 20, snippets)",
        &KINDS,
        &load(&index, args.clients, args.duration, &KINDS, &mix, args.seed)?,
        args.clients,
    );
    Ok(())
}
