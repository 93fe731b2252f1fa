# bench:real: an app that adds nothing (latency, opening sessions, pushes).
