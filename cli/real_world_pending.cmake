# Corpus folders (or one engine of a folder) whose real-world tests are registered but disabled,
# each with what it still needs. ctest lists them as "Not Run (Disabled)".
#   set(BG_REAL_WORLD_PENDING_<folder> "...")            every engine
#   set(BG_REAL_WORLD_PENDING_<folder>_<engine> "...")   builtin, nginx or sim only
