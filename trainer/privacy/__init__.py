"""Privacy and operations: personal-data erasure pages, a person's own data, and backups."""
