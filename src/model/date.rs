//! Partial dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, real calendar dates only.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `None` for anything else or a day that does not exist.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let year = digits(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(digits(m, 2)?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(digits(d, 2)?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        let date = PartialDate {
            year: u16::try_from(year).ok()?,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        };
        date.is_real().then_some(date)
    }

    fn is_real(&self) -> bool {
        let Some(month) = self.month else { return true };
        if !(1..=12).contains(&month) {
            return false;
        }
        let Some(day) = self.day else { return true };
        let leap = self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (1..=days).contains(&day)
    }

    /// RFC 3339 timestamp at midnight UTC of the first day the date covers (for feeds).
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            self.year,
            self.month.unwrap_or(1),
            self.day.unwrap_or(1)
        )
    }

    /// A reader's form: "5 December 2023", "December 2023", "2023".
    pub fn human(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", MONTHS[m as usize - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], self.year),
            _ => self.year.to_string(),
        }
    }
}

fn digits(text: &str, len: usize) -> Option<u32> {
    if text.len() == len && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_three_precisions() {
        assert_eq!(PartialDate::parse("2023").unwrap().to_string(), "2023");
        assert_eq!(
            PartialDate::parse("2023-10").unwrap().to_string(),
            "2023-10"
        );
        assert_eq!(
            PartialDate::parse("2023-10-07").unwrap().to_string(),
            "2023-10-07"
        );
    }

    #[test]
    fn rejects_dates_that_do_not_exist() {
        for bad in [
            "2023-02-29",
            "2023-13",
            "2023-04-31",
            "23-10-07",
            "2023-1-7",
            "2023-10-07-1",
            "",
            "soon",
        ] {
            assert_eq!(PartialDate::parse(bad), None, "{bad}");
        }
        assert!(PartialDate::parse("2024-02-29").is_some());
        assert!(PartialDate::parse("2000-02-29").is_some());
        assert!(PartialDate::parse("1900-02-29").is_none());
    }

    #[test]
    fn orders_chronologically() {
        let a = PartialDate::parse("2023-11-10").unwrap();
        let b = PartialDate::parse("2023-12-05").unwrap();
        assert!(a < b);
    }
}
