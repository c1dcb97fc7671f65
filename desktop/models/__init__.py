"""Qt item models: rows paged from the protocol/storage layers, never reset to refresh."""
