//! The board's risk appetite (`[board]` in demarc.toml) and the overall rating it gives.
//!
//! A rating a board cannot trace is a rating it cannot trust, so the rule is simple,
//! printed under the rating, and every reason for a colour is listed:
//! - **red** when there are more critical findings than the appetite allows (none, unless
//!   `max_critical` says otherwise);
//! - **amber** when the critical findings are within appetite but there are more high
//!   findings than `max_high`, or the posture is below `min_posture`;
//! - **green** otherwise.

use crate::findings::Severity;
use crate::inputs::names::thousands;
use serde::Deserialize;

/// `[board]`: the appetite, and who prepares and approves the board report.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    /// Critical findings tolerated before the rating is red.
    #[serde(default)]
    pub max_critical: usize,
    /// High findings tolerated before the rating is amber.
    #[serde(default = "default_max_high")]
    pub max_high: usize,
    /// The share of responsibility cells owned and evidenced (%) below which the rating
    /// is amber.
    #[serde(default = "default_min_posture")]
    pub min_posture: f64,
    /// Printed in the sign-off block; blank lines when absent.
    pub prepared_by: Option<String>,
    pub approved_by: Option<String>,
    /// `2026-10-15` as a TOML date or as text: both are what a person writes.
    #[serde(default, deserialize_with = "date_or_text")]
    pub approved_on: Option<String>,
}

/// A TOML date (`approved_on = 2026-10-15`) read as its text, so that it and a quoted
/// date are checked alike by [`Board::validate`].
fn date_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateOrText {
        Text(String),
        Date(toml::value::Datetime),
    }
    Ok(Option::<DateOrText>::deserialize(d)?.map(|v| match v {
        DateOrText::Text(text) => text,
        DateOrText::Date(date) => date.to_string(),
    }))
}

fn default_max_high() -> usize {
    5
}

fn default_min_posture() -> f64 {
    80.0
}

impl Default for Board {
    fn default() -> Self {
        Board {
            max_critical: 0,
            max_high: default_max_high(),
            min_posture: default_min_posture(),
            prepared_by: None,
            approved_by: None,
            approved_on: None,
        }
    }
}

/// Red, amber or green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Green,
    Amber,
    Red,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Green => "green",
            Level::Amber => "amber",
            Level::Red => "red",
        }
    }
}

/// The overall rating, with each reason for it and the rule that gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub level: Level,
    /// One line per limit broken ("11 critical findings; appetite: none"); for green, one
    /// line saying it is within every limit.
    pub reasons: Vec<String>,
    /// The rule, with this appetite's numbers, to print small under the rating.
    pub rule: String,
}

impl Board {
    /// Rates a run against this appetite.
    pub fn rate(&self, by_severity: impl Fn(Severity) -> usize, posture: f64) -> Rating {
        let critical = by_severity(Severity::Critical);
        let high = by_severity(Severity::High);
        let mut level = Level::Green;
        let mut reasons = Vec::new();
        let allowed = |n: usize| match n {
            0 => "none".to_string(),
            n => format!("at most {n}"),
        };
        if critical > self.max_critical {
            level = Level::Red;
            reasons.push(format!(
                "{} critical finding{}; appetite: {}",
                thousands(critical),
                plural(critical),
                allowed(self.max_critical)
            ));
        }
        if high > self.max_high {
            level = level.max(Level::Amber);
            reasons.push(format!(
                "{} high finding{}; appetite: {}",
                thousands(high),
                plural(high),
                allowed(self.max_high)
            ));
        }
        if posture < self.min_posture {
            level = level.max(Level::Amber);
            reasons.push(format!(
                "posture {posture:.1}%; appetite: at least {:.0}%",
                self.min_posture
            ));
        }
        if reasons.is_empty() {
            reasons.push(format!(
                "within appetite: {} critical, {} high, posture {posture:.1}%",
                thousands(critical),
                thousands(high)
            ));
        }
        // Said in the board's words, not the configuration's: whether these are the
        // thresholds the organisation chose or the ones demarc starts with.
        let defaults = Board::default();
        let whose = if (self.max_critical, self.max_high, self.min_posture)
            == (
                defaults.max_critical,
                defaults.max_high,
                defaults.min_posture,
            ) {
            "demarc's default thresholds"
        } else {
            "thresholds set for this report"
        };
        let rule = format!(
            "Red when critical findings exceed {}; amber when high findings exceed {} or posture is below {:.0}%; green otherwise ({whose}).",
            thousands(self.max_critical),
            thousands(self.max_high),
            self.min_posture
        );
        Rating {
            level,
            reasons,
            rule,
        }
    }

    /// Checks values a file could get wrong.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=100.0).contains(&self.min_posture) {
            return Err(format!(
                "[board] min_posture = {}: a percentage from 0 to 100",
                self.min_posture
            ));
        }
        if let Some(date) = &self.approved_on {
            if chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").is_err() {
                return Err(format!(
                    "[board] approved_on = {date:?}: write the date as 2026-10-15"
                ));
            }
        }
        Ok(())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(board: &Board, critical: usize, high: usize, posture: f64) -> Rating {
        board.rate(
            |s| match s {
                Severity::Critical => critical,
                Severity::High => high,
                _ => 0,
            },
            posture,
        )
    }

    #[test]
    fn one_critical_finding_beyond_appetite_is_red_whatever_the_posture() {
        let rating = rate(&Board::default(), 1, 0, 99.0);
        assert_eq!(rating.level, Level::Red);
        assert_eq!(rating.reasons, ["1 critical finding; appetite: none"]);
    }

    #[test]
    fn highs_or_a_low_posture_make_amber_and_every_reason_is_listed() {
        let board = Board {
            max_high: 2,
            min_posture: 90.0,
            ..Board::default()
        };
        let rating = rate(&board, 0, 3, 85.0);
        assert_eq!(rating.level, Level::Amber);
        assert_eq!(
            rating.reasons,
            [
                "3 high findings; appetite: at most 2",
                "posture 85.0%; appetite: at least 90%"
            ]
        );
        assert!(rating.rule.contains("high findings exceed 2"));
        assert!(rating.rule.ends_with("(thresholds set for this report)."));
    }

    #[test]
    fn the_rule_says_whose_thresholds_in_words_a_board_reads_and_counts_are_grouped() {
        let rating = rate(&Board::default(), 1_783, 3_028, 39.6);
        assert_eq!(
            rating.reasons,
            [
                "1,783 critical findings; appetite: none",
                "3,028 high findings; appetite: at most 5",
                "posture 39.6%; appetite: at least 80%"
            ]
        );
        assert!(
            rating
                .rule
                .ends_with("green otherwise (demarc's default thresholds)."),
            "{}",
            rating.rule
        );
        assert!(!rating.rule.contains("demarc.toml"), "{}", rating.rule);
    }

    #[test]
    fn the_starters_commented_board_parses_once_uncommented() {
        let starter = include_str!("../data/starter-demarc.toml");
        let from = starter.find("# [board]").unwrap();
        let block: String = starter[from..]
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches("# ").to_string() + "\n")
            .collect();
        #[derive(serde::Deserialize)]
        struct File {
            board: Board,
        }
        let file: File = toml::from_str(&block).unwrap_or_else(|e| panic!("{e}\n{block}"));
        assert_eq!(file.board.max_high, 5);
        assert_eq!(file.board.prepared_by.as_deref(), Some("GRC team"));
        file.board.validate().unwrap();
    }

    #[test]
    fn the_sign_off_date_reads_as_a_toml_date_or_as_text_and_must_be_a_day() {
        #[derive(serde::Deserialize)]
        struct File {
            board: Board,
        }
        for text in ["approved_on = 2026-10-15", "approved_on = \"2026-10-15\""] {
            let file: File = toml::from_str(&format!("[board]\n{text}\n")).unwrap();
            assert_eq!(
                file.board.approved_on.as_deref(),
                Some("2026-10-15"),
                "{text}"
            );
            file.board.validate().unwrap();
        }
        let file: File = toml::from_str("[board]\napproved_on = 2026-10-15T09:00:00\n").unwrap();
        assert!(file
            .board
            .validate()
            .unwrap_err()
            .contains("write the date as 2026-10-15"));
    }

    #[test]
    fn within_every_limit_is_green() {
        let board = Board {
            max_critical: 1,
            ..Board::default()
        };
        let rating = rate(&board, 1, 5, 80.0);
        assert_eq!(rating.level, Level::Green);
        assert!(rating.reasons[0].starts_with("within appetite"));
    }
}
