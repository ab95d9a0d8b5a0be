"""Course search: a tantivy index derived from the database, kept current by a change log."""
