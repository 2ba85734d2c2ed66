//! Line numbers inside a JSON file being imported, so a refusal can say "dòng N". The offsets where lines start are
//! found once; naming the line of any value is then a binary search (counting newlines from the top for every
//! element made imports of large files quadratic).

use serde_json::value::RawValue;

pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The 1-based line where `raw` starts; `raw` must borrow from this text, so its offset is a pointer difference.
    pub fn of(&self, raw: &RawValue) -> usize {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        self.starts.partition_point(|&start| start <= offset)
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;
    use serde_json::value::RawValue;

    #[test]
    fn each_element_knows_the_line_it_starts_on() {
        let text = "[\n  {\"a\": 1},\n\n  {\"b\": 2}\n]";
        let items: Vec<&RawValue> = serde_json::from_str(text).unwrap_or_default();
        let lines = Lines::new(text);
        assert_eq!(
            items.iter().map(|r| lines.of(r)).collect::<Vec<_>>(),
            [2, 4]
        );
    }
}
