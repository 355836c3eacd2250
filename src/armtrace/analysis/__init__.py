"""Analysis over the store: flows and routes, and (later) stock accounting and screening."""
