"""Publisher sources: one adapter per publisher whose site Vidensbank crawls by itself."""
