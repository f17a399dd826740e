"""Live call pieces: answering-machine detection, the call recording and per-turn timings."""
