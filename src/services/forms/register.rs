//! Services layer: the year's register (Form 06 of Circular 01/2018, 07 of 03/2025) as a printed, paged form and as
//! a CSV file. Entry numbers are the dossiers' register numbers, continuous from 01 through the year whatever book
//! they are written in (Circular 01/2018 Art. 10: a book opened mid-year continues the numbering).

use time::OffsetDateTime;

use crate::domain::calendar::to_local;
use crate::domain::text::nfc;
use crate::store::Db;
use crate::store::form_templates;

use super::{RenderedForm, ServiceError, active_set, build, fill};

/// Register lines per printed page.
pub const REGISTER_PAGE_SIZE: i64 = 50;

/// The register page asked for: `page` from 1, `book` the label printed ("Quyển số"), by default the
/// `register_book` setting.
#[derive(Debug, Clone)]
pub struct RegisterQuery {
    pub year: i64,
    pub book: Option<String>,
    pub page: i64,
}

/// A rendered register page with its paging.
#[derive(Debug, Clone)]
pub struct RegisterPage {
    pub form: RenderedForm,
    pub year: i64,
    pub book: String,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// Years that have entries, newest first.
    pub years: Vec<i64>,
}

/// One page of the year's register (Form 06 of 2018, 07 of 2025), numbered by entry from 01 through the year.
pub async fn register(db: &Db, query: RegisterQuery) -> Result<RegisterPage, ServiceError> {
    db.read(move |c| {
        let set = active_set(c)?;
        let template = form_templates::find(c, &set, "register")?.ok_or(ServiceError::NotFound)?;
        let org = build::Org::load(c)?;
        let total = form_templates::register_count(c, query.year)?;
        let pages = ((total + REGISTER_PAGE_SIZE - 1) / REGISTER_PAGE_SIZE).max(1);
        let page = query.page.clamp(1, pages);
        let rows = form_templates::register_rows(
            c,
            query.year,
            (page - 1) * REGISTER_PAGE_SIZE,
            REGISTER_PAGE_SIZE,
        )?;
        let book = query
            .book
            .map(|b| nfc(b.trim()))
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| org.book.clone());
        let mut ctx = org.frame(None, to_local(OffsetDateTime::now_utc()));
        ctx.register = Some(super::context::RegisterInfo {
            year: query.year,
            book: book.clone(),
            total,
            page,
            pages,
            entries: rows.iter().map(|r| org.register_entry(r)).collect(),
        });
        let form = fill(&template, ctx, "")?;
        Ok(RegisterPage {
            form,
            year: query.year,
            book,
            page,
            pages,
            total,
            years: form_templates::register_years(c)?,
        })
    })
    .await
}

/// The whole register of `year` as CSV, UTF-8 with a byte-order mark so spreadsheet programs read the Vietnamese
/// text correctly. The columns are those of the printed register.
pub async fn register_csv(db: &Db, year: i64) -> Result<Vec<u8>, ServiceError> {
    db.read(move |c| {
        let org = build::Org::load(c)?;
        let rows = form_templates::register_rows(c, year, 0, i64::MAX)?;
        let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let header = [
            "Số thứ tự",
            "Mã hồ sơ",
            "Tên thủ tục hành chính",
            "Số lượng hồ sơ (bộ)",
            "Tên cá nhân, tổ chức",
            "Địa chỉ, số điện thoại",
            "Cơ quan chủ trì giải quyết",
            "Nhận hồ sơ",
            "Hẹn trả kết quả",
            "Chuyển hồ sơ đến cơ quan giải quyết",
            "Nhận kết quả từ cơ quan giải quyết",
            "Trả kết quả cho cá nhân, tổ chức",
            "Ghi chú",
        ];
        let csv_error = |e: csv::Error| ServiceError::Internal(anyhow::Error::new(e));
        out.write_record(header).map_err(csv_error)?;
        for r in &rows {
            let e = org.register_entry(r);
            out.write_record([
                e.number,
                e.code,
                e.procedure,
                e.sets.to_string(),
                e.applicant,
                e.address_phone,
                e.lead_unit,
                e.received,
                e.due,
                e.transferred,
                e.result_back,
                e.returned,
                e.note,
            ])
            .map_err(csv_error)?;
        }
        out.into_inner()
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("register CSV: {e}")))
    })
    .await
}
