#!/bin/sh
# Stands in for the unit tests when configure found no cmocka.
echo "1..0 # SKIP cmocka not installed (apt-get install libcmocka-dev)"
