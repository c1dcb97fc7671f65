"""Communities: Matrix spaces with governance (charter, editorial line, roles, ACL, moderation)."""
