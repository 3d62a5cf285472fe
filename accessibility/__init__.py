"""Listening: audiobook chapters and durations (`chapters`), a reader's place and bookmarks
(`progress`), and the IIIF manifest of an audiobook (`manifest`). The pages and the player
are the portal's (portal/audiobooks.py); nothing here imports from portal/."""
