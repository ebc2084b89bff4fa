//! The full text of errors for bad input.
