//! Web layer: the processing report as tables of cells, shared by the page, the print view and the two downloads
//! (XLSX through `rust_xlsxwriter`, CSV through `csv`), so a file always carries exactly the numbers on the page.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::domain::timefmt;
use crate::services::reports::processing::{
    Breakdown, Counts, Figure, Grouping, ProcessingReport, Rates,
};

/// The figures a breakdown row shows, in column order.
pub(super) const COLUMNS: [Figure; 9] = [
    Figure::Received,
    Figure::CarriedOver,
    Figure::ReceivedNew,
    Figure::Resolved,
    Figure::ResolvedEarly,
    Figure::ResolvedOnTime,
    Figure::ResolvedLate,
    Figure::InProgress,
    Figure::InProgressOverdue,
];

/// A rate of the report: its key, its line and how to read it.
pub(super) struct RateLine {
    pub key: &'static str,
    pub label: &'static str,
    pub value: fn(&Rates) -> Option<f64>,
}

/// The Decision 766 rates, in the order of the report.
pub(super) const RATES: [RateLine; 4] = [
    RateLine {
        key: "on_time_rate",
        label: "Tỷ lệ giải quyết đúng hạn (trước hạn và đúng hạn trên số đã giải quyết, %)",
        value: |r| r.on_time,
    },
    RateLine {
        key: "online_share",
        label: "Tỷ lệ hồ sơ trực tuyến trên số mới tiếp nhận (%)",
        value: |r| r.online,
    },
    RateLine {
        key: "electronic_result_share",
        label: "Tỷ lệ hồ sơ đã giải quyết có kết quả điện tử (%)",
        value: |r| r.electronic,
    },
    RateLine {
        key: "satisfaction",
        label: "Mức độ hài lòng: 100 % trừ tỷ lệ quá hạn và tỷ lệ chưa hài lòng (%)",
        value: |r| r.satisfaction,
    },
];

/// The heading of the on-time column of a breakdown and the average-time column of the procedure breakdown.
pub(super) const ON_TIME_HEADER: &str = "Tỷ lệ đúng hạn (%)";
pub(super) const DAYS_HEADER: &str = "Thời gian giải quyết trung bình (ngày làm việc)";

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Text(String),
    Count(i64),
    /// A rate or an average, already rounded to one decimal; empty when there is nothing to divide by.
    Decimal(Option<f64>),
}

/// A table: one sheet of the workbook, one section of the CSV.
pub(super) struct Table {
    pub sheet: &'static str,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// "93,5" as Vietnamese write it, or a dash.
pub(super) fn decimal_text(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}").replace('.', ","))
}

/// "từ ngày 01/11/2026 đến ngày 29/11/2026".
pub(super) fn period_text(report: &ProcessingReport) -> String {
    format!(
        "từ ngày {} đến ngày {}",
        timefmt::date(report.filter.period.first),
        timefmt::date(report.filter.period.last)
    )
}

/// The summary: every figure, then every rate, with its stable key.
pub(super) fn summary(report: &ProcessingReport, filters: &[(String, String)]) -> Table {
    let text = |s: &str| Cell::Text(s.to_owned());
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![
            text("Từ ngày"),
            text("from"),
            Cell::Text(report.filter.period.first.to_string()),
        ],
        vec![
            text("Đến ngày"),
            text("to"),
            Cell::Text(report.filter.period.last.to_string()),
        ],
    ];
    rows.extend(filters.iter().map(|(label, value)| {
        vec![
            Cell::Text(label.clone()),
            text("filter"),
            Cell::Text(value.clone()),
        ]
    }));
    rows.extend(Figure::ALL.into_iter().map(|f| {
        vec![
            text(f.label()),
            text(f.key()),
            Cell::Count(report.counts.get(f)),
        ]
    }));
    let rates = report.counts.rates();
    rows.extend(
        RATES
            .iter()
            .map(|r| vec![text(r.label), text(r.key), Cell::Decimal((r.value)(&rates))]),
    );
    Table {
        sheet: "Tổng hợp",
        title: format!(
            "Tình hình tiếp nhận và giải quyết hồ sơ {}",
            period_text(report)
        ),
        headers: vec!["Chỉ tiêu".into(), "Mã chỉ tiêu".into(), "Giá trị".into()],
        rows,
    }
}

fn breakdown_cells(
    code: &str,
    name: &str,
    counts: &Counts,
    days: Option<Option<f64>>,
) -> Vec<Cell> {
    let mut cells = vec![Cell::Text(code.to_owned()), Cell::Text(name.to_owned())];
    cells.extend(COLUMNS.iter().map(|f| Cell::Count(counts.get(*f))));
    cells.push(Cell::Decimal(counts.rates().on_time));
    if let Some(days) = days {
        cells.push(Cell::Decimal(days));
    }
    cells
}

/// A breakdown with a total line that repeats the summary's counts.
pub(super) fn breakdown(report: &ProcessingReport, breakdown: &Breakdown) -> Table {
    let by_procedure = breakdown.grouping == Grouping::Procedure;
    let (sheet, first) = if by_procedure {
        ("Theo thủ tục", "Thủ tục")
    } else {
        ("Theo đơn vị", "Đơn vị")
    };
    let mut headers = vec!["Mã".to_owned(), first.to_owned()];
    headers.extend(COLUMNS.iter().map(|f| f.label().to_owned()));
    headers.push(ON_TIME_HEADER.to_owned());
    if by_procedure {
        headers.push(DAYS_HEADER.to_owned());
    }
    let mut rows: Vec<Vec<Cell>> = breakdown
        .rows
        .iter()
        .map(|row| {
            breakdown_cells(
                row.key.as_deref().unwrap_or(""),
                &row.name,
                &row.counts,
                by_procedure.then_some(row.average_days),
            )
        })
        .collect();
    rows.push(breakdown_cells(
        "",
        "Tổng cộng",
        &report.counts,
        by_procedure.then_some(breakdown.average_days),
    ));
    Table {
        sheet,
        title: format!(
            "Tình hình giải quyết hồ sơ {} {}",
            sheet.to_lowercase(),
            period_text(report)
        ),
        headers,
        rows,
    }
}

/// The tables as a CSV file: each table's title, its header and rows, a blank line between tables. Decimals use a
/// point so spreadsheet programs in any locale read them as numbers.
pub(super) fn csv_bytes(tables: &[Table]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for (i, table) in tables.iter().enumerate() {
        if i > 0 {
            out.write_record([""])?;
        }
        out.write_record([table.title.as_str()])?;
        out.write_record(&table.headers)?;
        for row in &table.rows {
            out.write_record(row.iter().map(|cell| match cell {
                Cell::Text(t) => t.clone(),
                Cell::Count(n) => n.to_string(),
                Cell::Decimal(v) => v.map(|v| format!("{v:.1}")).unwrap_or_default(),
            }))?;
        }
    }
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// The tables as a workbook, one sheet each: the title in A1, the header on row 3, numbers stored as numbers.
pub(super) fn xlsx_bytes(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let decimal = Format::new().set_num_format("0.0");
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(table.sheet)?;
        sheet.write_string_with_format(0, 0, &table.title, &bold)?;
        for (col, header) in (0u16..).zip(&table.headers) {
            sheet.write_string_with_format(2, col, header, &bold)?;
        }
        for (row, cells) in (3u32..).zip(&table.rows) {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Text(t) => {
                        sheet.write_string(row, col, t)?;
                    }
                    #[allow(clippy::cast_precision_loss)]
                    Cell::Count(n) => {
                        sheet.write_number(row, col, *n as f64)?;
                    }
                    Cell::Decimal(Some(v)) => {
                        sheet.write_number_with_format(row, col, *v, &decimal)?;
                    }
                    Cell::Decimal(None) => {}
                }
            }
        }
        sheet.set_column_width(0, 60)?;
        sheet.set_column_width(1, 24)?;
    }
    book.save_to_buffer()
}
