//! The shipped knowledge base in `content/`.
