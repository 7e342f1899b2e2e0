from listlint.cli import main

raise SystemExit(main())
