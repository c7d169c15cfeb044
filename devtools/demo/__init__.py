"""The demo organisation, one module per app, seeded in dependency order by `seed_demo`."""
