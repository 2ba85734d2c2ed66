//! The procedure editor's form: every level-1 item as plain inputs (lists one item per line, components, fees and
//! workflow steps as numbered rows), parsed back into a procedure body. Works without JavaScript: "more rows"
//! re-renders the form with empty rows instead of saving.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::archive::{MAX_RETENTION_YEARS, Retention};
use crate::domain::catalogue::{
    Channels, Component, FeeRef, ImplLevel, Procedure, ProcessingTime, ServiceLevel, TemplateRef,
    TimeUnit, WorkflowStep,
};
use crate::domain::role::Role;
use crate::domain::text::nfc;
use crate::services::packs::reason;
use crate::store::catalogue::{DocType, Fee, Sector};
use crate::store::org::Unit;

/// Submitted pairs, looked up by name.
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| nfc(v.trim()))
            .unwrap_or_default()
    }

    fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == "1")
    }

    /// The highest row index used for a row prefix such as `c` (`c3_name`), plus one.
    fn rows(&self, prefix: &str) -> usize {
        self.0
            .iter()
            .filter_map(|(k, _)| {
                k.strip_prefix(prefix)?
                    .split_once('_')
                    .and_then(|(n, _)| n.parse::<usize>().ok())
            })
            .max()
            .map_or(0, |n| n + 1)
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn number(pairs: &Pairs, name: &str, path: &str, errors: &mut FieldErrors) -> u32 {
    let raw = pairs.get(name);
    if raw.is_empty() {
        return 0;
    }
    raw.parse().unwrap_or_else(|_| {
        errors.add(path, "invalid");
        0
    })
}

/// Parses the editor's fields. Problems a person can make in a field (a non-number where a number goes, a JSON
/// syntax error in the e-form) are collected; the domain rules run afterwards in the service.
pub fn parse(pairs: &Pairs, code: &str, templates: Vec<TemplateRef>) -> (Procedure, FieldErrors) {
    let mut errors = FieldErrors::new();
    let level = ImplLevel::parse(&pairs.get("level")).unwrap_or_else(|| {
        errors.add("level", "required");
        ImplLevel::District
    });
    let service_level = ServiceLevel::parse(&pairs.get("service_level")).unwrap_or_else(|| {
        errors.add("service_level", "required");
        ServiceLevel::None
    });
    let legacy_level = match pairs.get("legacy_level").as_str() {
        "" => None,
        raw => raw.parse().ok().or_else(|| {
            errors.add("legacy_level", "range");
            None
        }),
    };
    let supplement_days = match pairs.get("supplement_days").as_str() {
        "" => None,
        raw => raw.parse().ok().or_else(|| {
            errors.add("supplement_days", "range");
            None
        }),
    };
    let retention_years = if pairs.checked("retention_permanent") {
        Some(Retention::Permanent)
    } else {
        match pairs.get("retention_years").as_str() {
            "" => None,
            raw => raw.parse().ok().map(Retention::Years).or_else(|| {
                errors.add("retention_years", "range");
                None
            }),
        }
    };
    let unit = match pairs.get("time_unit").as_str() {
        "working_hours" => TimeUnit::WorkingHours,
        _ => TimeUnit::WorkingDays,
    };
    let mut components = Vec::new();
    for i in 0..pairs.rows("c") {
        let (key, name) = (
            pairs.get(&format!("c{i}_key")),
            pairs.get(&format!("c{i}_name")),
        );
        if key.is_empty() && name.is_empty() {
            continue;
        }
        let at = format!("components[{}]", components.len());
        let optional = |f: &str| Some(pairs.get(&format!("c{i}_{f}"))).filter(|v| !v.is_empty());
        components.push(Component {
            key,
            name,
            originals: number(
                pairs,
                &format!("c{i}_originals"),
                &format!("{at}.copies"),
                &mut errors,
            ),
            copies: number(
                pairs,
                &format!("c{i}_copies"),
                &format!("{at}.copies"),
                &mut errors,
            ),
            required: pairs.get(&format!("c{i}_required")) != "0",
            doc_type: optional("doc_type"),
            template: optional("template"),
            note: pairs.get(&format!("c{i}_note")),
        });
    }
    let fees = (0..pairs.rows("f"))
        .filter_map(|i| {
            let fee = pairs.get(&format!("f{i}_fee"));
            (!fee.is_empty()).then(|| FeeRef {
                fee,
                note: pairs.get(&format!("f{i}_note")),
            })
        })
        .collect();
    let mut workflow = Vec::new();
    for i in 0..pairs.rows("w") {
        let name = pairs.get(&format!("w{i}_name"));
        if name.is_empty() {
            continue;
        }
        let at = format!("workflow[{}].hours", workflow.len());
        workflow.push(WorkflowStep {
            name,
            role: pairs.get(&format!("w{i}_role")),
            unit: Some(pairs.get(&format!("w{i}_unit"))).filter(|u| !u.is_empty()),
            hours: number(pairs, &format!("w{i}_hours"), &at, &mut errors),
        });
    }
    let form_json = pairs.get("form_json");
    let form = if form_json.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(&form_json).unwrap_or_else(|_| {
            errors.add("form", "json");
            Vec::new()
        })
    };
    let body = Procedure {
        code: code.to_owned(),
        demo: pairs.checked("demo"),
        name: pairs.get("name"),
        sector: pairs.get("sector"),
        level,
        service_level,
        legacy_level,
        immediate_result: pairs.checked("immediate_result"),
        supplement_days,
        retention_years,
        steps: lines(&pairs.get("steps")),
        method: pairs.get("method"),
        channels: Channels {
            counter: pairs.checked("ch_counter"),
            postal: pairs.checked("ch_postal"),
            online: pairs.checked("ch_online"),
        },
        components,
        processing_time: ProcessingTime {
            amount: number(pairs, "time_amount", "processing_time.amount", &mut errors),
            unit,
            note: pairs.get("time_note"),
        },
        applicants: pairs.get("applicants"),
        implementing_agency: pairs.get("implementing_agency"),
        deciding_agency: pairs.get("deciding_agency"),
        result: pairs.get("result"),
        conditions: pairs.get("conditions"),
        fees,
        fee_note: pairs.get("fee_note"),
        templates,
        legal_basis: lines(&pairs.get("legal_basis")),
        announcement: pairs.get("announcement"),
        workflow,
        form,
    };
    (body, errors)
}

/// Vietnamese for a JSON path such as `components[1].copies`.
pub fn describe_path(path: &str) -> String {
    fn label(name: &str) -> &str {
        match name {
            "code" => "Mã thủ tục",
            "name" => "Tên thủ tục",
            "sector" => "Lĩnh vực",
            "level" => "Cấp thực hiện",
            "service_level" => "Mức độ dịch vụ công trực tuyến",
            "legacy_level" => "Mức độ cũ",
            "supplement_days" => "Thời hạn yêu cầu bổ sung sau khi chuyển xử lý",
            "retention_years" => "Thời hạn lưu trữ hồ sơ (năm)",
            "steps" => "Trình tự thực hiện",
            "method" => "Cách thức thực hiện",
            "channels" => "Kênh nộp hồ sơ",
            "online" => "trực tuyến",
            "components" => "Thành phần hồ sơ",
            "processing_time" => "Thời hạn giải quyết",
            "amount" => "số lượng",
            "applicants" => "Đối tượng thực hiện",
            "implementing_agency" => "Cơ quan thực hiện",
            "deciding_agency" => "Cơ quan có thẩm quyền quyết định",
            "result" => "Kết quả thực hiện",
            "fees" => "Phí, lệ phí",
            "fee" => "khoản phí",
            "templates" => "Mẫu đơn, tờ khai",
            "legal_basis" => "Căn cứ pháp lý",
            "workflow" => "Quy trình nội bộ",
            "form" => "Biểu mẫu điện tử",
            "key" => "mã",
            "copies" => "số bản",
            "doc_type" => "loại giấy tờ",
            "template" => "mẫu",
            "role" => "vai trò",
            "hours" => "số giờ",
            "fields" => "trường con",
            "options" => "lựa chọn",
            "label" => "nhãn",
            "show_if" => "điều kiện hiển thị",
            other => other,
        }
    }
    path.split('.')
        .map(|part| match part.split_once('[') {
            Some((name, rest)) => {
                let n: usize = rest.trim_end_matches(']').parse().unwrap_or(0);
                format!("{} (dòng {})", label(name), n + 1)
            }
            None => label(part).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" – ")
}

/// Every error with where it is and why.
pub fn errors_list(errors: &FieldErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="alert error" role="alert" {
                p { strong { "Chưa lưu được. Vui lòng sửa các lỗi sau:" } }
                ul {
                    @for (path, codes) in &errors.0 {
                        @for code in codes {
                            li { (describe_path(path)) ": " (if code == "json" { "JSON không hợp lệ" } else if code == "procedure_code.taken" { "mã này đã có thủ tục khác" } else { reason(code) }) }
                        }
                    }
                }
            }
        }
    }
}

/// The catalogues the form offers as choices.
pub struct Choices<'a> {
    pub sectors: &'a [Sector],
    pub doc_types: &'a [DocType],
    pub fees: &'a [Fee],
    pub units: &'a [Unit],
}

fn text_input(name: &str, label: &str, value: &str) -> Markup {
    html! {
        div class="field" {
            label for={ "f-" (name) } { (label) }
            input id={ "f-" (name) } name=(name) type="text" value=(value);
        }
    }
}

fn text_area(name: &str, label: &str, value: &str, hint: &str) -> Markup {
    html! {
        div class="field" {
            label for={ "f-" (name) } { (label) }
            @if !hint.is_empty() { p class="muted" id={ "h-" (name) } { (hint) } }
            textarea id={ "f-" (name) } name=(name) rows="4" aria-describedby=[(!hint.is_empty()).then(|| format!("h-{name}"))] { (value) }
        }
    }
}

fn checkbox(name: &str, label: &str, checked: bool) -> Markup {
    html! {
        div class="check" {
            input id={ "f-" (name) } name=(name) type="checkbox" value="1" checked[checked];
            label for={ "f-" (name) } { (label) }
        }
    }
}

/// The retention of the procedure's closed dossiers: a number of years, or permanent; empty for the office default.
fn retention_fields(retention: Option<Retention>) -> Markup {
    let years = match retention {
        Some(Retention::Years(n)) => n.to_string(),
        _ => String::new(),
    };
    html! {
        div class="field" {
            label for="f-retention_years" { "Thời hạn lưu trữ hồ sơ (năm)" }
            p class="muted" id="h-retention_years" { "Từ 1 đến " (MAX_RETENTION_YEARS) " năm, tính từ ngày hồ sơ kết thúc; để trống: theo thời hạn mặc định của cơ quan." }
            input id="f-retention_years" name="retention_years" type="text" inputmode="numeric" value=(years) aria-describedby="h-retention_years";
        }
        (checkbox("retention_permanent", "Hồ sơ bảo quản vĩnh viễn", retention == Some(Retention::Permanent)))
    }
}

/// The editor for `p`; `extra_rows` empty rows follow each list. `code_editable` only for a new procedure.
pub fn render(
    p: &Procedure,
    choices: &Choices<'_>,
    extra_rows: usize,
    code_editable: bool,
) -> Markup {
    let form_json = if p.form.is_empty() {
        String::new()
    } else {
        serde_json::to_string_pretty(&p.form).unwrap_or_default()
    };
    let components = p.components.len() + extra_rows;
    let fee_rows = p.fees.len() + extra_rows;
    let steps = p.workflow.len() + extra_rows;
    html! {
        fieldset {
            legend { "Thông tin chung" }
            @if code_editable {
                (text_input("code", "Mã thủ tục (mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính)", &p.code))
            }
            (text_input("name", "1. Tên thủ tục", &p.name))
            div class="field" {
                label for="f-sector" { "Lĩnh vực" }
                select id="f-sector" name="sector" {
                    option value="" { "— Chọn lĩnh vực —" }
                    @for s in choices.sectors { option value=(s.code) selected[p.sector == s.code] { (s.name) " (" (s.code) ")" } }
                }
            }
            div class="field" {
                label for="f-level" { "Cấp thực hiện" }
                select id="f-level" name="level" {
                    @for l in ImplLevel::ALL { option value=(l.as_str()) selected[p.level == l] { (l.label()) } }
                }
            }
            div class="field" {
                label for="f-service_level" { "Mức độ dịch vụ công trực tuyến" }
                select id="f-service_level" name="service_level" {
                    @for l in ServiceLevel::ALL { option value=(l.as_str()) selected[p.service_level == l] { (l.label()) } }
                }
            }
            div class="field" {
                label for="f-legacy_level" { "Mức độ theo Nghị định 43/2011 (tuỳ chọn)" }
                select id="f-legacy_level" name="legacy_level" {
                    option value="" { "Không hiển thị" }
                    @for n in 1u8..=4 { option value=(n) selected[p.legacy_level == Some(n)] { "Mức độ " (n) } }
                }
            }
            (checkbox("immediate_result", "Trả kết quả ngay khi tiếp nhận", p.immediate_result))
            (text_input("supplement_days", "Số ngày làm việc (kể từ ngày tiếp nhận) được yêu cầu bổ sung sau khi chuyển xử lý; để trống: 03 ngày theo Nghị định 61/2018", &p.supplement_days.map(|d| d.to_string()).unwrap_or_default()))
            (retention_fields(p.retention_years))
            (checkbox("demo", "Dữ liệu minh hoạ (không phải thủ tục đã công bố thật)", p.demo))
        }
        fieldset {
            legend { "Trình tự, cách thức, kênh nộp" }
            (text_area("steps", "2. Trình tự thực hiện", &p.steps.join("\n"), "Mỗi bước một dòng."))
            (text_area("method", "3. Cách thức thực hiện", &p.method, ""))
            p { "10. Kênh nộp hồ sơ và nhận kết quả" }
            (checkbox("ch_counter", "Trực tiếp", p.channels.counter))
            (checkbox("ch_postal", "Qua bưu chính công ích", p.channels.postal))
            (checkbox("ch_online", "Trực tuyến", p.channels.online))
        }
        fieldset {
            legend { "4. Thành phần, số lượng hồ sơ" }
            @for i in 0..components {
                @let c = p.components.get(i);
                div class="row-group" role="group" aria-label={ "Thành phần dòng " (i + 1) } {
                    p class="row-title" { "Dòng " (i + 1) }
                    (text_input(&format!("c{i}_name"), "Tên giấy tờ", c.map_or("", |c| &c.name)))
                    (text_input(&format!("c{i}_key"), "Mã (chữ thường không dấu, ví dụ to_khai)", c.map_or("", |c| &c.key)))
                    (text_input(&format!("c{i}_originals"), "Số bản chính", &c.map_or(String::new(), |c| c.originals.to_string())))
                    (text_input(&format!("c{i}_copies"), "Số bản sao", &c.map_or(String::new(), |c| c.copies.to_string())))
                    div class="field" {
                        label for={ "f-c" (i) "_required" } { "Bắt buộc" }
                        select id={ "f-c" (i) "_required" } name={ "c" (i) "_required" } {
                            option value="1" selected[c.is_none_or(|c| c.required)] { "Bắt buộc" }
                            option value="0" selected[c.is_some_and(|c| !c.required)] { "Nếu có" }
                        }
                    }
                    div class="field" {
                        label for={ "f-c" (i) "_doc_type" } { "Loại giấy tờ" }
                        select id={ "f-c" (i) "_doc_type" } name={ "c" (i) "_doc_type" } {
                            option value="" { "— Không —" }
                            @for d in choices.doc_types { option value=(d.code) selected[c.and_then(|c| c.doc_type.as_deref()) == Some(d.code.as_str())] { (d.name) } }
                        }
                    }
                    div class="field" {
                        label for={ "f-c" (i) "_template" } { "Mẫu đơn, tờ khai" }
                        select id={ "f-c" (i) "_template" } name={ "c" (i) "_template" } {
                            option value="" { "— Không —" }
                            @for t in &p.templates { option value=(t.key) selected[c.and_then(|c| c.template.as_deref()) == Some(t.key.as_str())] { (t.name) } }
                        }
                    }
                    (text_input(&format!("c{i}_note"), "Ghi chú", c.map_or("", |c| &c.note)))
                }
            }
        }
        fieldset {
            legend { "5–9. Thời hạn, đối tượng, cơ quan, kết quả, điều kiện, phí" }
            (text_input("time_amount", "5. Thời hạn giải quyết (số)", &p.processing_time.amount.to_string()))
            div class="field" {
                label for="f-time_unit" { "Đơn vị thời hạn" }
                select id="f-time_unit" name="time_unit" {
                    option value="working_days" selected[p.processing_time.unit == TimeUnit::WorkingDays] { "Ngày làm việc" }
                    option value="working_hours" selected[p.processing_time.unit == TimeUnit::WorkingHours] { "Giờ làm việc" }
                }
            }
            (text_input("time_note", "Ghi chú về thời hạn", &p.processing_time.note))
            (text_area("applicants", "6. Đối tượng thực hiện", &p.applicants, ""))
            (text_input("implementing_agency", "7. Cơ quan thực hiện", &p.implementing_agency))
            (text_input("deciding_agency", "Cơ quan có thẩm quyền quyết định", &p.deciding_agency))
            (text_area("result", "8. Kết quả thực hiện", &p.result, ""))
            (text_area("conditions", "9. Yêu cầu, điều kiện", &p.conditions, "Để trống nếu không có."))
            @for i in 0..fee_rows {
                @let f = p.fees.get(i);
                div class="row-group" role="group" aria-label={ "Phí, lệ phí dòng " (i + 1) } {
                    div class="field" {
                        label for={ "f-f" (i) "_fee" } { "Phí, lệ phí dòng " (i + 1) }
                        select id={ "f-f" (i) "_fee" } name={ "f" (i) "_fee" } {
                            option value="" { "— Không —" }
                            @for fee in choices.fees { option value=(fee.code) selected[f.is_some_and(|f| f.fee == fee.code)] { (fee.name) } }
                        }
                    }
                    (text_input(&format!("f{i}_note"), "Ghi chú áp dụng", f.map_or("", |f| &f.note)))
                }
            }
            (text_area("fee_note", "Ghi chú chung về phí, lệ phí", &p.fee_note, ""))
        }
        fieldset {
            legend { "11. Căn cứ pháp lý" }
            (text_area("legal_basis", "Căn cứ pháp lý", &p.legal_basis.join("\n"), "Mỗi văn bản một dòng."))
            (text_input("announcement", "Quyết định công bố", &p.announcement))
        }
        fieldset {
            legend { "Quy trình nội bộ (quy trình điện tử)" }
            p class="muted" { "Thời gian mỗi bước tính bằng giờ làm việc (1 ngày làm việc = 8 giờ); tổng không vượt thời hạn giải quyết." }
            @for i in 0..steps {
                @let w = p.workflow.get(i);
                div class="row-group" role="group" aria-label={ "Bước " (i + 1) } {
                    p class="row-title" { "Bước " (i + 1) }
                    (text_input(&format!("w{i}_name"), "Tên bước", w.map_or("", |w| &w.name)))
                    div class="field" {
                        label for={ "f-w" (i) "_role" } { "Vai trò thực hiện" }
                        select id={ "f-w" (i) "_role" } name={ "w" (i) "_role" } {
                            @for r in [Role::Officer, Role::Specialist, Role::Head, Role::Leader] {
                                option value=(r.as_str()) selected[w.is_some_and(|w| w.role == r.as_str())] { (r.label()) }
                            }
                        }
                    }
                    div class="field" {
                        label for={ "f-w" (i) "_unit" } { "Đơn vị" }
                        select id={ "f-w" (i) "_unit" } name={ "w" (i) "_unit" } {
                            option value="" { "— Đơn vị của cơ quan tiếp nhận —" }
                            @for u in choices.units { option value=(u.code) selected[w.and_then(|w| w.unit.as_deref()) == Some(u.code.as_str())] { (u.name) } }
                        }
                    }
                    (text_input(&format!("w{i}_hours"), "Số giờ làm việc", &w.map_or(String::new(), |w| w.hours.to_string())))
                }
            }
        }
        fieldset {
            legend { "Biểu mẫu điện tử (cho dịch vụ trực tuyến)" }
            (text_area("form_json", "Định nghĩa các trường (JSON)", &form_json,
                "Danh sách trường theo docs/PROCEDURE-PACK.md (FormField): key, label, type, required, help, options, show_if, prefill, fields."))
        }
    }
}
