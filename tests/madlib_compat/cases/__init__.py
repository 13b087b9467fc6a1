"""MADlib install-check steps, transcribed by scripts/madlib_port.py."""
