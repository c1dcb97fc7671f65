"""Item delegates: how list rows are painted and sized."""
