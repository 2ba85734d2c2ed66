//! Times written the way Vietnamese administrative forms write them.

use time::{Date, PrimitiveDateTime};

/// "08 giờ 05 phút, ngày 29 tháng 11 năm 2026" (Circular 01/2018 forms).
pub fn long_form(t: PrimitiveDateTime) -> String {
    format!(
        "{:02} giờ {:02} phút, ngày {:02} tháng {:02} năm {}",
        t.hour(),
        t.minute(),
        t.day(),
        u8::from(t.month()),
        t.year()
    )
}

/// "08:05 29/11/2026" for lists and notices.
pub fn short(t: PrimitiveDateTime) -> String {
    format!("{:02}:{:02} {}", t.hour(), t.minute(), date(t.date()))
}

/// "29/11/2026".
pub fn date(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// "ngày 29 tháng 11 năm 2026", the place-and-date line of a form.
pub fn date_line(d: Date) -> String {
    format!(
        "ngày {:02} tháng {:02} năm {}",
        d.day(),
        u8::from(d.month()),
        d.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_written_as_the_forms_write_them() {
        let t = datetime!(2027-02-04 08:05);
        assert_eq!(long_form(t), "08 giờ 05 phút, ngày 04 tháng 02 năm 2027");
        assert_eq!(short(t), "08:05 04/02/2027");
        assert_eq!(date_line(t.date()), "ngày 04 tháng 02 năm 2027");
    }
}
