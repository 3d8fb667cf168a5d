"""PDPA: keyed hashes for citizens, the privacy notice, a citizen's own data (see, erase),
retention, and the audit log of staff access to personal data."""
