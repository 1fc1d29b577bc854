"""The app's screens: `tickets` (the one it opens on: list, detail, board), and over it
`mywork` and `approvals`, which close back to it with q/Esc."""
