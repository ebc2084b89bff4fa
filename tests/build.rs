//! Fixture sites built end to end.
