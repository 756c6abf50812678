"""Signed export packages: minisign-compatible signatures and the passphrase-protected secret key."""
