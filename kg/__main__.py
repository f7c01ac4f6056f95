import sys

try:  # Ctrl-C while Python loads kg: one line and 130, not a traceback (kg.cli.main handles every later moment)
    from kg.cli import main
except KeyboardInterrupt:
    sys.stderr.write("kg: interrupted\n")
    sys.exit(130)

sys.exit(main())
