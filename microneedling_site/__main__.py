import sys

from microneedling_site.cli import main

sys.exit(main())
