"""Full screens over the main one (my work, approvals); each closes back to it with q/Esc."""
