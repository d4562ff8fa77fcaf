# Corpus folders whose real-world tests are registered but disabled, each with what it still needs.
# set(BG_REAL_WORLD_PENDING_<folder> "what is missing")
