//! Web UI: bar and line charts drawn as inline SVG on the server, with no script and no chart library, so they
//! work without JavaScript, under the CSP (`default-src 'self'`: presentation attributes only, no `style`), and in
//! print. Each chart is one `role="img"` labelled by its own `<title>` and `<desc>`, prints its values as text (a
//! reader never has to match colours), and is followed by a table of the same numbers for screen readers and for
//! anyone who wants the figures. The viewBox is 360 units wide and the element is as wide as its column but only as
//! tall as the viewBox: on a 360 px phone the drawing shrinks a little to fit, on a wide screen it keeps its natural
//! size at the left instead of growing to fill the page (no stylesheet rule is needed for either).

use maud::{Markup, html};

use crate::domain::rating::LEVELS;

use super::layout::scroll_table;

/// Width of every chart's viewBox.
const WIDTH: f64 = 360.0;
/// Series colours: each has at least 7:1 contrast on white (WCAG 1.4.11 asks 3:1 of graphics) and stays apart
/// for the common colour-vision deficiencies; the value labels carry the series name anyway.
const COLOURS: [&str; 4] = ["#0a50a0", "#a50e0e", "#116329", "#6a3d9a"];
/// Axis and label text: the site's ink and muted colours (≥ 6:1 on white).
const INK: &str = "#1f2328";
const MUTED: &str = "#57606a";
const GRID: &str = "#d0d7de";
/// Longest category label drawn in a bar chart; the table beside it has the full text.
const MAX_LABEL_CHARS: usize = 44;

/// How the values of a column are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Whole numbers with Vietnamese thousands separators ("1.234").
    Count,
    /// A percentage with one decimal ("33,3 %").
    Percent,
    /// A number of days with one decimal ("2,5").
    Days,
}

impl Format {
    /// The value as the table writes it; a missing value is a dash.
    pub fn show(self, value: Option<f64>) -> String {
        match value {
            None => "–".to_owned(),
            Some(v) => match self {
                Format::Count => count(v),
                Format::Percent => format!("{} %", decimal(v)),
                Format::Days => decimal(v),
            },
        }
    }

    /// The value as a chart label, shorter where space is tight (a percentage is rounded to a whole number).
    fn short(self, value: f64) -> String {
        match self {
            Format::Percent => format!("{value:.0}%"),
            other => other.show(Some(value)),
        }
    }
}

/// One decimal with a decimal comma.
fn decimal(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
}

/// A whole number with dots between thousands.
#[allow(clippy::cast_possible_truncation)]
fn count(v: f64) -> String {
    let digits = (v.round() as i64).unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if v < -0.5 { format!("-{out}") } else { out }
}

/// One column of the data table; the plotted ones are drawn as a series.
pub struct Column<'a> {
    pub name: &'a str,
    pub values: Vec<Option<f64>>,
    pub format: Format,
}

/// Where the data table goes: visible under the chart, or folded in a `<details>` the reader can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Visible,
    Folded,
}

/// A chart and its data: `labels` name the categories (table rows), `columns` hold the table's figures and
/// `plotted` says which of them are drawn, so the chart can never show a number the table does not.
pub struct Chart<'a> {
    /// Unique on the page; the SVG's title and description ids are made from it.
    pub id: &'a str,
    pub title: &'a str,
    /// What the chart shows and its main finding, read out by screen readers.
    pub description: &'a str,
    /// Header of the label column of the table ("Đơn vị", "Tháng").
    pub label_header: &'a str,
    pub labels: Vec<String>,
    /// Shorter labels for the line chart's horizontal axis, a line break starting a second line (the month, then
    /// the year under January); empty to use `labels`.
    pub axis_labels: Vec<String>,
    pub columns: Vec<Column<'a>>,
    pub plotted: Vec<usize>,
    /// Columns of words the table adds after the figures (a statutory time, a note); never plotted.
    pub text_columns: Vec<(&'a str, Vec<String>)>,
    pub table: Table,
}

impl Chart<'_> {
    fn series(&self) -> impl Iterator<Item = (usize, &Column<'_>)> {
        self.plotted
            .iter()
            .filter_map(|&i| self.columns.get(i))
            .enumerate()
    }

    fn max(&self) -> f64 {
        self.series()
            .flat_map(|(_, c)| c.values.iter().flatten())
            .fold(0.0_f64, |m, v| m.max(*v))
    }

    fn svg(&self, height: f64, content: Markup) -> Markup {
        let title = format!("{}-title", self.id);
        let desc = format!("{}-desc", self.id);
        html! {
            svg class="chart" role="img" aria-labelledby={ (title) " " (desc) } width="100%" height=(fmt(height))
                viewBox={ "0 0 " (WIDTH) " " (fmt(height)) } preserveAspectRatio="xMinYMin meet" font-family="inherit" {
                title id=(title) { (self.title) }
                desc id=(desc) { (self.description) }
                (content)
            }
        }
    }
}

/// A coordinate, with one decimal at most.
fn fmt(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}

fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

fn clip(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// A legend (swatch and name) for charts with more than one series.
fn legend(chart: &Chart<'_>, y: f64) -> Markup {
    let mut x = 8.0;
    let mut entries = Vec::new();
    for (i, c) in chart.series() {
        entries.push((x, i, c.name));
        x += 26.0 + 7.5 * c.name.chars().count() as f64;
    }
    html! {
        @for (x, i, name) in entries {
            rect x=(fmt(x)) y=(fmt(y - 10.0)) width="12" height="12" fill=(colour(i)) {}
            text x=(fmt(x + 16.0)) y=(fmt(y)) font-size="13" fill=(INK) { (name) }
        }
    }
}

/// Horizontal bars, one group per category: the category name above its bars (names can be long, and a phone is
/// narrow), each bar with its value written after it, "Quá hạn: 3" when there are several series.
pub fn bar_chart(chart: &Chart<'_>) -> Markup {
    let series: Vec<(usize, &Column<'_>)> = chart.series().collect();
    let several = series.len() > 1;
    let (bar, gap, label_h) = (16.0, 4.0, 20.0);
    let top = if several { 24.0 } else { 4.0 };
    let block = label_h + series.len() as f64 * (bar + gap) + 8.0;
    let height = top + block * chart.labels.len() as f64;
    let room = if several { 130.0 } else { 70.0 };
    let span = WIDTH - 8.0 - room;
    let max = chart.max().max(1.0);
    let content = html! {
        @if several { (legend(chart, 14.0)) }
        @for (row, label) in chart.labels.iter().enumerate() {
            @let y0 = top + block * row as f64;
            text x="8" y=(fmt(y0 + 14.0)) font-size="14" font-weight="600" fill=(INK) { (clip(label)) }
            @for (k, (i, c)) in series.iter().enumerate() {
                @let value = c.values.get(row).copied().flatten();
                @let y = y0 + label_h + k as f64 * (bar + gap);
                @let w = value.map_or(0.0, |v| v / max * span);
                @if w > 0.0 {
                    rect x="8" y=(fmt(y)) width=(fmt(w.max(2.0))) height=(fmt(bar)) fill=(colour(*i)) {}
                }
                text x=(fmt(8.0 + w + 6.0)) y=(fmt(y + bar - 3.0)) font-size="13" fill=(INK) {
                    @if several { (c.name) ": " }
                    (c.format.show(value))
                }
            }
        }
    };
    html! {
        div class="chart" {
            (chart.svg(height, content))
            (data_table(chart))
        }
    }
}

/// A line per plotted series over the categories (months), each point marked and labelled with its value; a
/// missing value breaks the line instead of being drawn as zero. Percentages run on a fixed 0–100 scale.
pub fn line_chart(chart: &Chart<'_>) -> Markup {
    let series: Vec<(usize, &Column<'_>)> = chart.series().collect();
    let several = series.len() > 1;
    let (left, right, top, bottom) = (40.0, 14.0, if several { 36.0 } else { 22.0 }, 44.0);
    let plot_h = 150.0;
    let height = top + plot_h + bottom;
    let percent = series.iter().all(|(_, c)| c.format == Format::Percent);
    let max = if percent {
        100.0
    } else {
        nice_ceiling(chart.max())
    };
    let n = chart.labels.len().max(1);
    let step = (WIDTH - left - right) / n as f64;
    let x_of = |i: usize| left + step * (i as f64 + 0.5);
    let y_of = |v: f64| top + plot_h - v.clamp(0.0, max) / max * plot_h;
    let axis = if chart.axis_labels.len() == chart.labels.len() {
        &chart.axis_labels
    } else {
        &chart.labels
    };
    let ticks = [0.0, 0.25, 0.5, 0.75, 1.0];
    let content = html! {
        @if several { (legend(chart, 14.0)) }
        @for t in ticks {
            @let y = y_of(max * t);
            line x1=(fmt(left)) x2=(fmt(WIDTH - right)) y1=(fmt(y)) y2=(fmt(y)) stroke=(GRID) stroke-width="1" {}
            text x=(fmt(left - 4.0)) y=(fmt(y + 4.0)) font-size="11" text-anchor="end" fill=(MUTED) {
                @if percent { (fmt(max * t)) "%" } @else { (fmt(max * t)) }
            }
        }
        @for (i, label) in axis.iter().enumerate() {
            text x=(fmt(x_of(i))) y=(fmt(top + plot_h + 17.0)) font-size="12" text-anchor="middle" fill=(MUTED) {
                @for (line, part) in label.split('\n').enumerate() {
                    tspan x=(fmt(x_of(i))) dy=(if line == 0 { "0" } else { "15" }) { (part) }
                }
            }
        }
        @for (i, c) in &series {
            @for run in runs(&c.values) {
                @if run.len() > 1 {
                    polyline fill="none" stroke=(colour(*i)) stroke-width="2"
                        points=(run.iter().map(|(k, v)| format!("{},{}", fmt(x_of(*k)), fmt(y_of(*v)))).collect::<Vec<_>>().join(" ")) {}
                }
                @for (k, v) in &run {
                    circle cx=(fmt(x_of(*k))) cy=(fmt(y_of(*v))) r="3.5" fill=(colour(*i)) {}
                    text x=(fmt(x_of(*k))) y=(fmt(y_of(*v) - 7.0)) font-size="11" text-anchor="middle" fill=(INK) {
                        (c.format.short(*v))
                    }
                }
            }
        }
    };
    html! {
        div class="chart" {
            (chart.svg(height, content))
            (data_table(chart))
        }
    }
}

/// The runs of consecutive present values, each as (category index, value).
fn runs(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => current.push((i, *v)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `v` (at least 4, so four grid steps are whole numbers for counts).
fn nice_ceiling(v: f64) -> f64 {
    if v <= 4.0 {
        return 4.0;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|c| *c >= v)
        .unwrap_or(v)
}

/// The three rating levels ("Rất hài lòng", "Hài lòng", "Chưa hài lòng") as bars of counts, with the counts and
/// their shares in the table; the description states all three so a screen reader hears the result at once.
#[allow(clippy::cast_precision_loss)]
pub fn rating_levels(id: &str, title: &str, counts: &[i64; 3], table: Table) -> Markup {
    let total: i64 = counts.iter().sum();
    let share = |n: i64| (total > 0).then(|| n as f64 * 100.0 / total as f64);
    let parts: Vec<String> = LEVELS
        .iter()
        .zip(counts)
        .map(|((_, label), n)| format!("{label}: {n} ({})", Format::Percent.show(share(*n))))
        .collect();
    let description = format!("{total} lượt đánh giá. {}.", parts.join("; "));
    bar_chart(&Chart {
        id,
        title,
        description: &description,
        label_header: "Mức độ",
        labels: LEVELS.iter().map(|(_, l)| (*l).to_owned()).collect(),
        axis_labels: Vec::new(),
        columns: vec![
            Column {
                name: "Số lượt đánh giá",
                values: counts.iter().map(|n| Some(*n as f64)).collect(),
                format: Format::Count,
            },
            Column {
                name: "Tỷ lệ",
                values: counts.iter().map(|n| share(*n)).collect(),
                format: Format::Percent,
            },
        ],
        plotted: vec![0],
        text_columns: Vec::new(),
        table,
    })
}

/// The chart's data as a table: a caption, a header row of column names, and one row per category headed by its
/// label; every column the table holds, the plotted ones and the others.
pub fn data_table(chart: &Chart<'_>) -> Markup {
    let table = html! {
        table {
            caption { (chart.title) }
            thead { tr {
                th scope="col" { (chart.label_header) }
                @for c in &chart.columns { th scope="col" { (c.name) } }
                @for (name, _) in &chart.text_columns { th scope="col" { (name) } }
            } }
            tbody {
                @for (row, label) in chart.labels.iter().enumerate() {
                    tr {
                        th scope="row" { (label) }
                        @for c in &chart.columns { td { (c.format.show(c.values.get(row).copied().flatten())) } }
                        @for (_, texts) in &chart.text_columns { td { (texts.get(row).map_or("–", String::as_str)) } }
                    }
                }
            }
        }
    };
    let wrapped = scroll_table(&format!("Bảng số liệu: {}", chart.title), table);
    match chart.table {
        Table::Visible => wrapped,
        Table::Folded => html! {
            details class="chart-data" {
                summary { "Xem bảng số liệu: " (chart.title) }
                (wrapped)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(labels: &[&str], values: &[Option<f64>], format: Format) -> Chart<'static> {
        Chart {
            id: "c",
            title: "Tiêu đề",
            description: "Mô tả",
            label_header: "Nhãn",
            labels: labels.iter().map(|s| (*s).to_owned()).collect(),
            axis_labels: Vec::new(),
            columns: vec![Column {
                name: "Giá trị",
                values: values.to_vec(),
                format,
            }],
            plotted: vec![0],
            text_columns: Vec::new(),
            table: Table::Visible,
        }
    }

    #[test]
    fn values_are_written_the_vietnamese_way() {
        assert_eq!(Format::Count.show(Some(1234567.0)), "1.234.567");
        assert_eq!(Format::Count.show(Some(12.0)), "12");
        assert_eq!(Format::Percent.show(Some(100.0 / 3.0)), "33,3 %");
        assert_eq!(Format::Days.show(Some(2.25)), "2,2");
        assert_eq!(Format::Percent.show(None), "–");
    }

    #[test]
    fn a_bar_chart_is_one_labelled_image_followed_by_a_table_of_the_same_numbers() {
        let html =
            bar_chart(&sample(&["A", "B"], &[Some(3.0), Some(0.0)], Format::Count)).into_string();
        assert!(
            html.contains(r#"role="img" aria-labelledby="c-title c-desc""#),
            "{html}"
        );
        assert!(html.contains(r#"<title id="c-title">Tiêu đề</title>"#));
        assert!(html.contains(r#"<desc id="c-desc">Mô tả</desc>"#));
        assert!(html.contains("<caption>Tiêu đề</caption>"));
        assert!(
            html.contains(r#"<th scope="row">B</th><td>0</td>"#),
            "{html}"
        );
        assert_eq!(html.matches("<rect").count(), 1, "a zero draws no bar");
        assert!(!html.contains("<rect x=\"8\" y=\"22\" width=\"0\""));
    }

    #[test]
    fn a_line_breaks_where_a_value_is_missing_and_never_draws_it_as_zero() {
        let html = line_chart(&sample(
            &["1", "2", "3", "4"],
            &[Some(50.0), Some(100.0), None, Some(25.0)],
            Format::Percent,
        ))
        .into_string();
        assert_eq!(html.matches("<polyline").count(), 1);
        assert_eq!(html.matches("<circle").count(), 3);
        assert!(html.contains(">50%<") && html.contains(">25%<"));
        assert!(html.contains("<td>–</td>"));
    }

    #[test]
    fn count_scales_end_on_round_numbers() {
        assert_eq!(nice_ceiling(3.0), 4.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(130.0), 200.0);
    }
}
