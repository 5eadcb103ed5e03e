"""What the user sees: rich renderables of records (render, and the views listing, reading
and overview), and the full-screen reader (browse, on textual widgets)."""
