"""`alloy-tui`: a vim-modal Textual UI over `alloy.client` (embedded or remote)."""
