"""One screen per guide step, plus the dashboard (home), startup errors and help."""
