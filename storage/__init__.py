"""Cercle storage: the encrypted local cache (SQLCipher) and its key policy, Qt- and nio-free."""
