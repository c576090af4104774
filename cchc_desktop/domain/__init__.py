"""Domain types and pure rules: no SQL, no Qt."""
