# Corpus folders (or one engine of a folder) whose real-world tests are registered but disabled,
# each with what it still needs. ctest lists them as "Not Run (Disabled)".
#   set(BG_REAL_WORLD_PENDING_<folder> "...")            both engines
#   set(BG_REAL_WORLD_PENDING_<folder>_<engine> "...")   builtin or nginx only
set(BG_REAL_WORLD_PENDING_02-service-url-inc-docker-run_nginx
    "nginx's master keeps the old workers accepting for 100 ms of real time after a reload (src/os/unix/ngx_process_cycle.c: ngx_msleep(100) between starting the new workers and sending the old ones NGX_SHUTDOWN_SIGNAL), and clients' keep-alive connections stay on old workers until then. The real binary's 100 ms does not scale with the folder's time scale (0.05): it is 2 scenario seconds in which the old build answers after 02's deployment has ended with the reload, so no_version_regression and liveness_after_swap fire behind nginx, while the built-in proxy switches at the signal and models no overlap. Settling 02 needs that overlap in the built-in proxy (100 scenario ms) and a time scale near 1 for this folder, so that both engines see the same window")
