"""What the user sees: rich rendering of records (render), and the full-screen reader
(browse, on textual widgets)."""
